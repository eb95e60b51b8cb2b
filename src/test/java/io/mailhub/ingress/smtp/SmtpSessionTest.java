package io.mailhub.ingress.smtp;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailhub.cleanup.MessageComposer;
import io.mailhub.model.BodyType;
import io.mailhub.model.DsnNotify;
import io.mailhub.model.DsnRet;
import io.mailhub.model.Envelope;
import io.mailhub.model.MailAddress;
import io.mailhub.model.Recipient;
import io.mailhub.policy.DomainList;
import io.mailhub.policy.NetworkList;
import io.mailhub.policy.PolicyChain;
import io.mailhub.policy.RelayControl;
import io.mailhub.queue.FakeMailQueue;
import io.mailhub.queue.QueueException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Drives whole SMTP sessions through in-memory streams; the queue is a fake, everything else is real. */
@Timeout(10)
class SmtpSessionTest {

    private static final NetworkList NO_NETWORKS = NetworkList.empty();

    private static final String HOSTNAME = "mx.example.test";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-03-01T12:00:00Z"), ZoneOffset.UTC);
    private static final String DATE = "Fri, 1 Mar 2024 12:00:00 +0000";
    private static final long MAX_MESSAGE_SIZE = 10_000;
    private static final int MAX_LINE_LENGTH = 2000;
    private static final InetAddress UNTRUSTED = address(192, 0, 2, 10);
    private static final InetAddress TRUSTED = address(127, 0, 0, 1);
    private static final Pattern STATUS = Pattern.compile("[245]\\.\\d{1,3}\\.\\d{1,3}");

    @TempDir
    Path spool;

    private final FakeMailQueue queue = new FakeMailQueue();
    private int spoolMemoryThreshold = 64 * 1024;
    /** A spool directory that cannot be written (a regular file in its place), as on a full disk. */
    private boolean spoolBroken;

    private Path spoolDirectory() throws IOException {
        if (!spoolBroken) {
            return spool;
        }
        Path notADirectory = spool.resolve("not-a-directory");
        Files.write(notADirectory, new byte[0]);
        return notADirectory;
    }
    private int errorLimit = 20;

    // ---- harness ----

