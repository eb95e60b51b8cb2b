package io.mailhub.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailhub.testing.FakeSmtpServer;
import io.mailhub.testing.TestCertificates;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import io.mailhub.model.SyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** SMTP AUTH towards a next hop (RFC 4954), against the scripted server: PLAIN, LOGIN, failures, never in plaintext. */
class SmtpAuthTest {

    private static final String MESSAGE = "Subject: auth\r\n\r\nhello\r\n";
    private static final Credentials ALICE = new Credentials("alice", "s3cret:with:colons");

    private final TestCertificates certs = TestCertificates.get();
    private FakeSmtpServer server;
    private SmtpRelay relay;

    @BeforeEach
    void start() throws Exception {
        server = new FakeSmtpServer();
        relay = RelayFixtures.relay(RelayFixtures.LOOPBACK, TlsClient.withDefaultTrust());
    }

    @AfterEach
    void stop() throws Exception {
        relay.close();
        server.close();
    }

    private DeliveryReport deliver(Credentials auth, TlsPolicy tls) throws InterruptedException {
        return relay.deliver(new Destination("localhost", server.port()), new SessionProfile(tls, auth), RelayFixtures.envelope("bob@remote.test"),
                body());
    }

    @Test
    void plainIsUsedOverTlsAndTheMessageIsDelivered() throws Exception {
        server.startTls(certs.selfSignedServer()).auth("LOGIN PLAIN", "alice", "s3cret:with:colons");

        DeliveryReport report = deliver(ALICE, TlsPolicy.ENCRYPT);

        assertThat(report.count(RecipientStatus.DELIVERED)).as(report.toString()).isEqualTo(1);
        assertThat(server.authenticated()).containsExactly("alice");
        assertThat(server.commands()).filteredOn(c -> c.line().startsWith("AUTH"))
                .singleElement().satisfies(c -> {
                    assertThat(c.tls()).as("AUTH only after STARTTLS").isTrue();
                    assertThat(c.line()).startsWith("AUTH PLAIN ");
                });
    }

    @Test
    void loginIsUsedWhenTheServerOffersNothingElse() throws Exception {
        server.startTls(certs.selfSignedServer()).auth("LOGIN", "alice", "s3cret:with:colons");

        DeliveryReport report = deliver(ALICE, TlsPolicy.MAY);

        assertThat(report.count(RecipientStatus.DELIVERED)).as(report.toString()).isEqualTo(1);
        assertThat(server.commands()).extracting(FakeSmtpServer.Command::line).contains("AUTH LOGIN");
    }

    @Test
    void rejectedCredentialsDeferEveryRecipientAndNameTheServerReplyButNotThePassword() throws Exception {
        server.startTls(certs.selfSignedServer()).auth("PLAIN", "alice", "another password");

        DeliveryReport report = deliver(ALICE, TlsPolicy.ENCRYPT);

        assertThat(report.count(RecipientStatus.DEFERRED)).isEqualTo(1);
        RecipientResult r = report.results().get(0);
        assertThat(r.statusCode()).isEqualTo("4.7.0");
        assertThat(r.reply().toString()).contains("authentication as alice failed").contains("535 5.7.8")
                .doesNotContain("s3cret");
        assertThat(r.blame()).as("the host is not marked dead for everyone").isNotEqualTo(Blame.SITE);
        assertThat(server.commands()).noneMatch(c -> c.line().startsWith("MAIL"));
    }

    @Test
    void credentialsAreNeverSentWithoutTls() throws Exception {
        server.auth("PLAIN LOGIN", "alice", "s3cret:with:colons"); // no STARTTLS offered

        DeliveryReport report = deliver(ALICE, TlsPolicy.MAY);

        assertThat(report.count(RecipientStatus.DEFERRED)).isEqualTo(1);
        assertThat(report.results().get(0).reply().toString()).contains("never sent without TLS");
        assertThat(server.commands()).noneMatch(c -> c.line().startsWith("AUTH") || c.line().startsWith("MAIL"));
    }

    @Test
    void aServerWithoutAuthDefersInsteadOfSendingUnauthenticated() throws Exception {
        server.startTls(certs.selfSignedServer());

        DeliveryReport report = deliver(ALICE, TlsPolicy.MAY);

        assertThat(report.count(RecipientStatus.DEFERRED)).isEqualTo(1);
        assertThat(report.results().get(0).reply().toString()).contains("does not offer AUTH");
        assertThat(server.transactions()).isEmpty();
    }

    @Test
    void connectionsOfDifferentIdentitiesAreNotShared() throws Exception {
        server.startTls(certs.selfSignedServer()).auth("PLAIN", "alice", "s3cret:with:colons");

        deliver(ALICE, TlsPolicy.MAY);
        deliver(null, TlsPolicy.MAY);
        deliver(ALICE, TlsPolicy.MAY);

        assertThat(server.connections()).as("alice's connection reused, the anonymous delivery on its own").isEqualTo(2);
        assertThat(server.authenticated()).containsExactly("alice");
        assertThat(server.transactions()).hasSize(3);
    }

    @Test
    void theCredentialsFileHoldsUserColonPasswordAndCommentsAndToStringHidesThePassword(@TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("relay.secret");
        Files.writeString(file, "# for relay.example.com\n\nalice:s3cret:with:colons\n");

        Credentials c = Credentials.load(file);

        assertThat(c).isEqualTo(ALICE);
        assertThat(c.toString()).contains("alice").doesNotContain("s3cret");
        Files.writeString(file, "no colon here\n");
        assertThatThrownBy(() -> Credentials.load(file)).isInstanceOf(SyntaxException.class)
                .hasMessageContaining(file + " line 1");
    }

    private static BodySource body() {
        byte[] bytes = MESSAGE.getBytes(StandardCharsets.US_ASCII);
        return BodySource.of(bytes);
    }
}
