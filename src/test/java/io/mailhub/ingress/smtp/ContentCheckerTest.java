package io.mailhub.ingress.smtp;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailhub.model.SmtpReply;
import org.junit.jupiter.api.Test;

class ContentCheckerTest {

    private static final long MAX_SIZE = 100_000;
    private static final int MAX_LINE = 2000;

    /** Feeds {@code text} in pieces of {@code chunk} octets and finishes; returns the checker. */
    private static ContentChecker check(String text, int chunk) {
        ContentChecker checker = new ContentChecker(MAX_SIZE, MAX_LINE);
        byte[] b = text.getBytes(ISO_8859_1);
        for (int off = 0; off < b.length; off += chunk) {
            checker.update(b, off, Math.min(chunk, b.length - off));
        }
        checker.finish();
        return checker;
    }

    private static SmtpReply problemInEveryChunking(String text) {
        SmtpReply first = check(text, text.length() + 1).problem();
        for (int chunk : new int[] {1, 2, 3, 5}) {
            assertThat(check(text, chunk).problem()).as("chunks of %d", chunk).isEqualTo(first);
        }
        return first;
    }

    private static String codes(SmtpReply reply) {
        return reply.code() + " " + reply.status();
    }

    @Test
    void crlfLinesAreAcceptedHoweverTheyAreSplit() {
        assertThat(problemInEveryChunking("Subject: x\r\n\r\nbody\r\n")).isNull();
    }

    @Test
    void emptyContentIsAccepted() {
        ContentChecker checker = check("", 1);

        assertThat(checker.problem()).isNull();
        assertThat(checker.endsWithLineEnd()).isTrue();
    }

    @Test
    void bareLineFeedIsRefused() {
        SmtpReply problem = problemInEveryChunking("Subject: x\r\n\r\nline one\nline two\r\n");

        assertThat(codes(problem)).isEqualTo("550 5.5.2");
        assertThat(problem.lines().get(0)).contains("bare <LF>");
    }

    @Test
    void bareLineFeedAsFirstOctetIsRefused() {
        assertThat(codes(problemInEveryChunking("\nbody\r\n"))).isEqualTo("550 5.5.2");
    }

    @Test
    void bareCarriageReturnIsRefused() {
        SmtpReply problem = problemInEveryChunking("line one\rline two\r\n");

        assertThat(codes(problem)).isEqualTo("550 5.5.2");
        assertThat(problem.lines().get(0)).contains("bare <CR>");
    }

    @Test
    void carriageReturnBeforeCrlfIsABareCarriageReturn() {
        assertThat(problemInEveryChunking("line\r\r\n").lines().get(0)).contains("bare <CR>");
    }

    @Test
    void carriageReturnAsLastOctetIsBareOnceTheContentEnds() {
        ContentChecker checker = new ContentChecker(MAX_SIZE, MAX_LINE);
        byte[] b = "line\r".getBytes(ISO_8859_1);

        assertThat(checker.update(b, 0, b.length)).isTrue();
        assertThat(checker.problem()).isNull();

        checker.finish();
        assertThat(checker.problem().lines().get(0)).contains("bare <CR>");
    }

    @Test
    void nulAnywhereInTheContentIsRefused() {
        SmtpReply problem = problemInEveryChunking("Subject: x\r\n\r\nab\0cd\r\n");

        assertThat(codes(problem)).isEqualTo("550 5.6.0");
        assertThat(problem.lines().get(0)).contains("NUL");
    }

    @Test
    void nulNextToTheEndOfDataDotIsRefused() {
        // what a next hop that strips NUL would read as CRLF.CRLF: the smuggling variants of the issue
        assertThat(codes(problemInEveryChunking("a\r\n\0.\r\nMAIL FROM:<x@y>\r\n"))).isEqualTo("550 5.6.0");
        assertThat(codes(problemInEveryChunking("a\r\n.\0\r\nMAIL FROM:<x@y>\r\n"))).isEqualTo("550 5.6.0");
    }

    @Test
    void lineOverTheHardLimitIsRefusedAsTooLong() {
        SmtpReply problem = problemInEveryChunking("ok\r\n" + "x".repeat(MAX_LINE + 1) + "\r\n");

        assertThat(codes(problem)).isEqualTo("552 5.3.4");
        assertThat(problem.lines().get(0)).contains("per-line limit");
    }

