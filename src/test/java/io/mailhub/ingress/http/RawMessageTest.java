package io.mailhub.ingress.http;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A raw message read for {@code POST /api/v1/messages/raw} and Mailgun's {@code messages.mime}: line ends made CRLF,
 * and what the SMTP door refuses refused here too. Every input is also fed in awkward chunks, so a CR and its LF, or
 * a long line, may be split between two reads.
 */
class RawMessageTest {

    private static final long MAX_SIZE = 10_000;
    private static final int MAX_LINE = 100;
    private static final int[] CHUNKS = {1, 2, 3, 7, 64, Integer.MAX_VALUE};

    @TempDir
    Path spool;

    /** A stream that hands out at most {@code chunk} octets per read. */
    private static InputStream inChunks(byte[] b, int chunk) {
        return new FilterInputStream(new ByteArrayInputStream(b)) {
            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                return super.read(buf, off, Math.min(len, chunk));
            }
        };
    }

    private RawMessage.Read read(byte[] message, int chunk, int spoolThreshold) throws IOException, ApiProblem {
        return RawMessage.read(inChunks(message, chunk), spool, spoolThreshold, MAX_SIZE, MAX_LINE);
    }

    /** The content read from {@code message}, the same in every chunking. */
    private String stored(String message) throws Exception {
        String first = null;
        for (int chunk : CHUNKS) {
            RawMessage.Read r = read(message.getBytes(ISO_8859_1), chunk, 1 << 16);
            String content;
            try (InputStream in = r.content().openStream()) {
                content = new String(in.readAllBytes(), ISO_8859_1);
            }
            assertThat(r.content().size()).isEqualTo(content.length());
            if (first == null) {
                first = content;
            }
            assertThat(content).as("read in chunks of %d", chunk).isEqualTo(first);
        }
        return first;
    }

    /** The refusal of {@code message}, the same in every chunking. */
    private ApiProblem refusalOf(byte[] message) throws Exception {
        ApiProblem first = null;
        for (int chunk : CHUNKS) {
            try {
                read(message, chunk, 1 << 16);
                fail("accepted in chunks of " + chunk);
            } catch (ApiProblem p) {
                if (first == null) {
                    first = p;
                }
                assertThat(p.type).as("chunks of %d", chunk).isEqualTo(first.type);
            }
        }
        return first;
    }

    private ApiProblem refusalOf(String message) throws Exception {
        return refusalOf(message.getBytes(ISO_8859_1));
    }

    private long spoolFiles() throws IOException {
        try (Stream<Path> files = Files.list(spool)) {
            return files.count();
        }
    }

    @Test
    void crlfLinesAreStoredUnchangedHoweverTheyAreSplit() throws Exception {
        String message = "From: a@shop.test\r\nSubject: hi\r\n\r\nline one\r\nline two\r\n";

        assertThat(stored(message)).isEqualTo(message);
    }

    @Test
    void aBareLfBecomesCrlf() throws Exception {
        assertThat(stored("From: a@shop.test\nSubject: hi\n\nbody\n"))
                .isEqualTo("From: a@shop.test\r\nSubject: hi\r\n\r\nbody\r\n");
    }

    @Test
    void aBareCrBecomesCrlf() throws Exception {
        assertThat(stored("Subject: hi\r\rone\rtwo\r\n")).isEqualTo("Subject: hi\r\n\r\none\r\ntwo\r\n");
    }

    @Test
    void mixedLineEndsAllBecomeCrlfAndNoLineIsDoubled() throws Exception {
        String stored = stored("a\r\nb\nc\rd\n\re\r\n");

        assertThat(stored).isEqualTo("a\r\nb\r\nc\r\nd\r\n\r\ne\r\n");
        assertThat(stored.replace("\r\n", "")).doesNotContain("\r").doesNotContain("\n");
    }

    @Test
    void anOpenLastLineIsEndedWithCrlf() throws Exception {
        assertThat(stored("Subject: hi\r\n\r\nno line end")).isEqualTo("Subject: hi\r\n\r\nno line end\r\n");
        assertThat(stored("Subject: hi\r\n\r\nbare cr at the end\r"))
                .isEqualTo("Subject: hi\r\n\r\nbare cr at the end\r\n");
    }

    @Test
    void anEmptyBodyStaysEmpty() throws Exception {
        assertThat(stored("")).isEmpty();
    }

    @Test
    void aNulOctetIsRefusedAsContent() throws Exception {
        ApiProblem p = refusalOf("Subject: hi\r\n\r\nbefore\0after\r\n");

        assertThat(p.status).isEqualTo(422);
        assertThat(p.type).isEqualTo("content-refused");
        assertThat(p.enhancedStatus).isEqualTo("5.6.0");
        assertThat(p.detail()).contains("NUL");
    }

    @Test
    void aLineOfTheLimitIsStoredAndOneOctetMoreIsRefused() throws Exception {
        String longest = "x".repeat(MAX_LINE);

        assertThat(stored("Subject: hi\r\n\r\n" + longest + "\r\n")).endsWith(longest + "\r\n");
        assertThat(stored("Subject: hi\n\n" + longest + "\n")).endsWith(longest + "\r\n");

        ApiProblem p = refusalOf("Subject: hi\r\n\r\n" + longest + "x\r\n");
        assertThat(p.status).isEqualTo(422);
        assertThat(p.type).isEqualTo("line-too-long");
        assertThat(p.enhancedStatus).isEqualTo("5.3.4");
        assertThat(p.detail()).contains(Integer.toString(MAX_LINE));
    }

    @Test
    void anOverlongLastLineWithoutLineEndIsRefused() throws Exception {
        assertThat(refusalOf("Subject: hi\r\n\r\n" + "x".repeat(MAX_LINE + 1)).type).isEqualTo("line-too-long");
    }

    @Test
    void aMessageOfTheSizeLimitIsStoredAndOneOctetMoreIsRefused() throws Exception {
        String line = "y".repeat(48) + "\r\n";
        String limit = line.repeat((int) (MAX_SIZE / line.length()));
        assertThat(limit).hasSize((int) MAX_SIZE);

        assertThat(stored(limit)).hasSize((int) MAX_SIZE);

        ApiProblem p = refusalOf(limit + "z");
        assertThat(p.status).isEqualTo(413);
        assertThat(p.type).isEqualTo("message-too-big");
        assertThat(p.enhancedStatus).isEqualTo("5.3.4");
        assertThat(p.detail()).contains(Long.toString(MAX_SIZE));
    }

    @Test
    void theSizeThatCountsIsTheSizeStoredWithCrlf() throws Exception {
        String lfLines = "abc\n".repeat((int) (MAX_SIZE / 4));
        assertThat(lfLines.length()).isLessThanOrEqualTo((int) MAX_SIZE);

        assertThat(refusalOf(lfLines).status).isEqualTo(413);
    }

    @Test
    void theHeaderScanFindsMessageIdDateAndReceived() throws Exception {
        RawMessage.Read r = read(("Received: from a by b; Fri, 1 Mar 2024 12:00:00 +0000\n"
                + "Received: from c by a; Fri, 1 Mar 2024 11:59:00 +0000\n"
                + "Date: Fri, 1 Mar 2024 11:58:00 +0000\nMessage-ID:\n <raw-17@shop.test>\nSubject: hi\n\n"
                + "Message-ID: <not-a-header@shop.test>\n").getBytes(ISO_8859_1), 3, 1 << 16);

        assertThat(r.headers().firstLineIsHeader()).isTrue();
        assertThat(r.headers().receivedCount()).isEqualTo(2);
        assertThat(r.headers().hasDate()).isTrue();
        assertThat(r.headers().messageId()).isEqualTo("raw-17@shop.test");
        assertThat(r.headers().hasInternalFields()).isFalse();
    }

    @Test
    void aClientsMailhubFieldIsNoticed() throws Exception {
        RawMessage.Read r = read("MailhubRoute: evil\r\nSubject: x\r\n\r\nbody\r\n".getBytes(ISO_8859_1), 64, 1 << 16);

        assertThat(r.headers().hasInternalFields()).isTrue();
    }

    @Test
    void aLargeMessageIsSpooledToAFileThatCloseRemoves() throws Exception {
        String body = ("z".repeat(60) + "\n").repeat(100);

        RawMessage.Read r = read(body.getBytes(ISO_8859_1), 1000, 1024);

        assertThat(r.content().inMemory()).isNull();
        assertThat(r.content().size()).isEqualTo(body.length() + 100);
        assertThat(spoolFiles()).isEqualTo(1);
        r.content().close();
        assertThat(spoolFiles()).isZero();
    }

    @Test
    void aRefusalLeavesNoSpoolFileBehind() throws Exception {
        byte[] message = ("z".repeat(60) + "\r\n").repeat(100).concat("bad\0\r\n").getBytes(ISO_8859_1);

        for (int chunk : new int[] {100, 5000}) {
            try {
                read(message, chunk, 1024);
                fail("accepted");
            } catch (ApiProblem p) {
                assertThat(p.type).isEqualTo("content-refused");
            }
        }

        assertThat(spoolFiles()).isZero();
    }
}
