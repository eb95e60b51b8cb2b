package io.mailhub.relay;

import static io.mailhub.relay.RelayFixtures.envelope;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailhub.relay.dns.MxHost;
import io.mailhub.relay.dns.MxResolution;
import io.mailhub.testing.FakeSmtpServer;
import io.mailhub.testing.TestCertificates;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What each recipient's result says about the attempt: the next hop reached, its TLS, and the times measured. */
class AttemptReportTest {

    private static final BodySource BODY = BodySource.of("Subject: x\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII));
    private static final String LOOPBACK_IP = InetAddress.getLoopbackAddress().getHostAddress();

    private final TestCertificates certs = TestCertificates.get();
    private FakeSmtpServer server;
    private SmtpRelay relay;

    @BeforeEach
    void start() throws Exception {
        server = new FakeSmtpServer();
    }

    @AfterEach
    void stop() throws Exception {
        if (relay != null) {
            relay.close();
        }
        server.close();
    }

    @Test
    void aStartTlsSessionReportsTheHostTheAddressConnectedToAndTheProtocolAndCipherTheServerNegotiated()
            throws Exception {
        server.startTls(certs.selfSignedServer());
        relay = RelayFixtures.relay(RelayFixtures.LOOPBACK, TlsClient.withDefaultTrust());

        DeliveryReport report = relay.deliver(new Destination("mx.remote.test", server.port()), TlsPolicy.MAY,
                envelope("bob@remote.test"), BODY);

        SSLSession serverSide = server.tlsSessions().get(0);
        assertThat(report.results()).singleElement().satisfies(r -> {
            assertThat(r.status()).as(r.toString()).isEqualTo(RecipientStatus.DELIVERED);
            assertThat(r.nextHop().host()).isEqualTo("mx.remote.test");
            assertThat(r.nextHop().address()).isEqualTo(LOOPBACK_IP);
            assertThat(r.nextHop().mxPreference()).as("not from an MX lookup").isNull();
            assertThat(r.nextHop().tls().protocol()).isEqualTo(serverSide.getProtocol());
            assertThat(r.nextHop().tls().cipher()).isEqualTo(serverSide.getCipherSuite());
            assertThat(r.nextHop().tls().verified()).as("may accepts any certificate, checking none").isFalse();
            assertThat(r.times().connectionSetup()).isPositive();
            assertThat(r.times().transmission()).isPositive();
        });
    }

    @Test
    void aCertificateCheckedAgainstTheTrustAnchorsAndTheHostNameIsReportedVerified() throws Exception {
        server.startTls(certs.caSignedServer());
        relay = RelayFixtures.relay(RelayFixtures.LOOPBACK, TlsClient.withTrustAnchors(certs.caPem()));

        DeliveryReport report = relay.deliver(new Destination("localhost", server.port()), TlsPolicy.VERIFY,
                envelope("bob@remote.test"), BODY);

        assertThat(report.results()).singleElement().satisfies(r -> {
            assertThat(r.status()).as(r.toString()).isEqualTo(RecipientStatus.DELIVERED);
            assertThat(r.nextHop().tls().verified()).isTrue();
            assertThat(r.nextHop().tls().protocol()).isEqualTo(server.tlsSessions().get(0).getProtocol());
        });
    }

    @Test
    void aPlaintextSessionHasNoTls() throws Exception {
        relay = RelayFixtures.relay(RelayFixtures.LOOPBACK, TlsClient.withDefaultTrust());

        DeliveryReport report = relay.deliver(new Destination("localhost", server.port()), TlsPolicy.MAY,
                envelope("bob@remote.test"), BODY);

        assertThat(report.results().get(0).nextHop().tls()).isNull();
        assertThat(report.results().get(0).nextHop().address()).isEqualTo(LOOPBACK_IP);
    }

    @Test
    void anMxHostCarriesItsPreferenceFromTheLookupToTheResult() throws Exception {
        MxHost mx = new MxHost("mx1.remote.test", 20, List.of(InetAddress.getByName("127.0.0.1")));
        NextHopRouter router = new NextHopRouter(null, server.port(), TransportMap.EMPTY,
                domain -> new MxResolution.Hosts(List.of(mx)), 5);
        relay = RelayFixtures.relay(SmtpTransport.PLAIN, TlsClient.withDefaultTrust());
        HostFallback hosts = new HostFallback(relay, new DeadDestinations(Duration.ofMinutes(1)));

        NextHopRouter.Route.Hosts route = (NextHopRouter.Route.Hosts) router.route("remote.test", null);
        DeliveryReport report = hosts.deliver(route.hosts(), SessionProfile.OPPORTUNISTIC, envelope("bob@remote.test"),
                BODY);

        assertThat(report.results()).singleElement().satisfies(r -> {
            assertThat(r.status()).as(r.toString()).isEqualTo(RecipientStatus.DELIVERED);
            assertThat(r.nextHop()).isEqualTo(new NextHop("mx1.remote.test", "127.0.0.1", 20, null));
        });
    }

    /** Port 9 takes {@link #REFUSAL} to refuse; other ports connect on loopback. */
    private static final Duration REFUSAL = Duration.ofMillis(150);

    private static final SmtpTransport SLOW_REFUSAL = (d, timeout) -> {
        if (d.port() != 9) {
            return SmtpTransport.PLAIN.connect(d, timeout);
        }
        try {
            Thread.sleep(REFUSAL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new java.net.ConnectException("Connection refused");
    };

    @Test
    void aHostThatCannotBeReachedIsNamedWithoutAnAddressAndItsTimeIsSetupOfTheNextHost() throws Exception {
        relay = RelayFixtures.relay(SLOW_REFUSAL, TlsClient.withDefaultTrust());
        HostFallback hosts = new HostFallback(relay, new DeadDestinations(Duration.ofMinutes(1)));
        Destination down = new Destination("127.0.0.1", 9);

        DeliveryReport alone = relay.deliver(down, SessionProfile.OPPORTUNISTIC, envelope("bob@remote.test"), BODY);
        DeliveryReport fallback = hosts.deliver(List.of(new Destination("127.0.0.2", 9),
                new Destination("127.0.0.1", server.port())), SessionProfile.OPPORTUNISTIC, envelope("bob@remote.test"),
                BODY);

        assertThat(alone.results()).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(RecipientStatus.DEFERRED);
            assertThat(r.nextHop()).isEqualTo(new NextHop("127.0.0.1", null, null, null));
            assertThat(r.times().connectionSetup()).isGreaterThanOrEqualTo(REFUSAL);
            assertThat(r.times().transmission()).as("no transaction").isNull();
        });
        assertThat(fallback.results()).singleElement().satisfies(r -> {
            assertThat(r.status()).as(r.toString()).isEqualTo(RecipientStatus.DELIVERED);
            assertThat(r.nextHop().address()).isEqualTo("127.0.0.1");
            assertThat(r.times().connectionSetup()).as("the refusing host's time included")
                    .isGreaterThanOrEqualTo(REFUSAL);
            assertThat(r.times().transmission()).isPositive();
        });
    }
}