    private static InetAddress address(int a, int b, int c, int d) {
        try {
            return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** Runs one session to its end with the client's octets arriving as the given packets. */
    private ScriptedSocket session(InetAddress client, String... packets) throws Exception {
        return session(client, Stream.of(packets).map(p -> p.getBytes(UTF_8)).toList());
    }

    /** As {@link #session(InetAddress, String...)}, with the packets as raw octets (not necessarily UTF-8). */
    private ScriptedSocket session(InetAddress client, List<byte[]> packets) throws Exception {
        SmtpSettings settings = new SmtpSettings(HOSTNAME, null, 0, ListenerRole.MX, 10, 0, NO_NETWORKS, Duration.ofMinutes(5), 0, MAX_MESSAGE_SIZE, 100,
                MAX_LINE_LENGTH, spoolDirectory(), spoolMemoryThreshold, errorLimit, Duration.ofSeconds(1));
        RelayControl relay = new RelayControl(DomainList.parse("example.test"), NetworkList.parse("127.0.0.0/8, ::1/128"),
                HOSTNAME);
        SmtpServer server = new SmtpServer(settings, PolicyChain.of(relay), queue, new MessageComposer(HOSTNAME, CLOCK));
        ScriptedSocket socket = new ScriptedSocket(client, packets);
        new SmtpSession(server, socket).run();
        return socket;
    }

    /** The client's command lines (and any raw data in between), each ending in CRLF, sent as one packet. */
    private static String lines(String... lines) {
        StringBuilder sb = new StringBuilder();
        for (String line : lines) {
            sb.append(line).append("\r\n");
        }
        return sb.toString();
    }

    /** The last line of every reply, in order. */
    private static List<String> replies(String output) {
        List<String> replies = new ArrayList<>();
        for (String line : output.split("\r\n")) {
            if (line.length() >= 4 && line.charAt(3) == ' ') {
                replies.add(line);
            } else if (!(line.length() >= 4 && line.charAt(3) == '-')) {
                throw new AssertionError("not an SMTP reply line: " + line);
            }
        }
        return replies;
    }

    /** Every reply as its code and, when it has one, its enhanced status code: {@code "250 2.1.0"}, {@code "220"}. */
    private static List<String> codes(String output) {
        return replies(output).stream().map(r -> {
            String[] words = r.split(" ", 3);
            return words.length > 1 && STATUS.matcher(words[1]).matches() ? words[0] + " " + words[1] : words[0];
        }).toList();
    }

    private List<String> converse(String... lines) throws Exception {
        return codes(session(UNTRUSTED, lines(lines)).output());
    }

    private static String queueIdIn(List<String> replies) {
        return replies.stream().filter(r -> r.contains("queued as ")).map(r -> r.substring(r.indexOf("queued as ") + 10))
                .findFirst().orElseThrow(() -> new AssertionError("no message was queued: " + replies));
    }

    private static final String MESSAGE = "From: alice@example.test\r\nSubject: hi\r\n\r\nHello Bob\r\n";

    // ---- greeting, EHLO and the simple commands ----

    @Test
    void greetingIs220WithOurHostname() throws Exception {
        assertThat(session(UNTRUSTED).output()).isEqualTo("220 mx.example.test ESMTP Mailhub\r\n");
    }

    @Test
    void ehloListsTheOfferedExtensionsWithoutStatusCodes() throws Exception {
        String output = session(UNTRUSTED, lines("EHLO client.example")).output();

        assertThat(output).isEqualTo("220 mx.example.test ESMTP Mailhub\r\n"
                + "250-mx.example.test\r\n"
                + "250-PIPELINING\r\n"
                + "250-SIZE 10000\r\n"
                + "250-8BITMIME\r\n"
                + "250-ENHANCEDSTATUSCODES\r\n"
                + "250-SMTPUTF8\r\n"
                + "250-CHUNKING\r\n"
                + "250 DSN\r\n");
    }

    @Test
    void heloIsAnsweredWithOneLineAndNoExtensions() throws Exception {
        String output = session(UNTRUSTED, lines("HELO client.example")).output();

        assertThat(replies(output)).containsExactly("220 mx.example.test ESMTP Mailhub", "250 mx.example.test");
    }

    @Test
    void ehloWithoutAHostnameIsASyntaxError() throws Exception {
        assertThat(converse("EHLO", "EHLO two words")).containsExactly("220", "501 5.5.4", "501 5.5.4");
    }

    @Test
    void noopHelpAndVrfyNeedNoGreeting() throws Exception {
        List<String> replies = replies(session(UNTRUSTED, lines("NOOP", "HELP", "VRFY bob", "VRFY")).output());

        assertThat(replies).hasSize(5);
        assertThat(replies.get(1)).isEqualTo("250 2.0.0 Ok");
        assertThat(replies.get(2)).startsWith("214 2.0.0 Commands:").contains("EHLO", "BDAT");
        assertThat(replies.get(3)).startsWith("252 2.0.0 Cannot VRFY user");
        assertThat(replies.get(4)).startsWith("501 5.5.4");
    }

    @Test
    void unknownCommandIs500AndAKnownButUnofferedOneIs502() throws Exception {
        assertThat(converse("FROB", "EXPN staff", "STARTTLS")).containsExactly("220", "500 5.5.1", "502 5.5.1", "502 5.5.1");
    }

    @Test
    void verbsAreCaseInsensitive() throws Exception {
        assertThat(converse("ehlo client.example", "mail from:<alice@example.test>", "rcpt to:<bob@example.test>", "rset"))
                .containsExactly("220", "250", "250 2.1.0", "250 2.1.5", "250 2.0.0");
    }

    @Test
    void quitIsAnswered221AndEndsTheSession() throws Exception {
        ScriptedSocket socket = session(UNTRUSTED, lines("QUIT", "NOOP"));

        assertThat(codes(socket.output())).containsExactly("220", "221 2.0.0");
        assertThat(socket.isClosed()).isTrue();
    }

    // ---- command order and syntax ----

    @Test
    void mailBeforeHeloIsABadSequence() throws Exception {
        assertThat(converse("MAIL FROM:<alice@example.test>")).containsExactly("220", "503 5.5.1");
    }

    @Test
    void rcptAndDataBeforeMailAreBadSequences() throws Exception {
        assertThat(converse("EHLO client.example", "RCPT TO:<bob@example.test>", "DATA"))
                .containsExactly("220", "250", "503 5.5.1", "503 5.5.1");
    }

    @Test
    void secondMailInATransactionIsNested() throws Exception {
        assertThat(converse("EHLO client.example", "MAIL FROM:<alice@example.test>", "MAIL FROM:<carol@example.test>"))
                .containsExactly("220", "250", "250 2.1.0", "503 5.5.1");
    }

    @Test
    void dataWithoutAcceptedRecipientIsRefused() throws Exception {
        assertThat(converse("EHLO client.example", "MAIL FROM:<alice@example.test>", "RCPT TO:<bob@elsewhere.example>",
                "DATA")).containsExactly("220", "250", "250 2.1.0", "554 5.7.1", "554 5.5.1");
    }

    @Test
    void mailWithoutFromIsASyntaxError() throws Exception {
        assertThat(converse("EHLO client.example", "MAIL TO:<alice@example.test>", "MAIL <alice@example.test>"))
                .containsExactly("220", "250", "501 5.5.4", "501 5.5.4");
    }

    @Test
    void malformedAddressesAreRefusedWithAddressStatusCodes() throws Exception {
        assertThat(converse("EHLO client.example", "MAIL FROM:alice@example.test", "MAIL FROM:<alice@example.test>",
                "RCPT TO:<bob@@example.test>", "RCPT TO:<>"))
                .containsExactly("220", "250", "501 5.1.7", "250 2.1.0", "501 5.1.3", "501 5.1.3");
    }

    @Test
    void parametersNeedEhlo() throws Exception {
        assertThat(converse("HELO client.example", "MAIL FROM:<alice@example.test> SIZE=100"))
                .containsExactly("220", "250", "555 5.5.4");
    }

    @Test
    void unknownMailParameterIsUnsupported() throws Exception {
        assertThat(converse("EHLO client.example", "MAIL FROM:<alice@example.test> MT-PRIORITY=3"))
                .containsExactly("220", "250", "555 5.5.4");
    }

    @Test
    void authParameterOfMailIsAcceptedAndIgnored() throws Exception {
        // RFC 4954 section 5: a server that offers AUTH must accept AUTH= on MAIL; the claimed identity is not trusted
        assertThat(converse("EHLO client.example", "MAIL FROM:<alice@example.test> AUTH=<>"))
                .containsExactly("220", "250", "250 2.1.0");
    }

    @Test
    void nonAsciiAddressWithoutSmtputf8IsRefused() throws Exception {
        assertThat(converse("EHLO client.example", "MAIL FROM:<jösé@example.test>",
                "MAIL FROM:<jösé@example.test> SMTPUTF8")).containsExactly("220", "250", "553 5.6.7", "250 2.1.0");
    }

    @Test
    void commandLineOver512OctetsIsTooLongAndTheSessionStaysInStep() throws Exception {
        String exactly512 = "NOOP " + "x".repeat(512 - 2 - 5);
        String over512 = "NOOP " + "x".repeat(512 - 2 - 5 + 1);
        String overTheReadLimit = "NOOP " + "x".repeat(3000);

        assertThat(converse(exactly512, over512, overTheReadLimit, "NOOP"))
                .containsExactly("220", "250 2.0.0", "500 5.5.2", "500 5.5.2", "250 2.0.0");
    }

    @Test
    void rcptMayBeLongerThan512OctetsForDsnParameters() throws Exception {
        String rcpt = "RCPT TO:<bob@example.test> NOTIFY=FAILURE ORCPT=rfc822;" + "b".repeat(480) + "@example.test";

        assertThat(rcpt.length() + 2).isGreaterThan(512);
        assertThat(converse("EHLO client.example", "MAIL FROM:<alice@example.test>", rcpt))
                .containsExactly("220", "250", "250 2.1.0", "250 2.1.5");
    }

    @Test
    void bareLineFeedInACommandIsRefused() throws Exception {
        assertThat(codes(session(UNTRUSTED, "NOOP\nNOOP\r\n").output())).containsExactly("220", "500 5.5.2", "250 2.0.0");
    }

    @Test
    void tooManyProtocolErrorsCloseTheSession() throws Exception {
        errorLimit = 3;

        assertThat(converse("FROB", "FROB", "FROB", "NOOP")).containsExactly("220", "500 5.5.1", "500 5.5.1", "500 5.5.1",
                "421 4.7.0");
    }

    // ---- MAIL and RCPT checks ----

    @Test
    void declaredSizeOverTheLimitIsRefusedAtMail() throws Exception {
        assertThat(converse("EHLO client.example", "MAIL FROM:<alice@example.test> SIZE=10001",
                "MAIL FROM:<alice@example.test> SIZE=10000"))
                .containsExactly("220", "250", "552 5.3.4", "250 2.1.0");
    }

    @Test
    void malformedSizeIsASyntaxError() throws Exception {
        assertThat(converse("EHLO client.example", "MAIL FROM:<alice@example.test> SIZE=ten"))
                .containsExactly("220", "250", "501 5.5.4");
    }

    @Test
    void moreThanAHundredRecipientsAreRefusedTemporarily() throws Exception {
        List<String> script = new ArrayList<>(List.of("EHLO client.example", "MAIL FROM:<alice@example.test>"));
        for (int i = 1; i <= 101; i++) {
            script.add("RCPT TO:<user" + i + "@example.test>");
        }
        script.addAll(List.of("DATA", MESSAGE + "."));

        List<String> codes = converse(script.toArray(String[]::new));

        assertThat(codes.subList(3, 103)).containsOnly("250 2.1.5");
        assertThat(codes.get(103)).isEqualTo("452 4.5.3");
        assertThat(codes.get(105)).isEqualTo("250 2.0.0");
        assertThat(queue.queued()).singleElement()
                .satisfies(q -> assertThat(q.envelope().recipients()).hasSize(100));
    }

    @Test
    void relayToAForeignDomainIsDeniedFromAnUntrustedAddress() throws Exception {
        List<String> replies = replies(session(UNTRUSTED, lines("EHLO client.example", "MAIL FROM:<alice@example.test>",
                "RCPT TO:<bob@elsewhere.example>", "RCPT TO:<bob@example.test>")).output());

        assertThat(replies.get(3)).isEqualTo("554 5.7.1 <bob@elsewhere.example>: Relay access denied");
        assertThat(replies.get(4)).startsWith("250 2.1.5");
    }

    @Test
    void relayToAForeignDomainIsAllowedFromATrustedNetwork() throws Exception {
        String output = session(TRUSTED, lines("EHLO client.example", "MAIL FROM:<alice@example.test>",
                "RCPT TO:<bob@elsewhere.example>")).output();

        assertThat(codes(output)).containsExactly("220", "250", "250 2.1.0", "250 2.1.5");
    }

    @Test
    void sourceRouteCannotSmuggleAForeignDestinationPastRelayControl() throws Exception {
        assertThat(converse("EHLO client.example", "MAIL FROM:<alice@example.test>",
                "RCPT TO:<@example.test:bob@elsewhere.example>"))
                .containsExactly("220", "250", "250 2.1.0", "554 5.7.1");
    }

    @Test
    void postmasterWithoutDomainIsAcceptedFromAnyone() throws Exception {
        assertThat(converse("EHLO client.example", "MAIL FROM:<>", "RCPT TO:<Postmaster>"))
                .containsExactly("220", "250", "250 2.1.0", "250 2.1.5");
    }

    @Test
    void rsetEndsTheTransactionButKeepsTheGreeting() throws Exception {
        assertThat(converse("EHLO client.example", "MAIL FROM:<alice@example.test>", "RSET", "RCPT TO:<bob@example.test>",
                "MAIL FROM:<alice@example.test>"))
                .containsExactly("220", "250", "250 2.1.0", "250 2.0.0", "503 5.5.1", "250 2.1.0");
    }

    @Test
    void unavailableQueueRefusesMailTemporarily() throws Exception {
        queue.failsAfterTheGreeting(io.mailhub.queue.MailQueue.Readiness.UNREACHABLE);

        assertThat(converse("EHLO client.example", "MAIL FROM:<alice@example.test>"))
                .containsExactly("220", "250", "451 4.3.0");
    }

    @Test
    void aNewSessionWhileMailCannotBeStoredIsRefusedAtOnceWith421NamingWhy() throws Exception {
        queue.setReadiness(io.mailhub.queue.MailQueue.Readiness.NO_ROOM);
        assertThat(converse("EHLO c")).containsExactly("421 4.3.2");
        queue.setReadiness(io.mailhub.queue.MailQueue.Readiness.UNREACHABLE);
        assertThat(converse("EHLO c")).containsExactly("421 4.3.2");
    }

    // ---- DATA ----

    @Test
    void messageIsQueuedWithItsEnvelope() throws Exception {
        String output = session(UNTRUSTED, lines("EHLO client.example", "MAIL FROM:<alice@example.test>",
                "RCPT TO:<bob@example.test>", "DATA", MESSAGE + ".", "QUIT")).output();

        assertThat(codes(output)).containsExactly("220", "250", "250 2.1.0", "250 2.1.5", "354", "250 2.0.0", "221 2.0.0");
        String queueId = queueIdIn(replies(output));
        Envelope envelope = queue.queued().get(0).envelope();
        assertThat(envelope.queueId()).isEqualTo(queueId);
        assertThat(envelope.sender()).isEqualTo(new MailAddress("alice", "example.test"));
        assertThat(envelope.recipients()).containsExactly(Recipient.of(new MailAddress("bob", "example.test")));
        assertThat(envelope.clientAddress()).isEqualTo("192.0.2.10");
        assertThat(envelope.clientHelo()).isEqualTo("client.example");
        assertThat(envelope.body()).isEqualTo(BodyType.SEVEN_BIT);
        assertThat(envelope.size()).isEqualTo(queue.queued().get(0).content().length);
    }

    @Test
    void dsnAndBodyParametersAreKeptInTheEnvelope() throws Exception {
        session(UNTRUSTED, lines("EHLO client.example",
                "MAIL FROM:<alice@example.test> RET=HDRS ENVID=QQ+2B314 BODY=8BITMIME SMTPUTF8",
                "RCPT TO:<bob@example.test> NOTIFY=SUCCESS,DELAY ORCPT=rfc822;bob@example.test",
                "RCPT TO:<carol@example.test> NOTIFY=NEVER",
                "RCPT TO:<dave@example.test>",
                "DATA", MESSAGE + "."));

        Envelope envelope = queue.queued().get(0).envelope();
        assertThat(envelope.ret()).isEqualTo(DsnRet.HDRS);
        assertThat(envelope.envid()).isEqualTo("QQ+2B314");
        assertThat(envelope.body()).isEqualTo(BodyType.EIGHT_BIT_MIME);
        assertThat(envelope.smtputf8()).isTrue();
        assertThat(envelope.recipients()).containsExactly(
                new Recipient(new MailAddress("bob", "example.test"), Set.of(DsnNotify.SUCCESS, DsnNotify.DELAY),
                        "rfc822;bob@example.test"),
                new Recipient(new MailAddress("carol", "example.test"), Set.of(DsnNotify.NEVER), null),
                Recipient.of(new MailAddress("dave", "example.test")));
    }

    @Test
    void malformedDsnParametersAreRefused() throws Exception {
        assertThat(converse("EHLO client.example", "MAIL FROM:<alice@example.test> RET=BODY",
                "MAIL FROM:<alice@example.test> ENVID=a+zz", "MAIL FROM:<alice@example.test>",
                "RCPT TO:<bob@example.test> NOTIFY=NEVER,FAILURE", "RCPT TO:<bob@example.test> ORCPT=bob@example.test",
                "RCPT TO:<bob@example.test> FOO=BAR"))
                .containsExactly("220", "250", "501 5.5.4", "501 5.5.4", "250 2.1.0", "501 5.5.4", "501 5.5.4", "555 5.5.4");
    }

    @Test
    void duplicateRecipientsAreMerged() throws Exception {
        session(UNTRUSTED, lines("EHLO client.example", "MAIL FROM:<alice@example.test>", "RCPT TO:<bob@example.test>",
                "RCPT TO:<bob@example.test>", "DATA", MESSAGE + "."));

        assertThat(queue.queued().get(0).envelope().recipients()).hasSize(1);
    }

    @Test
    void composerAddsReceivedMessageIdAndDateToAMessageLackingThem() throws Exception {
        List<String> replies = replies(session(UNTRUSTED, lines("EHLO client.example", "MAIL FROM:<alice@example.test>",
                "RCPT TO:<bob@example.test>", "DATA", MESSAGE + ".")).output());
        String id = queueIdIn(replies);

        String stored = new String(queue.queued().get(0).content(), UTF_8);

        assertThat(stored).matches(Pattern.compile(Pattern.quote("Received: from client.example ([192.0.2.10])\r\n"
                + "\tby mx.example.test (Mailhub) with ESMTP id " + id + "\r\n"
                + "\tfor <bob@example.test>; " + DATE + "\r\n"
                + "Message-ID: <" + id + ".") + "[0-9a-z]+" + Pattern.quote("@mx.example.test>\r\n"
                + "Date: " + DATE + "\r\n"
                + MESSAGE), Pattern.DOTALL));
    }

    @Test
    void composerKeepsTheMessageIdAndDateTheClientSent() throws Exception {
        String message = "Message-ID: <abc@client.example>\r\nDate: Thu, 29 Feb 2024 10:00:00 +0100\r\n" + MESSAGE;

        session(UNTRUSTED, lines("HELO client.example", "MAIL FROM:<alice@example.test>", "RCPT TO:<bob@example.test>",
                "RCPT TO:<carol@example.test>", "DATA", message + "."));

        String stored = new String(queue.queued().get(0).content(), UTF_8);
        assertThat(stored).startsWith("Received: from client.example ([192.0.2.10])\r\n\tby mx.example.test (Mailhub) with SMTP id ")
                .doesNotContain("\tfor <")
                .endsWith("; " + DATE + "\r\n" + message);
        assertThat(stored.split("Message-ID:", -1)).hasSize(2);
        assertThat(stored.split("Date:", -1)).hasSize(2);
    }

    @Test
    void dotStuffedLinesAreStoredUnstuffed() throws Exception {
        session(UNTRUSTED, lines("EHLO client.example", "MAIL FROM:<alice@example.test>", "RCPT TO:<bob@example.test>",
                "DATA", "Subject: dots\r\n\r\n..leading\r\n.", "QUIT"));

        assertThat(new String(queue.queued().get(0).content(), UTF_8)).endsWith("Subject: dots\r\n\r\n.leading\r\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\n.\n", "\n.\r\n", "\r\n.\n", "\r.\r", "\r.\r\n"})
    void smuggledCommandsBehindAFakeEndOfDataAreNotExecuted(String fakeEnd) throws Exception {
        String smuggling = "Subject: hi\r\n\r\nhi" + fakeEnd + "MAIL FROM:<evil@example.test>\r\n"
                + "RCPT TO:<victim@example.test>\r\nDATA\r\nforged\r\n.";

        assertThat(converse("EHLO client.example", "MAIL FROM:<alice@example.test>", "RCPT TO:<bob@example.test>", "DATA",
                smuggling, "QUIT"))
                .containsExactly("220", "250", "250 2.1.0", "250 2.1.5", "354", "550 5.5.2", "221 2.0.0");
        assertThat(queue.queued()).isEmpty();
    }

    @Test
    void messageOverTheSizeLimitIsRefusedAfterItsData() throws Exception {
        String big = "Subject: big\r\n\r\n" + (("z".repeat(98) + "\r\n").repeat(110));

        assertThat(converse("EHLO client.example", "MAIL FROM:<alice@example.test>", "RCPT TO:<bob@example.test>", "DATA",
                big + ".", "NOOP"))
                .containsExactly("220", "250", "250 2.1.0", "250 2.1.5", "354", "552 5.3.4", "250 2.0.0");
        assertThat(queue.queued()).isEmpty();
    }

    @Test
    void lineOverTheHardLimitRefusesTheMessage() throws Exception {
        String message = "Subject: long\r\n\r\n" + "w".repeat(MAX_LINE_LENGTH + 1) + "\r\n";

        assertThat(converse("EHLO client.example", "MAIL FROM:<alice@example.test>", "RCPT TO:<bob@example.test>", "DATA",
                message + ".")).containsExactly("220", "250", "250 2.1.0", "250 2.1.5", "354", "552 5.3.4");
        assertThat(queue.queued()).isEmpty();
    }

    @Test
    void lineLongerThan1000OctetsButUnderTheHardLimitIsRelayedIntact() throws Exception {
        String longLine = "v".repeat(1500);

        session(UNTRUSTED, lines("EHLO client.example", "MAIL FROM:<alice@example.test>", "RCPT TO:<bob@example.test>",
                "DATA", "Subject: long\r\n\r\n" + longLine + "\r\n."));

        assertThat(new String(queue.queued().get(0).content(), UTF_8)).endsWith("\r\n\r\n" + longLine + "\r\n");
    }

    @Test
    void largeMessageIsSpooledToAFileAndTheFileRemovedAfterwards() throws Exception {
        spoolMemoryThreshold = 1024;
        String body = ("0123456789".repeat(9) + "\r\n").repeat(50);

        session(UNTRUSTED, lines("EHLO client.example", "MAIL FROM:<alice@example.test>", "RCPT TO:<bob@example.test>",
                "DATA", "Subject: spooled\r\n\r\n" + body + "."));

        assertThat(new String(queue.queued().get(0).content(), UTF_8)).endsWith("Subject: spooled\r\n\r\n" + body);
        try (Stream<Path> files = Files.list(spool)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void refusedMessageLeavesNoSpoolFile() throws Exception {
        spoolMemoryThreshold = 1024;
        String body = ("0123456789".repeat(9) + "\r\n").repeat(50) + "bare\nline\r\n";

        assertThat(converse("EHLO client.example", "MAIL FROM:<alice@example.test>", "RCPT TO:<bob@example.test>", "DATA",
                body + ".")).endsWith("550 5.5.2");
        try (Stream<Path> files = Files.list(spool)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void queueFailureIsAnsweredTemporarilyAndEndsTheTransaction() throws Exception {
        queue.failWith(new QueueException("broker down", new IOException("connection refused")));

        assertThat(converse("EHLO client.example", "MAIL FROM:<alice@example.test>", "RCPT TO:<bob@example.test>", "DATA",
                MESSAGE + ".", "MAIL FROM:<alice@example.test>"))
                .containsExactly("220", "250", "250 2.1.0", "250 2.1.5", "354", "451 4.3.0", "250 2.1.0");
        assertThat(queue.queued()).isEmpty();
    }

    @Test
    void twoMessagesInOneSessionGetDifferentQueueIds() throws Exception {
        session(UNTRUSTED, lines("EHLO client.example",
                "MAIL FROM:<alice@example.test>", "RCPT TO:<bob@example.test>", "DATA", MESSAGE + ".",
                "MAIL FROM:<alice@example.test>", "RCPT TO:<carol@example.test>", "DATA", MESSAGE + "."));

        assertThat(queue.queued()).hasSize(2);
        assertThat(queue.queued().get(0).envelope().queueId()).isNotEqualTo(queue.queued().get(1).envelope().queueId());
    }

    // ---- BDAT ----

    @Test
    void bdatChunksAreJoinedIntoOneMessage() throws Exception {
        String first = "Subject: chunks\r\n\r\n";
        String last = "hello world";

        List<String> replies = replies(session(UNTRUSTED, lines("EHLO client.example", "MAIL FROM:<alice@example.test>",
                "RCPT TO:<bob@example.test>") + "BDAT " + first.length() + "\r\n" + first + "BDAT " + last.length()
                + " LAST\r\n" + last + lines("QUIT")).output());

        assertThat(replies.subList(4, 7)).containsExactly("250 2.0.0 Ok: " + first.length() + " octets received",
                "250 2.0.0 Ok: queued as " + queue.queued().get(0).envelope().queueId(), "221 2.0.0 Bye");
        assertThat(new String(queue.queued().get(0).content(), UTF_8)).endsWith("\r\n" + first + last + "\r\n");
    }

    @Test
    void bdatChunkMayHoldDotLinesAndCommandsVerbatim() throws Exception {
        String chunk = "Subject: x\r\n\r\n.\r\nQUIT\r\n";

        session(UNTRUSTED, lines("EHLO client.example", "MAIL FROM:<alice@example.test>", "RCPT TO:<bob@example.test>")
                + "BDAT " + chunk.length() + " LAST\r\n" + chunk);

        assertThat(new String(queue.queued().get(0).content(), UTF_8)).endsWith("\r\n" + chunk);
    }

    @Test
    void bdatWithABareLineFeedRefusesTheMessageAndEndsTheTransaction() throws Exception {
        String chunk = "Subject: x\r\n\r\nbad\nline\r\n";

        assertThat(codes(session(UNTRUSTED, lines("EHLO client.example", "MAIL FROM:<alice@example.test>",
                "RCPT TO:<bob@example.test>") + "BDAT " + chunk.length() + "\r\n" + chunk + "BDAT 3 LAST\r\nabc"
                + lines("NOOP")).output()))
                .containsExactly("220", "250", "250 2.1.0", "250 2.1.5", "550 5.5.2", "503 5.5.1", "250 2.0.0");
        assertThat(queue.queued()).isEmpty();
    }

    @Test
    void dataAfterBdatIsRefused() throws Exception {
        assertThat(codes(session(UNTRUSTED, lines("EHLO client.example", "MAIL FROM:<alice@example.test>",
                "RCPT TO:<bob@example.test>") + "BDAT 4\r\nab\r\n" + lines("DATA")).output()))
                .containsExactly("220", "250", "250 2.1.0", "250 2.1.5", "250 2.0.0", "503 5.5.1");
    }

    @Test
    void bdatWithoutASizeClosesTheSession() throws Exception {
        assertThat(converse("EHLO client.example", "BDAT LAST", "NOOP")).containsExactly("220", "250", "501 5.5.4");
    }

    // ---- pipelining ----

    @Test
    void pipelinedCommandsAreAnsweredInOrder() throws Exception {
        assertThat(converse("EHLO client.example", "MAIL FROM:<alice@example.test>", "RCPT TO:<bob@elsewhere.example>",
                "RCPT TO:<bob@example.test>", "VRFY bob", "DATA", MESSAGE + ".", "NOOP", "QUIT"))
                .containsExactly("220", "250", "250 2.1.0", "554 5.7.1", "250 2.1.5", "252 2.0.0", "354", "250 2.0.0",
                        "250 2.0.0", "221 2.0.0");
    }

    @Test
    void repliesToAPipelinedGroupAreSentTogether() throws Exception {
        ScriptedSocket socket = session(UNTRUSTED,
                lines("EHLO client.example"),
                lines("MAIL FROM:<alice@example.test>", "RCPT TO:<bob@example.test>", "RCPT TO:<carol@example.test>", "DATA"),
                lines(MESSAGE + ".", "QUIT"));

        List<String> flushes = socket.flushes();

        assertThat(flushes).hasSize(4);
        assertThat(codes(flushes.get(0))).containsExactly("220");
        assertThat(codes(flushes.get(1))).containsExactly("250");
        assertThat(codes(flushes.get(2))).containsExactly("250 2.1.0", "250 2.1.5", "250 2.1.5", "354");
        assertThat(codes(flushes.get(3))).containsExactly("250 2.0.0", "221 2.0.0");
    }

    @Test
    void commandSplitAcrossPacketsIsReadWhole() throws Exception {
        byte[] script = lines("EHLO client.example", "MAIL FROM:<alice@example.test>", "RCPT TO:<bob@example.test>",
                "DATA", MESSAGE + ".", "QUIT").getBytes(UTF_8);
        String[] packets = new String[script.length];
        for (int i = 0; i < script.length; i++) {
            packets[i] = new String(script, i, 1, UTF_8);
        }

        assertThat(codes(session(UNTRUSTED, packets).output()))
                .containsExactly("220", "250", "250 2.1.0", "250 2.1.5", "354", "250 2.0.0", "221 2.0.0");
        assertThat(queue.queued()).hasSize(1);
    }

    // ---- hardening (issue 10): octets the protocol does not allow are refused, never rewritten ----

    /** A session whose client sends these raw octets (not necessarily UTF-8) as one packet. */
    private List<String> converseRaw(byte[] octets) throws Exception {
        return codes(session(UNTRUSTED, List.of(octets)).output());
    }

    private static byte[] octets(String prefix, int[] bad, String suffix) {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        b.writeBytes(prefix.getBytes(UTF_8));
        for (int x : bad) {
            b.write(x);
        }
        b.writeBytes(suffix.getBytes(UTF_8));
        return b.toByteArray();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ff fe", "c0 af", "ed a0 80", "e9", "80", "f8 88 80 80 80", "f4 90 80 80"})
    void anAddressThatIsNotUtf8IsRefusedWith553AndNeverRewritten(String hex) throws Exception {
        int[] bad = java.util.Arrays.stream(hex.split(" ")).mapToInt(h -> Integer.parseInt(h, 16)).toArray();
        byte[] rcpt = octets("EHLO c\r\nMAIL FROM:<a@example.test> SMTPUTF8\r\nRCPT TO:<victim", bad,
                "@example.test>\r\nRCPT TO:<bob@example.test>\r\nDATA\r\n" + MESSAGE + ".\r\nQUIT\r\n");

        assertThat(converseRaw(rcpt)).containsExactly("220", "250", "250 2.1.0", "553 5.6.7", "250 2.1.5", "354",
                "250 2.0.0", "221 2.0.0");
        assertThat(queue.queued()).singleElement().satisfies(q -> assertThat(q.envelope().recipients())
                .extracting(r -> r.address().toString()).containsExactly("bob@example.test"));
    }

    @Test
    void aSenderThatIsNotUtf8IsRefusedWith553() throws Exception {
        byte[] mail = octets("EHLO c\r\nMAIL FROM:<a", new int[] {0xc0, 0xaf}, "@example.test> SMTPUTF8\r\nQUIT\r\n");
        assertThat(converseRaw(mail)).containsExactly("220", "250", "553 5.6.7", "221 2.0.0");
    }

    @Test
    void anyOtherCommandThatIsNotUtf8IsASyntaxError() throws Exception {
        byte[] helo = octets("EHLO c", new int[] {0xff}, "\r\nQUIT\r\n");
        assertThat(converseRaw(helo)).containsExactly("220", "500 5.5.2", "221 2.0.0");
    }

    @Test
    void aVerbSpelledWithNonAsciiLookAlikesIsNotRecognised() throws Exception {
        assertThat(converse("EHLO c", "MA\u0130L FROM:<a@example.test>", "\u017FTARTTLS", "QUIT"))
                .containsExactly("220", "250", "500 5.5.1", "500 5.5.1", "221 2.0.0");
    }

    @Test
    void aLookAlikeOfPostmasterIsNotOurPostmaster() throws Exception {
        assertThat(converse("EHLO c", "MAIL FROM:<a@remote.test> SMTPUTF8", "RCPT TO:<po\u017Ftma\u017Fter@" + HOSTNAME + ">",
                "RCPT TO:<postmaster@mx.example.te\u017Ft>", "QUIT"))
                .containsExactly("220", "250", "250 2.1.0", "554 5.7.1", "250 2.1.5", "221 2.0.0");
    }

    @Test
    void aLookAlikeOfALocalDomainIsTakenAsThatDomainAndQueuedUnderItsRealName() throws Exception {
        List<String> codes = converse("EHLO c", "MAIL FROM:<a@remote.test> SMTPUTF8", "RCPT TO:<victim@\uFF45xample.te\u017Ft>",
                "RCPT TO:<other@ban\u212A.test>", "DATA", MESSAGE + ".", "QUIT");

        assertThat(codes).containsExactly("220", "250", "250 2.1.0", "250 2.1.5", "554 5.7.1", "354", "250 2.0.0",
                "221 2.0.0");
        assertThat(queue.queued().get(0).envelope().recipients()).extracting(r -> r.address().toString())
                .containsExactly("victim@example.test");
    }

    @Test
    void nulInDataIsRefusedWith550AndTheSessionGoesOn() throws Exception {
        assertThat(converse("EHLO c", "MAIL FROM:<a@remote.test>", "RCPT TO:<bob@example.test>", "DATA",
                "Subject: x\r\n\r\nline\r\n\u0000.\r\nMAIL FROM:<evil@remote.test>\r\n.", "RSET", "QUIT"))
                .containsExactly("220", "250", "250 2.1.0", "250 2.1.5", "354", "550 5.6.0", "250 2.0.0", "221 2.0.0");
        assertThat(queue.queued()).isEmpty();
    }

    @Test
    void nulInABdatChunkIsRefusedWith550() throws Exception {
        String chunk = "Subject: x\r\n\r\nab\u0000c\r\n";
        assertThat(converse("EHLO c", "MAIL FROM:<a@remote.test>", "RCPT TO:<bob@example.test>",
                "BDAT " + chunk.length() + " LAST\r\n" + chunk + "QUIT"))
                .containsExactly("220", "250", "250 2.1.0", "250 2.1.5", "550 5.6.0", "221 2.0.0");
        assertThat(queue.queued()).isEmpty();
    }

    @Test
    void repliesAreSentBeforeWaitingForTheRestOfAHalfSentCommand() throws Exception {
        ScriptedSocket socket = session(UNTRUSTED, lines("EHLO c", "MAIL FROM:<a@remote.test>") + "RCPT TO:<bob@exa",
                "mple.test>\r\nQUIT\r\n");

        List<String> flushes = socket.flushes();
        assertThat(codes(flushes.get(1))).as("flushed before waiting for the rest of RCPT")
                .containsExactly("250", "250 2.1.0");
        assertThat(codes(flushes.get(2))).containsExactly("250 2.1.5", "221 2.0.0");
    }

    @Test
    void moreReceivedFieldsThanTheHopLimitAreRefusedAsAMailLoop() throws Exception {
        String hops = "Received: from a by b; Fri, 1 Mar 2024 12:00:00 +0000\r\n";
        assertThat(converse("EHLO c", "MAIL FROM:<a@remote.test>", "RCPT TO:<bob@example.test>", "DATA",
                hops.repeat(51) + MESSAGE + ".", "MAIL FROM:<a@remote.test>", "RCPT TO:<bob@example.test>", "DATA",
                hops.repeat(50) + MESSAGE + ".", "QUIT"))
                .containsExactly("220", "250", "250 2.1.0", "250 2.1.5", "354", "554 5.4.6", "250 2.1.0", "250 2.1.5",
                        "354", "250 2.0.0", "221 2.0.0");
        assertThat(queue.queued()).hasSize(1);
    }

    @Test
    void aSpoolThatCannotBeWrittenInTheMiddleOfDataGets452AfterTheDataAndTheSessionGoesOn() throws Exception {
        spoolMemoryThreshold = 1024;
        spoolBroken = true;
        String big = "Subject: big\r\n\r\n" + "0123456789".repeat(20).concat("\r\n").repeat(40);

        assertThat(converse("EHLO c", "MAIL FROM:<a@remote.test>", "RCPT TO:<bob@example.test>", "DATA", big + ".",
                "RSET", "MAIL FROM:<a@remote.test>", "RCPT TO:<bob@example.test>", "DATA", MESSAGE + ".", "QUIT"))
                .containsExactly("220", "250", "250 2.1.0", "250 2.1.5", "354", "452 4.3.1", "250 2.0.0", "250 2.1.0",
                        "250 2.1.5", "354", "250 2.0.0", "221 2.0.0");
        assertThat(queue.queued()).singleElement().satisfies(q -> assertThat(new String(q.content(), UTF_8))
                .contains("Hello Bob"));
    }

    @Test
    void aSpoolThatCannotBeWrittenDuringBdatGets452AtThatChunk() throws Exception {
        spoolMemoryThreshold = 16;
        spoolBroken = true;
        String chunk = "Subject: x\r\n\r\n" + "y".repeat(100) + "\r\n";

        assertThat(converse("EHLO c", "MAIL FROM:<a@remote.test>", "RCPT TO:<bob@example.test>",
                "BDAT " + chunk.length() + "\r\n" + chunk + "NOOP", "QUIT"))
                .containsExactly("220", "250", "250 2.1.0", "250 2.1.5", "452 4.3.1", "250 2.0.0", "221 2.0.0");
    }

    @Test
    void aFullDiskIsAnsweredWith452AtMailAndAnUnreachableBrokerWith451() throws Exception {
        queue.failsAfterTheGreeting(io.mailhub.queue.MailQueue.Readiness.NO_ROOM);
        assertThat(converse("EHLO c", "MAIL FROM:<a@remote.test>", "QUIT")).containsExactly("220", "250", "452 4.3.1",
                "221 2.0.0");
        queue.failsAfterTheGreeting(io.mailhub.queue.MailQueue.Readiness.UNREACHABLE);
        assertThat(converse("EHLO c", "MAIL FROM:<a@remote.test>", "QUIT")).containsExactly("220", "250", "451 4.3.0",
                "221 2.0.0");
    }

    @Test
    void aMessageTheQueueHasNoRoomForGets452AfterData() throws Exception {
        queue.failWith(io.mailhub.queue.QueueException.noRoom("disk full"));
        assertThat(converse("EHLO c", "MAIL FROM:<a@remote.test>", "RCPT TO:<bob@example.test>", "DATA", MESSAGE + ".",
                "QUIT")).containsExactly("220", "250", "250 2.1.0", "250 2.1.5", "354", "452 4.3.1", "221 2.0.0");
    }
}
