package io.mailhub.ingress.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailhub.auth.AuthFailures;
import io.mailhub.auth.Authenticator;
import io.mailhub.auth.Passwords;
import io.mailhub.auth.UsersFile;
import io.mailhub.cleanup.MessageComposer;
import io.mailhub.ingress.tls.ServerTls;
import io.mailhub.policy.DomainList;
import io.mailhub.policy.NetworkList;
import io.mailhub.policy.PolicyChain;
import io.mailhub.policy.RelayControl;
import io.mailhub.policy.SenderLoginCheck;
import io.mailhub.queue.FakeMailQueue;
import io.mailhub.testing.SmtpTestClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three listener roles over real sockets with real TLS (a self-signed certificate), a real users file and bcrypt;
 * only the queue is a fake. The client comes from 127.0.0.1, which is not a trusted network here.
 */
@Timeout(30)
class SubmissionTest {

    private static final NetworkList NO_NETWORKS = NetworkList.empty();

    private static final String HOST = "mx.example.test";
    private static final String PASSWORD = "correct horse";

    @TempDir
    static Path dir;

    private static ServerTls tls;
    private static Authenticator authenticator;

    private final FakeMailQueue queue = new FakeMailQueue();
    private AuthFailures failures = new AuthFailures(3, Duration.ofMinutes(15), Duration.ofMinutes(15), Clock.systemUTC());
    private SmtpServer server;
    private io.mailhub.policy.RateLimits limits =
            new io.mailhub.policy.RateLimits(0, 0, 0, NetworkList.parse(""), Clock.systemUTC());

    SubmissionTest() throws Exception {}