    @Test
    void lineOfExactlyTheHardLimitIsAccepted() {
        assertThat(check("x".repeat(MAX_LINE) + "\r\n", 7).problem()).isNull();
    }

    @Test
    void lineLongerThanRfc5322ButUnderTheHardLimitIsAccepted() {
        ContentChecker checker = check("Subject: x\r\n\r\n" + "y".repeat(1500) + "\r\n", 100);

        assertThat(checker.problem()).isNull();
        assertThat(checker.size()).isEqualTo(14 + 1500 + 2);
    }

    @Test
    void contentOverTheSizeLimitIsRefused() {
        ContentChecker checker = new ContentChecker(10, MAX_LINE);
        byte[] b = "0123456789\r\n".getBytes(ISO_8859_1);

        assertThat(checker.update(b, 0, 10)).isTrue();
        assertThat(checker.update(b, 10, 2)).isFalse();

        assertThat(codes(checker.problem())).isEqualTo("552 5.3.4");
        assertThat(checker.problem().lines().get(0)).contains("size exceeds");
    }

    @Test
    void contentOfExactlyTheSizeLimitIsAccepted() {
        ContentChecker checker = new ContentChecker(12, MAX_LINE);
        byte[] b = "0123456789\r\n".getBytes(ISO_8859_1);

        assertThat(checker.update(b, 0, b.length)).isTrue();
        checker.finish();
        assertThat(checker.problem()).isNull();
    }

    @Test
    void firstProblemDecidesAndLaterOctetsAreStillCounted() {
        ContentChecker checker = new ContentChecker(20, MAX_LINE);
        byte[] bareLf = "a\nb".getBytes(ISO_8859_1);
        byte[] more = "c".repeat(50).getBytes(ISO_8859_1);

        assertThat(checker.update(bareLf, 0, bareLf.length)).isFalse();
        assertThat(checker.update(more, 0, more.length)).isFalse();

        assertThat(checker.problem().lines().get(0)).contains("bare <LF>");
        assertThat(checker.size()).isEqualTo(53);
    }

    @Test
    void endsWithLineEndOnlyAfterCrlf() {
        assertThat(check("a\r\n", 1).endsWithLineEnd()).isTrue();
        assertThat(check("a\r\nb", 1).endsWithLineEnd()).isFalse();
    }

    /** The rule, octet by octet: what the checker must decide however the content is split. */
    private static SmtpReply referenceProblem(byte[] b, int maxLine) {
        int line = 0;
        for (int i = 0; i < b.length; i++) {
            if (b[i] == '\r') {
                if (i + 1 == b.length || b[i + 1] != '\n') {
                    return SmtpReplies.BARE_CR;
                }
                i++;
                line = 0;
            } else if (b[i] == '\n') {
                return SmtpReplies.BARE_LF;
            } else if (b[i] == 0) {
                return SmtpReplies.NUL_IN_CONTENT;
            } else if (++line > maxLine) {
                return SmtpReplies.LINE_TOO_LONG;
            }
        }
        return null;
    }

    @Test
    void randomContentInRandomPiecesGetsTheVerdictOfTheOctetByOctetRule() {
        java.util.Random random = new java.util.Random(7);
        byte[] alphabet = {'a', 'b', '.', ' ', '\r', '\n', (byte) 0xC3, 0x0C, 0};
        for (int round = 0; round < 3_000; round++) {
            byte[] b = new byte[random.nextInt(80)];
            for (int i = 0; i < b.length; i++) {
                b[i] = random.nextInt(6) == 0 ? alphabet[random.nextInt(alphabet.length)] : (byte) 'x';
                if (b[i] == '\r' && random.nextBoolean() && i + 1 < b.length) {
                    b[++i] = '\n'; // mostly proper line ends, so that long lines and late problems occur too
                }
            }
            ContentChecker checker = new ContentChecker(MAX_SIZE, 12);
            for (int off = 0; off < b.length; ) {
                int n = Math.min(b.length - off, 1 + random.nextInt(20));
                checker.update(b, off, n);
                off += n;
            }
            checker.finish();
            assertThat(checker.problem()).as("round %d", round).isEqualTo(referenceProblem(b, 12));
            assertThat(checker.size()).isEqualTo(b.length);
        }
    }
}
