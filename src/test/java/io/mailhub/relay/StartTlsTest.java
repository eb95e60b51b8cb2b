package io.mailhub.relay;

import static io.mailhub.relay.RelayFixtures.LOOPBACK;
import static io.mailhub.relay.RelayFixtures.TIMEOUTS;
import static io.mailhub.relay.RelayFixtures.envelope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailhub.testing.FakeSmtpServer;
import io.mailhub.testing.TestCertificates;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StartTlsTest {

    private static final String MESSAGE = "Subject: tls\r\n\r\nhello over TLS\r\n";
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

    private SmtpRelay relay(TlsClient tls) {
        relay = RelayFixtures.relay(LOOPBACK, tls);
        return relay;
    }

    private SmtpRelay relay() {
        return relay(TlsClient.withDefaultTrust());
    }

    private TlsClient trustingTheTestCa() throws Exception {
        return TlsClient.withTrustAnchors(certs.caPem());
    }

    private DeliveryReport deliver(String host, TlsPolicy policy) throws InterruptedException {
        return relay.deliver(new Destination(host, server.port()), policy, envelope("bob@remote.test"), body());
    }

    private static BodySource body() {
        byte[] bytes = MESSAGE.getBytes(StandardCharsets.US_ASCII);
        return BodySource.of(bytes);
    }

    private List<String> commandLines() {
        return server.commands().stream().map(FakeSmtpServer.Command::line).toList();
    }

    private boolean anyMailCommand() {
        return server.commands().stream().anyMatch(c -> c.line().toUpperCase().startsWith("MAIL"));
    }

    @Test
    void mayUsesTlsWithASelfSignedCertificateAndDelivers() throws Exception {
        server.startTls(certs.selfSignedServer());
        relay();

        DeliveryReport report = deliver("localhost", TlsPolicy.MAY);

        assertThat(report.count(RecipientStatus.DELIVERED)).as(report.toString()).isEqualTo(1);
        assertThat(server.transactions()).singleElement().satisfies(t -> {
            assertThat(t.tls()).isTrue();
            assertThat(t.data()).isEqualTo(MESSAGE);
        });
        assertThat(commandLines()).startsWith("EHLO hub.test", "STARTTLS", "EHLO hub.test");
        assertThat(server.commands()).filteredOn(c -> !c.tls()).extracting(FakeSmtpServer.Command::line)
                .containsExactly("EHLO hub.test", "STARTTLS");
    }

    @Test
    void mayDeliversInPlaintextWhenStartTlsIsNotOffered() throws Exception {
        relay();

        DeliveryReport report = deliver("localhost", TlsPolicy.MAY);

        assertThat(report.count(RecipientStatus.DELIVERED)).isEqualTo(1);
        assertThat(server.transactions()).singleElement().satisfies(t -> assertThat(t.tls()).isFalse());
        assertThat(commandLines()).doesNotContain("STARTTLS");
    }

    @Test
    void mayContinuesInPlaintextWhenTheServerRefusesStartTls() throws Exception {
        server.startTls(certs.selfSignedServer()).startTlsReply("454 4.7.0 TLS not available due to local problem");
        relay();

        DeliveryReport report = deliver("localhost", TlsPolicy.MAY);

        assertThat(report.count(RecipientStatus.DELIVERED)).isEqualTo(1);
        assertThat(server.connections()).isEqualTo(1);
        assertThat(server.transactions()).singleElement().satisfies(t -> assertThat(t.tls()).isFalse());
    }

    @Test
    void mayConnectsAgainInPlaintextWhenTheHandshakeFails() throws Exception {
        server.startTls(certs.selfSignedServer()).breakHandshake();
        relay();

        DeliveryReport report = deliver("localhost", TlsPolicy.MAY);

        assertThat(report.count(RecipientStatus.DELIVERED)).as(report.toString()).isEqualTo(1);
        assertThat(server.connections()).isEqualTo(2);
        assertThat(server.transactions()).singleElement().satisfies(t -> {
            assertThat(t.connection()).isEqualTo(2);
            assertThat(t.tls()).isFalse();
        });
        assertThat(server.commands()).filteredOn(c -> c.connection() == 2).extracting(FakeSmtpServer.Command::line)
                .doesNotContain("STARTTLS");
    }

    @Test
    void noneNeverSendsStartTlsEvenWhenOffered() throws Exception {
        server.startTls(certs.selfSignedServer());
        relay();

        DeliveryReport report = deliver("localhost", TlsPolicy.NONE);

        assertThat(report.count(RecipientStatus.DELIVERED)).isEqualTo(1);
        assertThat(commandLines()).doesNotContain("STARTTLS");
        assertThat(server.transactions()).singleElement().satisfies(t -> assertThat(t.tls()).isFalse());
    }

    @Test
    void encryptDefersWith474WhenStartTlsIsNotOfferedAndSendsNoMail() throws Exception {
        relay();

        DeliveryReport report = deliver("localhost", TlsPolicy.ENCRYPT);

        assertThat(report.results()).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(RecipientStatus.DEFERRED);
            assertThat(r.statusCode()).isEqualTo("4.7.4");
            assertThat(r.reply().toWire()).contains("TLS is required, but was not offered by host localhost[");
            assertThat(r.blame()).as("the next host may do better").isEqualTo(Blame.POLICY);
        });
        assertThat(anyMailCommand()).isFalse();
        assertThat(commandLines()).containsExactly("EHLO hub.test", "QUIT");
    }

    @Test
    void encryptDefersWhenTheServerRefusesStartTls() throws Exception {
        server.startTls(certs.selfSignedServer()).startTlsReply("454 4.7.0 TLS not available");
        relay();

        DeliveryReport report = deliver("localhost", TlsPolicy.ENCRYPT);

        assertThat(report.results()).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(RecipientStatus.DEFERRED);
            assertThat(r.statusCode()).isEqualTo("4.7.5");
            assertThat(r.reply().toWire()).contains("refused to start TLS").contains("454 4.7.0 TLS not available");
        });
        assertThat(anyMailCommand()).isFalse();
    }

    @Test
    void encryptDefersWhenTheHandshakeFailsAndNeverFallsBackToPlaintext() throws Exception {
        server.startTls(certs.selfSignedServer()).breakHandshake();
        relay();

        DeliveryReport report = deliver("localhost", TlsPolicy.ENCRYPT);

        assertThat(report.results()).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(RecipientStatus.DEFERRED);
            assertThat(r.statusCode()).isEqualTo("4.7.5");
            assertThat(r.reply().toWire()).contains("Cannot start TLS");
        });
        assertThat(server.connections()).isEqualTo(1);
        assertThat(anyMailCommand()).isFalse();
    }

    @Test
    void encryptAcceptsACertificateThatNobodyTrusts() throws Exception {
        server.startTls(certs.selfSignedServer());
        relay();

        DeliveryReport report = deliver("mx.any-name.test", TlsPolicy.ENCRYPT);

        assertThat(report.count(RecipientStatus.DELIVERED)).as(report.toString()).isEqualTo(1);
        assertThat(server.transactions()).singleElement().satisfies(t -> assertThat(t.tls()).isTrue());
    }

    @Test
    void verifyDefersWhenTheCertificateIsNotTrustedAndNeverSendsMail() throws Exception {
        server.startTls(certs.caSignedServer());
        relay(); // the JDK's trust anchors: the test CA is not among them

        DeliveryReport report = deliver("localhost", TlsPolicy.VERIFY);

        assertThat(report.results()).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(RecipientStatus.DEFERRED);
            assertThat(r.statusCode()).isEqualTo("4.7.5");
            assertThat(r.reply().toWire()).contains("server certificate not verified");
        });
        assertThat(server.connections()).isEqualTo(1);
        assertThat(anyMailCommand()).isFalse();
    }

    @Test
    void verifyDefersASelfSignedCertificateEvenWhenTheNameMatches() throws Exception {
        server.startTls(certs.selfSignedServer());
        relay(trustingTheTestCa());

        DeliveryReport report = deliver("localhost", TlsPolicy.VERIFY);

        assertThat(report.results().get(0).status()).isEqualTo(RecipientStatus.DEFERRED);
        assertThat(report.results().get(0).statusCode()).isEqualTo("4.7.5");
        assertThat(anyMailCommand()).isFalse();
    }

    @Test
    void verifyDeliversWhenTheChainLeadsToTheTestCaAndTheHostNameMatches() throws Exception {
        server.startTls(certs.caSignedServer());
        relay(trustingTheTestCa());

        DeliveryReport byName = deliver("localhost", TlsPolicy.VERIFY);
        DeliveryReport byAddress = relay.deliver(new Destination("127.0.0.1", server.port()), TlsPolicy.VERIFY,
                envelope("bob@remote.test"), body());

        assertThat(byName.count(RecipientStatus.DELIVERED)).as(byName.toString()).isEqualTo(1);
        assertThat(byAddress.count(RecipientStatus.DELIVERED)).as(byAddress.toString()).isEqualTo(1);
        assertThat(server.transactions()).hasSize(2).allSatisfy(t -> assertThat(t.tls()).isTrue());
    }

    @Test
    void verifyDefersWhenTheCertificateDoesNotNameTheHost() throws Exception {
        server.startTls(certs.caSignedServer());
        relay(trustingTheTestCa());

        DeliveryReport report = deliver("mx.wrong.test", TlsPolicy.VERIFY);

        assertThat(report.results()).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(RecipientStatus.DEFERRED);
            assertThat(r.statusCode()).isEqualTo("4.7.5");
            assertThat(r.reply().toWire()).contains("server certificate not verified").contains("mx.wrong.test");
        });
        assertThat(anyMailCommand()).isFalse();
    }

    @Test
    void repliesInjectedBeforeTheHandshakeAreDiscardedNotReadAsTlsReplies() throws Exception {
        server.startTls(certs.selfSignedServer()).extensions("PIPELINING", "X-PLAIN")
                .extensionsAfterTls("8BITMIME", "X-TLS-ONLY")
                .afterStartTlsReply("250-fake.test\r\n250 X-INJECTED\r\n250 2.0.0 injected\r\n");

        try (SmtpClientConnection c = SmtpClientConnection.open(LOOPBACK, new Destination("localhost", server.port()),
                new Myself("hub.test", java.util.Set.of()), TIMEOUTS, TlsPolicy.ENCRYPT, TlsClient.withDefaultTrust())) {
            assertThat(c.tlsDescription()).matches("TLSv1\\.[23] with cipher TLS_\\w+");
            assertThat(c.supports("X-TLS-ONLY")).isTrue();
            assertThat(c.supports("X-INJECTED")).isFalse();
            assertThat(c.supports("X-PLAIN")).as("extensions learnt before TLS are forgotten").isFalse();
            assertThat(c.supports("PIPELINING")).isFalse();
            assertThat(c.command("NOOP").toWire()).isEqualTo("250 2.0.0 Ok\r\n");
        }
        assertThat(server.commands()).filteredOn(FakeSmtpServer.Command::tls).extracting(FakeSmtpServer.Command::line)
                .startsWith("EHLO hub.test", "NOOP");
    }

    @Test
    void aPlaintextConnectionIsNotReusedForAPolicyThatDemandsMore() throws Exception {
        server.startTls(certs.caSignedServer());
        relay(trustingTheTestCa());

        deliver("localhost", TlsPolicy.NONE);
        deliver("localhost", TlsPolicy.VERIFY);
        deliver("localhost", TlsPolicy.NONE);
        deliver("localhost", TlsPolicy.VERIFY);

        assertThat(server.transactions()).extracting(FakeSmtpServer.Transaction::tls)
                .containsExactly(false, true, false, true);
        assertThat(server.transactions()).extracting(FakeSmtpServer.Transaction::connection)
                .containsExactly(1, 2, 1, 2);
    }

    @Test
    void policiesParseFromTheirNamesInAnyCase() {
        assertThat(TlsPolicy.parse("none")).isEqualTo(TlsPolicy.NONE);
        assertThat(TlsPolicy.parse(" May ")).isEqualTo(TlsPolicy.MAY);
        assertThat(TlsPolicy.parse("ENCRYPT")).isEqualTo(TlsPolicy.ENCRYPT);
        assertThat(TlsPolicy.parse("verify")).isEqualTo(TlsPolicy.VERIFY);
        assertThat(TlsPolicy.VERIFY.text()).isEqualTo("verify");
        assertThatThrownBy(() -> TlsPolicy.parse("secure")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("TLS policy must be none, may, encrypt or verify, not 'secure'");
    }

    @Test
    void aPemFileWithoutCertificatesIsRefusedWithItsName() throws Exception {
        java.nio.file.Path empty = java.nio.file.Files.createTempFile("no-ca-", ".pem");
        try {
            assertThatThrownBy(() -> TlsClient.withTrustAnchors(empty)).hasMessageContaining(empty.toString());
        } finally {
            java.nio.file.Files.delete(empty);
        }
    }
}