    @BeforeAll
    static void tlsAndUsers() throws Exception {
        tls = ServerTls.selfSigned(dir.resolve("tls"), HOST);
        Path users = dir.resolve("users");
        Files.writeString(users, "# test users\nalice:" + Passwords.hash(PASSWORD.toCharArray(), 4)
                + ":alice@example.test, @alice.test\n", StandardCharsets.UTF_8);
        authenticator = new Authenticator(UsersFile.load(users), Clock.systemUTC());
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    private int start(ListenerRole role) throws Exception {
        SmtpSettings settings = new SmtpSettings(HOST, null, 0, role, 20, 0, NO_NETWORKS, Duration.ofMinutes(1), 0, 100_000, 100, 2000,
                dir.resolve("spool"), 64 * 1024, 20, Duration.ofSeconds(1));
        SenderLoginCheck senderCheck = new SenderLoginCheck(authenticator::user);
        PolicyChain policy = new PolicyChain(List.of(limits), List.of(), List.of(senderCheck, limits),
                new RelayControl(DomainList.parse("example.test"), NetworkList.parse("192.0.2.0/24"), HOST),
                List.of(limits), List.of()).withHeaderFrom(List.of(senderCheck));
        server = new SmtpServer(settings, policy, queue, new MessageComposer(HOST, Clock.systemUTC()),
                new ListenerSecurity(tls, authenticator, failures, Duration.ZERO));
        server.start();
        return server.port();
    }

    /** Connects, reads the greeting and says EHLO; returns the client. */
    private static SmtpTestClient ehlo(SmtpTestClient c) throws Exception {
        assertThat(c.reply()).startsWith("220 ");
        assertThat(c.command("EHLO client.example")).startsWith("250-");
        return c;
    }

    private static SmtpTestClient withTls(SmtpTestClient c) throws Exception {
        ehlo(c);
        assertThat(c.command("STARTTLS")).isEqualTo("220 2.0.0 Ready to start TLS");
        c.startTls();
        return c;
    }

    // ---- STARTTLS ----

    @Test
    void portTwentyFiveOffersStartTlsAndNoAuthUntilEncrypted() throws Exception {
        try (SmtpTestClient c = SmtpTestClient.connect(start(ListenerRole.MX))) {
            c.reply();
            String ehlo = c.command("EHLO client.example");
            assertThat(ehlo.lines()).contains("250 STARTTLS").noneMatch(l -> l.contains("AUTH"));

            assertThat(c.command("STARTTLS")).isEqualTo("220 2.0.0 Ready to start TLS");
            c.startTls();
            String again = c.command("EHLO client.example");
            assertThat(again).contains("AUTH PLAIN LOGIN").doesNotContain("STARTTLS");
            assertThat(c.tlsProtocol()).isIn("TLSv1.3", "TLSv1.2");
        }
    }

    @Test
    void plaintextPipelinedAfterStartTlsIsDiscardedNotExecuted() throws Exception {
        try (SmtpTestClient c = SmtpTestClient.connect(start(ListenerRole.MX))) {
            ehlo(c);
            // the CVE-2011-0411 attack: commands injected in the same packet as STARTTLS
            c.sendRaw("STARTTLS\r\nMAIL FROM:<mallory@example.test>\r\nRCPT TO:<bob@example.test>\r\n");
            assertThat(c.reply()).isEqualTo("220 2.0.0 Ready to start TLS");
            c.startTls();
            // had the injected MAIL survived, this would be "503 nested MAIL" or the replies would be out of step
            assertThat(c.command("NOOP")).isEqualTo("250 2.0.0 Ok");
            assertThat(c.command("MAIL FROM:<alice@example.test>")).startsWith("503 5.5.1"); // EHLO forgotten
            assertThat(c.command("EHLO client.example")).startsWith("250-");
            assertThat(c.command("RCPT TO:<bob@example.test>")).startsWith("503 5.5.1 Error: need MAIL");
        }
    }

    @Test
    void startTlsTwiceOrWithAnArgumentOrInATransactionIsRefused() throws Exception {
        try (SmtpTestClient c = SmtpTestClient.connect(start(ListenerRole.MX))) {
            ehlo(c);
            assertThat(c.command("STARTTLS now")).startsWith("501 5.5.4");
            assertThat(c.command("MAIL FROM:<alice@example.test>")).startsWith("250");
            assertThat(c.command("STARTTLS")).isEqualTo("503 5.5.1 Error: MAIL transaction in progress");
            assertThat(c.command("RSET")).startsWith("250");
            assertThat(c.command("STARTTLS")).startsWith("220 2.0.0");
            c.startTls();
            assertThat(c.command("EHLO client.example")).startsWith("250-");
            assertThat(c.command("STARTTLS")).isEqualTo("503 5.5.1 Error: TLS already active");
        }
    }

    // ---- AUTH ----

    @Test
    void authBeforeTlsIsRefusedAsEncryptionRequired() throws Exception {
        try (SmtpTestClient c = ehlo(SmtpTestClient.connect(start(ListenerRole.MX)))) {
            assertThat(c.authPlain("alice", PASSWORD))
                    .isEqualTo("538 5.7.11 Encryption required for requested authentication mechanism");
        }
    }

    @Test
    void authPlainWithTheRightPasswordSucceedsAndAWrongOneOrUnknownUserGetTheSameRefusal() throws Exception {
        int port = start(ListenerRole.MX);
        try (SmtpTestClient c = withTls(SmtpTestClient.connect(port))) {
            c.command("EHLO client.example");
            assertThat(c.authPlain("alice", "wrong")).isEqualTo("535 5.7.8 Error: authentication failed");
            assertThat(c.authPlain("nobody", PASSWORD)).isEqualTo("535 5.7.8 Error: authentication failed");
            assertThat(c.authPlain("alice", PASSWORD)).isEqualTo("235 2.7.0 Authentication successful");
            assertThat(c.authPlain("alice", PASSWORD)).isEqualTo("503 5.5.1 Error: already authenticated");
        }
    }

    @Test
    void authLoginAsksForNameAndPasswordInBase64() throws Exception {
        try (SmtpTestClient c = withTls(SmtpTestClient.connect(start(ListenerRole.MX)))) {
            c.command("EHLO client.example");
            assertThat(c.command("AUTH LOGIN")).isEqualTo("334 VXNlcm5hbWU6");
            assertThat(c.command(SmtpTestClient.base64("alice"))).isEqualTo("334 UGFzc3dvcmQ6");
            assertThat(c.command(SmtpTestClient.base64(PASSWORD))).isEqualTo("235 2.7.0 Authentication successful");
        }
    }

    @Test
    void badAuthExchangesAreAnsweredPrecisely() throws Exception {
        try (SmtpTestClient c = withTls(SmtpTestClient.connect(start(ListenerRole.MX)))) {
            c.command("EHLO client.example");
            assertThat(c.command("AUTH CRAM-MD5")).isEqualTo("504 5.5.4 Unrecognized authentication type");
            assertThat(c.command("AUTH PLAIN %%%notbase64")).isEqualTo("501 5.5.2 Error: malformed authentication response");
            assertThat(c.command("AUTH PLAIN")).isEqualTo("334 "); // RFC 4954: an empty challenge
            assertThat(c.command("*")).isEqualTo("501 5.7.0 Authentication aborted");
            assertThat(c.command("AUTH PLAIN " + SmtpTestClient.base64("no-nul-separators")))
                    .startsWith("501 5.5.2");
            // acting as someone else (an authorization identity other than the login) is not supported
            String token = SmtpTestClient.base64("bob\0alice\0" + PASSWORD);
            assertThat(c.command("AUTH PLAIN " + token)).startsWith("535 5.7.8");
        }
    }

    @Test
    void aLoginBackendThatCannotAnswerGivesATemporaryFailureThatDoesNotCountAgainstTheClient() throws Exception {
        io.mailhub.auth.Logins down = new io.mailhub.auth.Logins() {
            @Override
            public io.mailhub.auth.User authenticate(String name, char[] password) {
                throw new IllegalStateException("users backend unreachable");
            }

            @Override
            public io.mailhub.auth.User user(String name) {
                return null;
            }
        };
        SmtpSettings settings = new SmtpSettings(HOST, null, 0, ListenerRole.SUBMISSION, 20, 0, NO_NETWORKS, Duration.ofMinutes(1), 0,
                100_000, 100, 2000, dir.resolve("spool"), 64 * 1024, 20, Duration.ofSeconds(1));
        server = new SmtpServer(settings, PolicyChain.of(new RelayControl(DomainList.parse("example.test"),
                NetworkList.parse(""), HOST)), queue, new MessageComposer(HOST, Clock.systemUTC()),
                new ListenerSecurity(tls, down, failures, Duration.ZERO));
        server.start();
        try (SmtpTestClient c = withTls(SmtpTestClient.connect(server.port()))) {
            c.command("EHLO client.example");
            for (int i = 0; i < 4; i++) { // more than the lockout limit of 3: none of them counts
                assertThat(c.authPlain("alice", PASSWORD)).isEqualTo("454 4.7.0 Temporary authentication failure");
            }
        }
        assertThat(failures.isLocked(java.net.InetAddress.getByName("127.0.0.1"))).isFalse();
    }

    // ---- submission roles ----

    @Test
    void submissionNeedsStartTlsThenAuthBeforeMail() throws Exception {
        try (SmtpTestClient c = ehlo(SmtpTestClient.connect(start(ListenerRole.SUBMISSION)))) {
            assertThat(c.command("MAIL FROM:<alice@example.test>"))
                    .isEqualTo("530 5.7.0 Must issue a STARTTLS command first");
            assertThat(c.command("STARTTLS")).startsWith("220");
            c.startTls();
            assertThat(c.command("EHLO client.example")).contains("AUTH PLAIN LOGIN");
            assertThat(c.command("MAIL FROM:<alice@example.test>")).isEqualTo("530 5.7.0 Authentication required");
            assertThat(c.authPlain("alice", PASSWORD)).startsWith("235");
            assertThat(c.command("MAIL FROM:<alice@example.test>")).startsWith("250 2.1.0");
            // logged in: relaying to any domain is allowed
            assertThat(c.command("RCPT TO:<carol@elsewhere.example>")).startsWith("250 2.1.5");
        }
    }

    @Test
    void implicitTlsListenerSpeaksTlsFromTheFirstOctetAndOffersAuthAtOnce() throws Exception {
        try (SmtpTestClient c = SmtpTestClient.connectTls(start(ListenerRole.SMTPS))) {
            assertThat(c.reply()).startsWith("220 " + HOST);
            assertThat(c.command("EHLO client.example")).contains("AUTH PLAIN LOGIN").doesNotContain("STARTTLS");
            assertThat(c.command("MAIL FROM:<alice@example.test>")).isEqualTo("530 5.7.0 Authentication required");
            assertThat(c.tlsProtocol()).isIn("TLSv1.3", "TLSv1.2");
        }
    }

    @Test
    void aLoggedInUserMaySendOnlyAsTheirOwnAddressesAndDomains() throws Exception {
        try (SmtpTestClient c = withTls(SmtpTestClient.connect(start(ListenerRole.SUBMISSION)))) {
            c.command("EHLO client.example");
            c.authPlain("alice", PASSWORD);
            assertThat(c.command("MAIL FROM:<bob@example.test>"))
                    .isEqualTo("553 5.7.1 <bob@example.test>: Sender address rejected: not owned by user alice");
            assertThat(c.command("MAIL FROM:<Alice@Example.TEST>")).startsWith("250");
            c.command("RSET");
            assertThat(c.command("MAIL FROM:<anyone@alice.test>")).startsWith("250");
            c.command("RSET");
            assertThat(c.command("MAIL FROM:<>")).startsWith("250");
        }
    }

    @Test
    void aLoggedInUsersFromHeaderMustBeTheirsTooAndIsCheckedAtEndOfData() throws Exception {
        try (SmtpTestClient c = withTls(SmtpTestClient.connect(start(ListenerRole.SUBMISSION)))) {
            c.command("EHLO client.example");
            c.authPlain("alice", PASSWORD);
            c.command("MAIL FROM:<alice@example.test>");
            c.command("RCPT TO:<bob@example.test>");
            c.command("DATA");
            assertThat(c.command("From: The Boss <boss@example.test>\r\nSubject: pay this\r\n\r\nnow\r\n."))
                    .isEqualTo("553 5.7.1 From: <boss@example.test> rejected: not owned by user alice");
            c.command("MAIL FROM:<alice@example.test>");
            c.command("RCPT TO:<bob@example.test>");
            c.command("DATA");
            assertThat(c.command("From: Alice <alice@example.test>, helper@alice.test\r\n\r\nok\r\n."))
                    .startsWith("250 2.0.0 Ok: queued as");
        }
        assertThat(queue.queued()).hasSize(1);
    }

    @Test
    void receivedHeaderRecordsTlsAndTheLoginAsEsmtpsa() throws Exception {
        try (SmtpTestClient c = withTls(SmtpTestClient.connect(start(ListenerRole.SUBMISSION)))) {
            c.command("EHLO client.example");
            c.authPlain("alice", PASSWORD);
            c.command("MAIL FROM:<alice@example.test>");
            c.command("RCPT TO:<bob@example.test>");
            assertThat(c.command("DATA")).startsWith("354");
            assertThat(c.command("Subject: hi\r\n\r\nHello\r\n.")).startsWith("250 2.0.0 Ok: queued as");
            String protocol = c.tlsProtocol();
            String cipher = c.tlsCipher();
            String content = new String(queue.queued().get(0).content(), StandardCharsets.UTF_8);
            String received = content.substring(0, content.indexOf("\r\nSubject:"));
            assertThat(received).contains("(using " + protocol + " with cipher " + cipher)
                    .contains("(Authenticated sender: alice)").contains("with ESMTPSA id");
            assertThat(queue.queued().get(0).envelope().authUser()).isEqualTo("alice");
        }
    }

    // ---- rate limits ----

    @Test
    void aUserOverTheMessageOrRecipientLimitGets450AndCanTryAgainLater() throws Exception {
        limits = new io.mailhub.policy.RateLimits(0, 2, 3, NetworkList.parse(""), Clock.systemUTC());
        try (SmtpTestClient c = withTls(SmtpTestClient.connect(start(ListenerRole.SUBMISSION)))) {
            c.command("EHLO client.example");
            c.authPlain("alice", PASSWORD);
            assertThat(c.command("MAIL FROM:<alice@example.test>")).startsWith("250");
            assertThat(c.command("RCPT TO:<a@elsewhere.example>")).startsWith("250");
            assertThat(c.command("RCPT TO:<b@elsewhere.example>")).startsWith("250");
            assertThat(c.command("RCPT TO:<c@elsewhere.example>")).startsWith("250");
            assertThat(c.command("RCPT TO:<d@elsewhere.example>"))
                    .startsWith("450 4.7.1 Error: too many recipients from user alice (limit 3 per hour)");
            assertThat(c.command("RSET")).startsWith("250");
            assertThat(c.command("MAIL FROM:<alice@example.test>")).startsWith("250");
            assertThat(c.command("RSET")).startsWith("250");
            assertThat(c.command("MAIL FROM:<alice@example.test>"))
                    .startsWith("450 4.7.1 Error: too many messages from user alice (limit 2 per hour)");
        }
    }

    // ---- brute force ----

    @Test
    void afterTooManyFailuresTheClientIsRefusedWith421OnThisAndEveryNewConnection() throws Exception {
        int port = start(ListenerRole.MX);
        try (SmtpTestClient c = withTls(SmtpTestClient.connect(port))) {
            c.command("EHLO client.example");
            assertThat(c.authPlain("alice", "guess1")).startsWith("535 5.7.8");
            assertThat(c.authPlain("alice", "guess2")).startsWith("535 5.7.8");
            assertThat(c.authPlain("alice", "guess3"))
                    .isEqualTo("421 4.7.0 Error: too many failed logins from your address, try again later");
            assertThat(c.reply()).isNull(); // closed
        }
        try (SmtpTestClient c = SmtpTestClient.connect(port)) {
            assertThat(c.reply()).startsWith("421 4.7.0");
            assertThat(c.reply()).isNull();
        }
        // even the right password does not help while locked out
        assertThat(failures.isLocked(java.net.InetAddress.getByName("127.0.0.1"))).isTrue();
    }
}
