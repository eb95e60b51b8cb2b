package io.mailhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged hub's three listeners against real clients: swaks (STARTTLS, implicit TLS, AUTH PLAIN and LOGIN),
 * {@code openssl s_client}, and Angus Mail (Jakarta Mail). The users file is written with hashes from the hub's own
 * {@code hash-password} command. The clients connect from 127.0.0.1, which is not a trusted network here, so only a
 * login lets them relay.
 */
class SubmissionIT {

    static SmtpSink sink;
    static HubProcess hub;
    static Path users;
    static final String ALICE_PASSWORD = "correct horse battery";

    @BeforeAll
    static void start() throws Exception {
        sink = SmtpSink.onFreePort().start();
        Path dir = HubProcess.itDir("submission");
        users = dir.resolve("users");
        Files.writeString(users, "# users\nalice:" + hashPassword(ALICE_PASSWORD) + ":alice@hub.test,@alice.test\n"
                + "broken line without fields\n");
        hub = new HubProcess(dir)
                .set("mailhub.relay.smarthost", "127.0.0.1:" + sink.port)
                .set("mailhub.relay.trusted-networks", "192.0.2.0/24")
                .set("mailhub.local-domains", "hub.test")
                .set("mailhub.auth.users-file", users)
                .set("mailhub.auth.max-failures", 3)
                .set("mailhub.auth.lockout-delay", "0s")
                .set("mailhub.limits.connections-per-minute", 40)
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        Started.closeAll(hub, sink);
    }

