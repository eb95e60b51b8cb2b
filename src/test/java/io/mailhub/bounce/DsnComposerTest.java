package io.mailhub.bounce;

import io.mailhub.testing.ParsedDsn;
import static io.mailhub.testing.ParsedDsn.field;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailhub.model.BodyType;
import io.mailhub.model.DsnNotify;
import io.mailhub.model.DsnRet;
import io.mailhub.model.Envelope;
import io.mailhub.model.MailAddress;
import io.mailhub.model.Recipient;
import io.mailhub.model.RecipientOutcome;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DsnComposerTest {

    static final Instant ARRIVAL = Instant.parse("2025-03-01T09:00:00Z");
    static final Instant NOW = Instant.parse("2025-03-01T10:15:30Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final String HOST = "hub.example.net";
    static final long LIMIT = 10 * 1024 * 1024;

    static final String HEADERS = "Received: from client.example.com ([192.0.2.10])\r\n"
            + "From: Alice <alice@example.com>\r\n"
            + "To: bob@example.org, carol@example.net\r\n"
            + "Subject: Quarterly figures\r\n"
            + "Message-ID: <q1@example.com>\r\n";
    static final String ORIGINAL = HEADERS + "\r\nHello Bob,\r\n\r\nthe figures are attached.\r\n";

    static final Recipient BOB = new Recipient(
            new MailAddress("bob", "example.org"), Set.of(DsnNotify.FAILURE), "rfc822;Bob+2BSales@example.org");
    static final Recipient CAROL = Recipient.of(new MailAddress("carol", "example.net"));

    static final RecipientOutcome BOB_UNKNOWN = new RecipientOutcome(
            BOB, "failed", "5.1.1", "mx.example.org[192.0.2.25]:25", "550 5.1.1 <bob@example.org>: No such user");
    static final RecipientOutcome CAROL_EXPIRED = new RecipientOutcome(CAROL, "failed", "5.4.7",
            "mx.example.net[192.0.2.26]:25", "delivery time expired after 5d; last error: 451 4.3.0 Try later");

    private final DsnComposer composer = new DsnComposer(HOST, LIMIT, DsnTemplates.defaults(), CLOCK);

    @Test
    void failureNoticeIsAMultipartReportWithTextStatusAndOriginalInThatOrder() throws Exception {
        ParsedDsn dsn = compose(composer, request(envelope(null, null), BOB_UNKNOWN));

        assertThat(dsn.contentType().getBaseType()).isEqualToIgnoringCase("multipart/report");
        assertThat(dsn.contentType().getParameter("report-type")).isEqualTo("delivery-status");
        assertThat(dsn.partTypes()).containsExactly("text/plain", "message/delivery-status", "message/rfc822");
    }

    @Test
    void noticeComesFromTheMailerDaemonToTheOriginalSenderAsAnAutomaticReply() throws Exception {
        ParsedDsn dsn = compose(composer, request(envelope(null, null), BOB_UNKNOWN));
        MimeMessage m = dsn.message;

        assertThat(m.getHeader("From", null)).isEqualTo("Mail Delivery System <MAILER-DAEMON@hub.example.net>");
        assertThat(m.getHeader("To", null)).isEqualTo("<alice@example.com>");
        assertThat(m.getSubject()).isEqualTo("Undelivered Mail Returned to Sender");
        assertThat(m.getSentDate()).isEqualTo(java.util.Date.from(NOW));
        assertThat(m.getMessageID()).startsWith("<").endsWith("@hub.example.net>");
        assertThat(m.getHeader("Auto-Submitted", null)).isEqualTo("auto-replied");
        assertThat(m.getHeader("MIME-Version", null)).isEqualTo("1.0");
    }

    @Test
    void subjectFollowsTheKindOfNotice() throws Exception {
        RecipientOutcome delayed = new RecipientOutcome(
                BOB, "delayed", "4.4.1", null, "connect to mx.example.org[192.0.2.25]:25: Connection refused");
        RecipientOutcome delivered = new RecipientOutcome(
                BOB, "delivered", "2.0.0", "mx.example.org[192.0.2.25]:25", "250 2.0.0 Ok: queued as 4F2");

        assertThat(compose(composer, request(envelope(null, null), delayed)).message.getSubject())
                .isEqualTo("Delayed Mail (still being retried)");
        assertThat(compose(composer, request(envelope(null, null), delivered)).message.getSubject())
                .isEqualTo("Successful Mail Delivery Report");
    }

    @Test
    void perMessageFieldsNameUsTheDecodedEnvelopeIdAndTheArrival() throws Exception {
        ParsedDsn dsn = compose(composer, request(envelope(null, "QQ+2B314+3Dx"), BOB_UNKNOWN));
        InternetHeaders perMessage = dsn.perMessage();

        assertThat(field(perMessage, "Reporting-MTA")).isEqualTo("dns; hub.example.net");
        assertThat(field(perMessage, "Original-Envelope-Id")).isEqualTo("QQ+314=x");
        assertThat(field(perMessage, "Arrival-Date")).isEqualTo("Sat, 1 Mar 2025 09:00:00 +0000");
        assertThat(field(perMessage, "X-Mailhub-Queue-ID")).isEqualTo("0J5QZ7ABCDEFGH");
    }

    @Test
    void originalEnvelopeIdIsLeftOutWhenTheSenderGaveNone() throws Exception {
        ParsedDsn dsn = compose(composer, request(envelope(null, null), BOB_UNKNOWN));

        assertThat(field(dsn.perMessage(), "Original-Envelope-Id")).isNull();
    }

    @Test
    void eachRecipientHasABlockWithItsOwnFields() throws Exception {
        ParsedDsn dsn = compose(composer, request(envelope(null, null), BOB_UNKNOWN, CAROL_EXPIRED));
        List<InternetHeaders> blocks = dsn.perRecipient();

        assertThat(blocks).hasSize(2);
        InternetHeaders bob = blocks.get(0);
        assertThat(field(bob, "Final-Recipient")).isEqualTo("rfc822; bob@example.org");
        assertThat(field(bob, "Original-Recipient")).isEqualTo("rfc822; Bob+Sales@example.org");
        assertThat(field(bob, "Action")).isEqualTo("failed");
        assertThat(field(bob, "Status")).isEqualTo("5.1.1");
        assertThat(field(bob, "Remote-MTA")).isEqualTo("dns; mx.example.org");
        assertThat(field(bob, "Diagnostic-Code")).isEqualTo("smtp; 550 5.1.1 <bob@example.org>: No such user");
        assertThat(field(bob, "Last-Attempt-Date")).isEqualTo("Sat, 1 Mar 2025 10:15:30 +0000");
        InternetHeaders carol = blocks.get(1);
        assertThat(field(carol, "Final-Recipient")).isEqualTo("rfc822; carol@example.net");
        assertThat(field(carol, "Original-Recipient")).as("no ORCPT given").isNull();
        assertThat(field(carol, "Status")).isEqualTo("5.4.7");
    }

    @Test
    void localReasonIsAnXMailhubDiagnosticNotAnSmtpReply() throws Exception {
        ParsedDsn dsn = compose(composer, request(envelope(null, null), CAROL_EXPIRED));

        assertThat(field(dsn.perRecipient().get(0), "Diagnostic-Code"))
                .isEqualTo("X-Mailhub; delivery time expired after 5d; last error: 451 4.3.0 Try later");
    }

    @Test
    void remoteMtaIsLeftOutWhenNoServerWasReached() throws Exception {
        RecipientOutcome refused = new RecipientOutcome(CAROL, "failed", "5.4.4", null, "Host not found");

        InternetHeaders block = compose(composer, request(envelope(null, null), refused)).perRecipient().get(0);

        assertThat(field(block, "Remote-MTA")).isNull();
        assertThat(field(block, "Diagnostic-Code")).isEqualTo("X-Mailhub; Host not found");
    }

    @Test
    void delayedRecipientSaysUntilWhenItIsRetriedWhenThatIsKnown() throws Exception {
        RecipientOutcome delayed = new RecipientOutcome(
                Recipient.of(new MailAddress("bob", "example.org")), "delayed", "4.4.1", null, "Connection refused");
        Instant until = Instant.parse("2025-03-06T09:00:00Z");

        ParsedDsn known = compose(composer, request(envelope(null, null), delayed).withWillRetryUntil(until));
        ParsedDsn unknown = compose(composer, request(envelope(null, null), delayed));

        assertThat(field(known.perRecipient().get(0), "Will-Retry-Until")).isEqualTo("Thu, 6 Mar 2025 09:00:00 +0000");
        assertThat(known.text()).contains("Thu, 6 Mar 2025 09:00:00 +0000");
        assertThat(field(unknown.perRecipient().get(0), "Will-Retry-Until")).isNull();
    }

    @Test
    void fullOriginalIsReturnedOctetForOctetWhenRetIsAbsentOrFull() throws Exception {
        for (DsnRet ret : Arrays.asList(null, DsnRet.FULL)) {
            ParsedDsn dsn = compose(composer, request(envelope(ret, null), BOB_UNKNOWN));

            assertThat(dsn.decoded(2)).as("RET=%s", ret).isEqualTo(ORIGINAL.getBytes(StandardCharsets.US_ASCII));
            MimeMessage returned = (MimeMessage) dsn.part(2).getContent();
            assertThat(returned.getSubject()).isEqualTo("Quarterly figures");
            assertThat(dsn.text()).contains("The original message is attached.");
        }
    }

    @Test
    void retHdrsReturnsOnlyTheHeaderSectionAsRfc822Headers() throws Exception {
        ParsedDsn dsn = compose(composer, request(envelope(DsnRet.HDRS, null), BOB_UNKNOWN));

        assertThat(dsn.partTypes()).containsExactly("text/plain", "message/delivery-status", "text/rfc822-headers");
        assertThat(new String(dsn.decoded(2), StandardCharsets.US_ASCII)).isEqualTo(HEADERS);
    }

    @Test
    void delayAndSuccessNoticesReturnOnlyHeadersEvenWithRetFull() throws Exception {
        RecipientOutcome delayed = new RecipientOutcome(CAROL, "delayed", "4.4.1", null, "Connection refused");
        RecipientOutcome delivered = new RecipientOutcome(new Recipient(BOB.address(), Set.of(DsnNotify.SUCCESS), null),
                "delivered", "2.0.0", "mx.example.org[192.0.2.25]:25", "250 2.0.0 Ok");

        for (RecipientOutcome o : List.of(delayed, delivered)) {
            ParsedDsn dsn = compose(composer, request(envelope(DsnRet.FULL, null), o));

            assertThat(dsn.partTypes()).as(o.action()).endsWith("text/rfc822-headers");
            assertThat(new String(dsn.decoded(2), StandardCharsets.US_ASCII)).isEqualTo(HEADERS);
        }
    }

    @Test
    void originalThatWouldExceedTheLimitIsReturnedAsHeadersOnlyAndTheTextSaysSo() throws Exception {
        byte[] big = original(HEADERS, 200_000);
        long limit = 100_000;
        DsnComposer small = new DsnComposer(HOST, limit, DsnTemplates.defaults(), CLOCK);
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        DsnResult result = small.compose(DsnRequest.of(envelope(null, null), List.of(BOB_UNKNOWN),
                OriginalMessage.of(big)), out);

        ParsedDsn dsn = ParsedDsn.parse(out.toByteArray());
        assertThat(result.returned()).isEqualTo(ReturnedContent.HEADERS_TOO_BIG);
        assertThat(dsn.partTypes()).containsExactly("text/plain", "message/delivery-status", "text/rfc822-headers");
        assertThat(new String(dsn.decoded(2), StandardCharsets.US_ASCII)).isEqualTo(HEADERS);
        assertThat(dsn.flatText()).contains("Only the headers", big.length + " octets", "limit of 100000 octets");
        assertThat((long) out.size()).isEqualTo(result.size()).isLessThanOrEqualTo(limit);
    }

    @Test
    void originalThatJustFitsIsReturnedWholeAndOneOctetMoreIsNot() throws Exception {
        byte[] original = original(HEADERS, 50_000);
        long fits = composeSize(new DsnComposer(HOST, LIMIT, DsnTemplates.defaults(), CLOCK), original);
        DsnComposer exact = new DsnComposer(HOST, fits, DsnTemplates.defaults(), CLOCK);
        DsnComposer tooSmall = new DsnComposer(HOST, fits - 1, DsnTemplates.defaults(), CLOCK);

        assertThat(exact.compose(request(envelope(null, null), BOB_UNKNOWN, original), OutputStream.nullOutputStream())
                .returned()).isEqualTo(ReturnedContent.FULL);
        DsnResult fallback = tooSmall.compose(request(envelope(null, null), BOB_UNKNOWN, original),
                OutputStream.nullOutputStream());
        assertThat(fallback.returned()).isEqualTo(ReturnedContent.HEADERS_TOO_BIG);
        assertThat(fallback.size()).isLessThanOrEqualTo(fits - 1);
    }

    @Test
    void noticeStaysWithinTheLimitEvenWhenTheHeadersDoNotFit() throws Exception {
        String hugeHeaders = HEADERS + ("X-Padding: " + "x".repeat(900) + "\r\n").repeat(40);
        byte[] original = original(hugeHeaders, 10);
        DsnComposer small = new DsnComposer(HOST, 8_000, DsnTemplates.defaults(), CLOCK);
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        DsnResult result = small.compose(request(envelope(DsnRet.HDRS, null), BOB_UNKNOWN, original), out);

        ParsedDsn dsn = ParsedDsn.parse(out.toByteArray());
        assertThat(result.returned()).isEqualTo(ReturnedContent.NOTHING);
        assertThat(dsn.partTypes()).containsExactly("text/plain", "message/delivery-status");
        assertThat(dsn.text()).contains("The original message is not attached");
        assertThat(out.size()).isLessThanOrEqualTo(8_000);
    }

    @Test
    void limitTooSmallForTheReportItselfIsRefusedWithoutWritingAnything() {
        DsnComposer tiny = new DsnComposer(HOST, 500, DsnTemplates.defaults(), CLOCK);
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        assertThatThrownBy(() -> tiny.compose(request(envelope(null, null), BOB_UNKNOWN), out))
                .isInstanceOf(DsnTooLargeException.class)
                .hasMessageContaining("500 octets");
        assertThat(out.size()).isZero();
    }

    @Test
    void originalWithLinesOver998OctetsIsReturnedAsHeadersOnly() throws Exception {
        byte[] original = (HEADERS + "\r\n" + "y".repeat(1500) + "\r\n").getBytes(StandardCharsets.US_ASCII);

        ParsedDsn dsn = compose(composer, request(envelope(null, null), BOB_UNKNOWN, original));

        assertThat(dsn.partTypes()).endsWith("text/rfc822-headers");
        assertThat(dsn.flatText()).contains("lines longer than 998 octets");
    }

    @Test
    void sevenBitOriginalGivesASevenBitNotice() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        DsnResult result = composer.compose(request(envelope(null, null), BOB_UNKNOWN), out);

        assertThat(result.eightBitMime()).isFalse();
        assertThat(result.body()).isEqualTo(BodyType.SEVEN_BIT);
        assertThat(ParsedDsn.octetsAbove127(out.toByteArray())).isZero();
    }

    @Test
    void eightBitOriginalIsReturnedAs8bitAndTheNoticeNeeds8BitMime() throws Exception {
        byte[] original = (HEADERS + "\r\nGrüße aus Köln\r\n").getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        DsnResult result = composer.compose(request(envelope(null, null), BOB_UNKNOWN, original), out);

        ParsedDsn dsn = ParsedDsn.parse(out.toByteArray());
        assertThat(result.eightBitMime()).isTrue();
        assertThat(result.body()).isEqualTo(BodyType.EIGHT_BIT_MIME);
        assertThat(dsn.part(2).getHeader("Content-Transfer-Encoding")).containsExactly("8bit");
        assertThat(dsn.message.getHeader("Content-Transfer-Encoding")).containsExactly("8bit");
        assertThat(dsn.decoded(2)).isEqualTo(original);
    }

    @Test
    void eightBitBodyDoesNotMakeAHeadersOnlyNotice8Bit() throws Exception {
        byte[] original = (HEADERS + "\r\nGrüße aus Köln\r\n").getBytes(StandardCharsets.UTF_8);

        DsnResult result = composer.compose(request(envelope(DsnRet.HDRS, null), BOB_UNKNOWN, original),
                OutputStream.nullOutputStream());

        assertThat(result.eightBitMime()).isFalse();
    }

    @Test
    void everyLineEndsInCrlfAndLongDiagnosticsAreFoldedWithin998Octets() throws Exception {
        String words = "550 5.7.1 " + "rejected because of policy reasons ".repeat(60);
        String blob = "554 5.7.1 " + "z".repeat(2500);
        RecipientOutcome wordy = new RecipientOutcome(BOB, "failed", "5.7.1", "mx.example.org[192.0.2.25]:25", words);
        RecipientOutcome solid = new RecipientOutcome(CAROL, "failed", "5.7.1", "mx.example.net[192.0.2.26]:25", blob);

        ParsedDsn dsn = compose(composer, request(envelope(null, null), wordy, solid));

        String raw = new String(dsn.raw, StandardCharsets.ISO_8859_1);
        assertThat(raw.replace("\r\n", "")).doesNotContain("\r", "\n");
        assertThat(dsn.rawLines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(998));
        assertThat(field(dsn.perRecipient().get(0), "Diagnostic-Code")).isEqualTo("smtp; " + words.strip());
        assertThat(field(dsn.perRecipient().get(1), "Diagnostic-Code").replace(" ", ""))
                .isEqualTo("smtp;" + blob.replace(" ", ""));
        assertThat(dsn.text()).contains("rejected because of policy reasons");
    }

    @Test
    void lineBreakEncodedInOrcptOrEnvidCannotAddAField() throws Exception {
        Recipient sneaky = new Recipient(new MailAddress("bob", "example.org"), Set.of(),
                "rfc822;bob@example.org+0D+0AAction:+20delivered");

        ParsedDsn dsn = compose(composer, request(envelope(null, "x+0D+0AReporting-MTA:+20dns;+20evil"),
                new RecipientOutcome(sneaky, "failed", "5.1.1", null, "No such user")));

        assertThat(dsn.perMessage().getHeader("Reporting-MTA")).containsExactly("dns; hub.example.net");
        assertThat(dsn.perRecipient().get(0).getHeader("Action")).containsExactly("failed");
    }

    @Test
    void utf8RecipientIsReportedWithTheUtf8AddressTypeInAGlobalStatusPart() throws Exception {
        Recipient jose = Recipient.of(new MailAddress("josé", "example.org"));
        Envelope env = new Envelope("0J5QZ7ABCDEFGH", new MailAddress("alice", "example.com"), List.of(jose), null,
                null, BodyType.EIGHT_BIT_MIME, true, "192.0.2.10", "client.example.com", null, ARRIVAL, 100);
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        DsnResult result = composer.compose(DsnRequest.of(env,
                List.of(new RecipientOutcome(jose, "failed", "5.1.1", null, "No such user")),
                OriginalMessage.of(ORIGINAL.getBytes(StandardCharsets.US_ASCII))), out);

        ParsedDsn dsn = ParsedDsn.parse(out.toByteArray());
        assertThat(dsn.partTypes()).containsExactly("text/plain", "message/global-delivery-status", "message/rfc822");
        assertThat(field(dsn.perRecipient().get(0), "Final-Recipient")).isEqualTo("utf-8; josé@example.org");
        assertThat(result.eightBitMime()).isTrue();
        assertThat(result.smtputf8()).as("the sender's address is ASCII").isFalse();
        assertThat(dsn.text()).contains("<josé@example.org>");
    }

    @Test
    void utf8SenderMakesTheNoticeNeedSmtputf8() throws Exception {
        Envelope env = new Envelope("0J5QZ7ABCDEFGH", new MailAddress("zoë", "example.com"), List.of(BOB), null, null,
                BodyType.SEVEN_BIT, true, "192.0.2.10", "client.example.com", null, ARRIVAL, 100);
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        DsnResult result = composer.compose(request(env, BOB_UNKNOWN), out);

        ParsedDsn dsn = ParsedDsn.parse(out.toByteArray());
        assertThat(result.smtputf8()).isTrue();
        assertThat(dsn.message.getHeader("To", null)).isEqualTo("<zoë@example.com>");
        assertThat(field(dsn.perMessage(), "X-Mailhub-Sender")).isEqualTo("utf-8; zoë@example.com");
        assertThat(result.envelope(env, "0J5QZ9ZZZZZZZZ", NOW).smtputf8()).isTrue();
    }

    @Test
    void largeOriginalIsCopiedAsItIsReadNeverBufferedWhole() throws Exception {
        long size = 30L * 1024 * 1024;
        CountingOutputStream out = new CountingOutputStream();
        List<GeneratedMessage> opened = new ArrayList<>();
        OriginalMessage generated = new OriginalMessage(size, () -> {
            GeneratedMessage m = new GeneratedMessage(size, out);
            opened.add(m);
            return m;
        });
        DsnComposer big = new DsnComposer(HOST, 40L * 1024 * 1024, DsnTemplates.defaults(), CLOCK);

        DsnResult result = big.compose(DsnRequest.of(envelope(null, null), List.of(BOB_UNKNOWN), generated), out);

        assertThat(result.returned()).isEqualTo(ReturnedContent.FULL);
        assertThat(out.count).isEqualTo(result.size()).isGreaterThan(size);
        assertThat(opened).as("one pass to measure, one to copy").hasSize(2);
        assertThat(opened.get(1).maxUnwritten).as("octets read but not yet written").isLessThanOrEqualTo(256 * 1024);
    }

    @Test
    void nullSenderNeverGetsANotice() {
        Envelope fromNullSender = new Envelope("0J5QZ7ABCDEFGH", null, List.of(BOB), null, null, BodyType.SEVEN_BIT,
                false, "192.0.2.10", null, null, ARRIVAL, 100);

        assertThatThrownBy(() -> DsnRequest.of(fromNullSender, List.of(BOB_UNKNOWN), OriginalMessage.of(new byte[0])))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("null sender");
    }

    @Test
    void envelopeOfTheNoticeIsFromTheNullSenderToTheOriginalSender() throws Exception {
        Envelope original = envelope(null, null);
        DsnResult result = composer.compose(request(original, BOB_UNKNOWN), OutputStream.nullOutputStream());

        Envelope notice = result.envelope(original, "0J5QZ9ZZZZZZZZ", NOW);

        assertThat(notice.isNullSender()).isTrue();
        assertThat(notice.recipients()).extracting(Recipient::address).containsExactly(original.sender());
        assertThat(notice.size()).isEqualTo(result.size());
        assertThat(notice.body()).isEqualTo(BodyType.SEVEN_BIT);
    }

    @Test
    void humanTextListsEachRecipientWithItsReason() throws Exception {
        ParsedDsn dsn = compose(composer, request(envelope(null, null), BOB_UNKNOWN, CAROL_EXPIRED));

        assertThat(dsn.flatText())
                .contains("This is the mail system at host hub.example.net.")
                .contains("<bob@example.org> (failed, mx.example.org[192.0.2.25]:25): 550 5.1.1 <bob@example.org>:")
                .contains("<carol@example.net> (failed, mx.example.net[192.0.2.26]:25): delivery time expired")
                .contains("Message 0J5QZ7ABCDEFGH from <alice@example.com>");
    }

    // --- helpers ---

    static Envelope envelope(DsnRet ret, String envid) {
        return new Envelope("0J5QZ7ABCDEFGH", new MailAddress("alice", "example.com"), List.of(BOB, CAROL), ret, envid,
                BodyType.SEVEN_BIT, false, "192.0.2.10", "client.example.com", null, ARRIVAL, ORIGINAL.length());
    }

    static DsnRequest request(Envelope envelope, RecipientOutcome... outcomes) {
        return request(envelope, List.of(outcomes), ORIGINAL.getBytes(StandardCharsets.US_ASCII));
    }

    static DsnRequest request(Envelope envelope, RecipientOutcome outcome, byte[] original) {
        return request(envelope, List.of(outcome), original);
    }

    static DsnRequest request(Envelope envelope, List<RecipientOutcome> outcomes, byte[] original) {
        return DsnRequest.of(envelope, outcomes, OriginalMessage.of(original));
    }

    static ParsedDsn compose(DsnComposer composer, DsnRequest request) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DsnResult result = composer.compose(request, out);
        assertThat(result.size()).isEqualTo(out.size());
        return ParsedDsn.parse(out.toByteArray());
    }

    private static long composeSize(DsnComposer composer, byte[] original) throws IOException {
        return composer.compose(request(envelope(null, null), BOB_UNKNOWN, original), OutputStream.nullOutputStream())
                .size();
    }

    /** A message of {@code headers} and a body of lines of 70 'a' until it is {@code bodySize} octets or more. */
    static byte[] original(String headers, int bodySize) {
        StringBuilder sb = new StringBuilder(headers).append("\r\n");
        String line = "a".repeat(70) + "\r\n";
        for (int n = 0; n < bodySize; n += line.length()) {
            sb.append(line);
        }
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * A message of any size made up as it is read, so the test itself holds none of it. It notes how far reading runs
     * ahead of writing to {@code out} once the notice has started, which shows whether the copy streams.
     */
    private static final class GeneratedMessage extends InputStream {
        private final byte[] head = (HEADERS + "\r\n").getBytes(StandardCharsets.US_ASCII);
        private final long size;
        private final CountingOutputStream out;
        private final long writtenAtOpen;
        private long pos;
        long maxUnwritten;

        GeneratedMessage(long size, CountingOutputStream out) {
            this.size = size;
            this.out = out;
            this.writtenAtOpen = out.count;
        }

        @Override
        public int read() {
            if (pos >= size) {
                return -1;
            }
            long i = pos++;
            if (i < head.length) {
                return head[(int) i];
            }
            long col = (i - head.length) % 72;
            return col == 70 ? '\r' : col == 71 ? '\n' : 'a';
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= size) {
                return -1;
            }
            if (writtenAtOpen > 0) {
                maxUnwritten = Math.max(maxUnwritten, pos - (out.count - writtenAtOpen));
            }
            int n = (int) Math.min(len, size - pos);
            for (int k = 0; k < n; k++) {
                b[off + k] = (byte) read();
            }
            return n;
        }
    }

    private static final class CountingOutputStream extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }
}
