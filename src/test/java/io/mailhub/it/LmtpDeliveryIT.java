package io.mailhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mailhub.testing.ParsedDsn;
import jakarta.mail.internet.InternetHeaders;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Delivery over LMTP to a real mailbox server, a private Dovecot: the transport map sends {@code lmtp.test} there
 * ({@code lmtp:[127.0.0.1]:PORT}), everything else (the bounces) to smtp-sink. One message for three recipients gets
 * three answers: one stored, one refused at RCPT (unknown user), one refused after the content (over quota), which
 * only LMTP's per-recipient replies can tell apart.
 */
class LmtpDeliveryIT {

    private static Dovecot dovecot;
    private static SmtpSink sink;
    private static HubProcess hub;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "a private Dovecot needs root (CI runs as root)");
        Path dir = HubProcess.itDir("lmtp");
        dovecot = Dovecot.start(Files.createDirectories(dir.resolve("dovecot")));
        sink = SmtpSink.onFreePort().start();
        Path map = Files.writeString(dir.resolve("transport.map"), "lmtp.test  lmtp:[127.0.0.1]:" + dovecot.port + "\n"
                + "local.test  lmtp:unix:" + dovecot.socket() + "\n");
        hub = new HubProcess(dir)
                .set("mailhub.relay.smarthost", "127.0.0.1:" + sink.port)
                .set("mailhub.relay.transport-map", map)
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        Started.closeAll(hub, sink, dovecot);
    }

    @Test
    void eachRecipientGetsItsOwnAnswerFromTheMailboxServer() throws Exception {
        String subject = "lmtp " + System.nanoTime();
        Swaks.Result r = Swaks.run(hub.smtpPort, "--helo", "client.test", "-f", "alice@client.test",
                "-t", "ann@lmtp.test,full@lmtp.test,nobody@lmtp.test", "--header", "Subject: " + subject,
                "--body", "Hello Ann, this message is longer than ten bytes.");
        assertThat(r.exitCode()).as(r.transcript()).isZero();

        await().atMost(Duration.ofSeconds(30)).until(() -> dovecot.inbox("ann").stream()
                .anyMatch(m -> m.contains("Subject: " + subject)));
        assertThat(dovecot.inbox("ann")).filteredOn(m -> m.contains("Subject: " + subject)).singleElement()
                .asString().contains("Hello Ann");
        SinkMessage bounce = sink.awaitMessage(subject);
        assertThat(bounce.sender()).isEmpty();
        ParsedDsn dsn = ParsedDsn.parse(bounce.content().replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8));
        Map<String, String> failed = dsn.perRecipient().stream().collect(Collectors.toMap(
                (InternetHeaders b) -> ParsedDsn.field(b, "Final-Recipient"), b -> ParsedDsn.field(b, "Status")));
        assertThat(failed).containsOnly(Map.entry("rfc822; full@lmtp.test", "5.2.2"),
                Map.entry("rfc822; nobody@lmtp.test", "5.1.1"));
        assertThat(dovecot.inbox("full")).isEmpty();
        assertThat(hub.log()).containsPattern("to=<ann@lmtp.test>, relay=127.0.0.1\\[127.0.0.1\\]:\\d+, .*dsn=2.0.0,"
                + " status=sent");
        assertThat(dovecot.log()).contains("lmtp(ann)").contains("saved mail to INBOX");
    }

    @Test
    void mailForALocalMailboxServerGoesOverItsUnixSocket() throws Exception {
        String subject = "lmtp unix " + System.nanoTime();
        Swaks.Result r = Swaks.run(hub.smtpPort, "--helo", "client.test", "-f", "alice@client.test",
                "-t", "ann@local.test", "--header", "Subject: " + subject, "--body", "Hello Ann, over the socket.");
        assertThat(r.exitCode()).as(r.transcript()).isZero();

        await().atMost(Duration.ofSeconds(30)).until(() -> dovecot.inbox("ann").stream()
                .anyMatch(m -> m.contains("Subject: " + subject)));
        assertThat(hub.log()).contains("to=<ann@local.test>, relay=localhost[" + dovecot.socket() + "], ")
                .containsPattern("to=<ann@local.test>, relay=localhost\\[[^]]+\\], .*dsn=2.0.0, status=sent");
    }
}