    /** Runs {@code java -jar mailhub.jar hash-password} with the password on standard input. */
    static String hashPassword(String password) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
                HubProcess.jar().toString(), "hash-password").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        p.getOutputStream().write((password + "\n").getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        assertThat(out).matches("\\$2y\\$10\\$[./A-Za-z0-9]{53}");
        return out;
    }

    private static SinkMessage awaitDelivery(String marker) {
        return sink.awaitMessage(marker);
    }

    @Test
    void swaksSubmitsWithStartTlsAndAuthPlainAndTheReceivedHeaderSaysEsmtpsa() throws Exception {
        String marker = UUID.randomUUID().toString();
        Swaks.Result r = Swaks.run(hub.submissionPort, "--tls", "-a", "PLAIN", "-au", "alice", "-ap", ALICE_PASSWORD,
                "-f", "alice@hub.test", "-t", "carol@remote.test", "--header", "Subject: " + marker);

        assertThat(r.exitCode()).as(r.transcript()).isZero();
        assertThat(r.transcript()).contains("235 2.7.0 Authentication successful");
        SinkMessage m = awaitDelivery(marker);
        assertThat(m.recipients()).containsExactly("carol@remote.test");
        String received = m.headers("Received").get(1);
        assertThat(received).containsPattern("\\(using TLSv1\\.[23] with cipher \\w+\\)")
                .contains("(Authenticated sender: alice)").contains("with ESMTPSA id");
    }

    @Test
    void swaksSubmitsOverImplicitTlsWithAuthLogin() throws Exception {
        String marker = UUID.randomUUID().toString();
        Swaks.Result r = Swaks.run(hub.smtpsPort, "--tlsc", "-a", "LOGIN", "-au", "alice", "-ap", ALICE_PASSWORD,
                "-f", "someone@alice.test", "-t", "dave@remote.test", "--header", "Subject: " + marker);

        assertThat(r.exitCode()).as(r.transcript()).isZero();
        assertThat(awaitDelivery(marker).sender()).isEqualTo("someone@alice.test");
    }

    @Test
    void submissionWithoutTlsOrWithoutLoginOrWithAWrongPasswordIsRefusedWithTheRightCodes() throws Exception {
        Swaks.Result plain = Swaks.run(hub.submissionPort, "-f", "alice@hub.test", "-t", "carol@remote.test");
        assertThat(plain.replyTo("MAIL FROM:<alice@hub.test>")).startsWith("530 5.7.0 Must issue a STARTTLS command first");

        Swaks.Result noLogin = Swaks.run(hub.submissionPort, "--tls", "-f", "alice@hub.test", "-t", "carol@remote.test");
        assertThat(noLogin.replyTo("MAIL FROM:<alice@hub.test>")).startsWith("530 5.7.0 Authentication required");

        Swaks.Result wrong = Swaks.run(hub.submissionPort, "--tls", "-a", "PLAIN", "-au", "alice", "-ap", "nope",
                "-f", "alice@hub.test", "-t", "carol@remote.test", "--local-interface", "127.0.0.3");
        assertThat(wrong.exitCode()).isNotZero();
        assertThat(wrong.transcript()).contains("535 5.7.8 Error: authentication failed");
    }

    @Test
    void aLoggedInUserCannotSendAsSomeoneElse() throws Exception {
        Swaks.Result r = Swaks.run(hub.submissionPort, "--tls", "-a", "PLAIN", "-au", "alice", "-ap", ALICE_PASSWORD,
                "-f", "bob@hub.test", "-t", "carol@remote.test");

        assertThat(r.replyTo("MAIL FROM:<bob@hub.test>"))
                .isEqualTo("553 5.7.1 <bob@hub.test>: Sender address rejected: not owned by user alice");
    }

    @Test
    void opensslNegotiatesModernTlsAndOldProtocolsAreRefused() throws Exception {
        String modern = openssl("s_client", "-starttls", "smtp", "-connect", "127.0.0.1:" + hub.smtpPort, "-brief");
        assertThat(modern).containsPattern("Protocol version: TLSv1\\.[23]");

        String old = openssl("s_client", "-starttls", "smtp", "-connect", "127.0.0.1:" + hub.smtpPort, "-brief",
                "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0");
        assertThat(old).doesNotContain("Protocol version: TLSv1.1").containsIgnoringCase("alert");

        String implicit = openssl("s_client", "-connect", "127.0.0.1:" + hub.smtpsPort, "-brief", "-ign_eof");
        assertThat(implicit).containsPattern("Protocol version: TLSv1\\.[23]").contains("220 hub.test ESMTP");
    }

    @Test
    void angusMailSubmitsWithStartTlsRequiredAndOverSmtps() throws Exception {
        String marker = UUID.randomUUID().toString();
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", Integer.toString(hub.submissionPort));
        props.put("mail.smtp.auth", "true");
        props.put("mail.smtp.starttls.enable", "true");
        props.put("mail.smtp.starttls.required", "true");
        props.put("mail.smtp.ssl.trust", "*");
        props.put("mail.smtp.ssl.checkserveridentity", "false");
        send(Session.getInstance(props), "smtp", "alice", ALICE_PASSWORD, marker + "-starttls");

        Properties smtps = new Properties();
        smtps.put("mail.smtps.host", "127.0.0.1");
        smtps.put("mail.smtps.port", Integer.toString(hub.smtpsPort));
        smtps.put("mail.smtps.auth", "true");
        smtps.put("mail.smtps.ssl.trust", "*");
        smtps.put("mail.smtps.ssl.checkserveridentity", "false");
        send(Session.getInstance(smtps), "smtps", "alice", ALICE_PASSWORD, marker + "-smtps");

        assertThat(awaitDelivery(marker + "-starttls").header("Subject")).isEqualTo(marker + "-starttls");
        assertThat(awaitDelivery(marker + "-smtps").header("Subject")).isEqualTo(marker + "-smtps");

        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> send(Session.getInstance(props), "smtp", "alice", "wrong", marker + "-wrong"))
                .isInstanceOf(AuthenticationFailedException.class).hasMessageContaining("535 5.7.8");
    }

    @Test
    void theMetricsCountTheSubmissionTheTlsHandshakeTheFailedLoginAndTheDeliveryAndPassPromtool() throws Exception {
        Scrape before = Scrape.of(hub);
        String marker = UUID.randomUUID().toString();
        Swaks.Result ok = Swaks.run(hub.submissionPort, "--tls", "-a", "PLAIN", "-au", "alice", "-ap", ALICE_PASSWORD,
                "-f", "alice@hub.test", "-t", "carol@remote.test", "--header", "Subject: " + marker);
        assertThat(ok.exitCode()).as(ok.transcript()).isZero();
        awaitDelivery(marker);
        Swaks.Result wrong = Swaks.run(hub.submissionPort, "--tls", "-a", "PLAIN", "-au", "alice", "-ap", "nope",
                "-f", "alice@hub.test", "-t", "carol@remote.test", "--local-interface", "127.0.0.6");
        assertThat(wrong.transcript()).contains("535 5.7.8");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Scrape after = Scrape.of(hub);
            assertThat(after.sum("mailhub_messages_received_total", "door", "submission")
                    - before.sum("mailhub_messages_received_total", "door", "submission")).isGreaterThanOrEqualTo(1);
            assertThat(after.sum("mailhub_tls_sessions_total", "listener", "submission")).isGreaterThanOrEqualTo(2);
            assertThat(after.sum("mailhub_auth_failures_total", "door", "submission")
                    - before.sum("mailhub_auth_failures_total", "door", "submission")).isGreaterThanOrEqualTo(1);
            assertThat(after.sum("mailhub_rejections_total", "door", "submission", "code", "535", "reason", "5.7.8"))
                    .isGreaterThanOrEqualTo(1);
            assertThat(after.sum("mailhub_delivery_recipients_total", "outcome", "delivered", "dsn_class", "2")
                    - before.sum("mailhub_delivery_recipients_total", "outcome", "delivered", "dsn_class", "2"))
                    .isGreaterThanOrEqualTo(1);
            assertThat(after.sum("mailhub_delivery_delay_seconds_count")).isGreaterThanOrEqualTo(1);
            assertThat(after.sum("mailhub_message_size_bytes_bucket", "le", "+Inf")).isGreaterThanOrEqualTo(1);
            assertThat(after.sum("mailhub_camel_route_exchanges_total", "route", "delivery")).isGreaterThanOrEqualTo(1);
        });
        Scrape now = Scrape.of(hub);
        assertThat(now.sum("mailhub_queue_messages", "queue", "mail.outbound")).isGreaterThanOrEqualTo(0);
        assertThat(now.sum("mailhub_broker_up")).isEqualTo(1);
        assertThat(now.sum("mailhub_build_info")).isEqualTo(1);
        assertThat(now.text()).doesNotContain(marker); // no per-message labels
        assertThat(now.promtool()).isEqualTo("exit 0");
    }

    @Test
    void aUserAddedToTheFileCanLogInWithoutARestartAndTheBrokenLineWasReportedWithItsNumber() throws Exception {
        assertThat(hub.log()).containsPattern("users line 3: expected name:bcrypt-hash:addresses, found 1 field");
        Files.writeString(users, "bob:" + hashPassword("bobs password") + ":bob@hub.test\n",
                java.nio.file.StandardOpenOption.APPEND);

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            Swaks.Result r = Swaks.run(hub.submissionPort, "--tls", "-a", "PLAIN", "-au", "bob", "-ap", "bobs password",
                    "-f", "bob@hub.test", "-t", "carol@remote.test", "--quit-after", "AUTH");
            assertThat(r.transcript()).contains("235 2.7.0");
        });
    }

    @Test
    void aPasswordGuesserIsLockedOutWith421OnEveryListener() throws Exception {
        String from = "127.0.0.2"; // its own address, so the lockout does not touch the other tests
        for (int i = 1; i <= 3; i++) {
            Swaks.Result r = Swaks.run(hub.submissionPort, "--tls", "-a", "PLAIN", "-au", "alice", "-ap", "guess" + i,
                    "-f", "alice@hub.test", "-t", "carol@remote.test", "--local-interface", from);
            assertThat(r.transcript()).contains(i < 3 ? "535 5.7.8" : "421 4.7.0");
        }
        Swaks.Result after = Swaks.run(hub.smtpPort, "--local-interface", from, "--quit-after", "CONNECT");
        assertThat(after.transcript()).contains("421 4.7.0 Error: too many failed logins from your address");
        Swaks.Result right = Swaks.run(hub.smtpsPort, "--tlsc", "-a", "PLAIN", "-au", "alice", "-ap", ALICE_PASSWORD,
                "--local-interface", from, "--quit-after", "AUTH");
        assertThat(right.transcript()).contains("421 4.7.0").doesNotContain("235");
    }

    @Test
    void aClientOpeningTooManyConnectionsPerMinuteGets421() throws Exception {
        java.net.InetAddress from = java.net.InetAddress.getByName("127.0.0.5");
        List<String> greetings = new java.util.ArrayList<>();
        for (int i = 0; i < 41; i++) {
            try (java.net.Socket s = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), hub.smtpPort, from, 0)) {
                s.setSoTimeout(10_000);
                greetings.add(new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(),
                        StandardCharsets.US_ASCII)).readLine());
            }
        }
        assertThat(greetings.subList(0, 40)).allMatch(g -> g.startsWith("220 "));
        assertThat(greetings.get(40)).isEqualTo(
                "421 4.7.0 Error: too many connections from [127.0.0.5] (limit 40 per minute), try again later");
        Swaks.Result other = Swaks.run(hub.smtpPort, "--local-interface", "127.0.0.6", "--quit-after", "CONNECT");
        assertThat(other.transcript()).as("another address is not affected").contains("220 hub.test");
    }

    private static void send(Session session, String protocol, String user, String password, String subject)
            throws Exception {
        MimeMessage message = new MimeMessage(session);
        message.setFrom(new InternetAddress("alice@hub.test"));
        message.setRecipients(Message.RecipientType.TO, List.of(new InternetAddress("erin@remote.test"))
                .toArray(new InternetAddress[0]));
        message.setSubject(subject);
        message.setText("sent with Angus Mail");
        try (Transport t = session.getTransport(protocol)) {
            t.connect(user, password);
            t.sendMessage(message, message.getAllRecipients());
        }
    }

    private static String openssl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
        p.getOutputStream().flush();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return out;
    }
}
