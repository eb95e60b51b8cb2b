package io.mailhub.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailhub.testing.FakeSmtpServer;
import io.mailhub.testing.TestCertificates;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Trying the hosts of a route in order: unreachable hosts are marked dead, policy misfits only skipped. */
class HostFallbackTest {

    private static final BodySource BODY = BodySource.of("Subject: x\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII));

    private FakeSmtpServer first;
    private FakeSmtpServer second;
    private SmtpRelay relay;
    private HostFallback hosts;
    private DeadDestinations dead;

    @BeforeEach
    void start() throws Exception {
        first = new FakeSmtpServer();
        second = new FakeSmtpServer();
        relay = RelayFixtures.relay(SmtpTransport.PLAIN, TlsClient.withDefaultTrust());
        dead = new DeadDestinations(Duration.ofMinutes(1));
        hosts = new HostFallback(relay, dead);
    }

    @AfterEach
    void stop() throws Exception {
        relay.close();
        first.close();
        second.close();
    }

    private List<Destination> both() {
        return List.of(new Destination("127.0.0.1", first.port()), new Destination("127.0.0.1", second.port()));
    }

    @Test
    void aHostThatIsDownIsSkippedForTheNextAndMarkedDead() throws Exception {
        Destination down = new Destination("127.0.0.1", 9); // nothing listens on the discard port
        List<Destination> route = List.of(down, new Destination("127.0.0.1", second.port()));

        DeliveryReport report = hosts.deliver(route, SessionProfile.OPPORTUNISTIC, RelayFixtures.envelope("bob@remote.test"), BODY);

        assertThat(report.count(RecipientStatus.DELIVERED)).as(report.toString()).isEqualTo(1);
        assertThat(second.transactions()).hasSize(1);
        assertThat(dead.deadReply(down)).as("skipped by later deliveries for the dead time").isNotNull();
        assertThat(dead.deadReply(route.get(1))).isNull();
    }

    @Test
    void aHostThatCannotMeetTheTlsPolicyIsSkippedForThisDeliveryOnly() throws Exception {
        second.startTls(TestCertificates.get().selfSignedServer()); // only the second offers STARTTLS

        DeliveryReport encrypted = hosts.deliver(both(), SessionProfile.of(TlsPolicy.ENCRYPT), RelayFixtures.envelope("bob@remote.test"), BODY);
        DeliveryReport opportunistic = hosts.deliver(both(), SessionProfile.OPPORTUNISTIC, RelayFixtures.envelope("bob@remote.test"), BODY);

        assertThat(encrypted.count(RecipientStatus.DELIVERED)).as(encrypted.toString()).isEqualTo(1);
        assertThat(second.transactions()).singleElement().satisfies(t -> assertThat(t.tls()).isTrue());
        assertThat(opportunistic.count(RecipientStatus.DELIVERED)).isEqualTo(1);
        assertThat(first.transactions()).as("not marked dead: the next opportunistic delivery uses it").hasSize(1);
        assertThat(dead.deadReply(both().get(0))).isNull();
    }

    @Test
    void whenEveryHostFailsTheLastReplyIsReported() throws Exception {
        DeliveryReport report = hosts.deliver(both(), SessionProfile.of(TlsPolicy.ENCRYPT), RelayFixtures.envelope("bob@remote.test"), BODY);

        assertThat(report.count(RecipientStatus.DEFERRED)).isEqualTo(1);
        assertThat(report.results().get(0).statusCode()).isEqualTo("4.7.4");
        assertThat(first.transactions()).isEmpty();
        assertThat(second.transactions()).isEmpty();
    }
}
