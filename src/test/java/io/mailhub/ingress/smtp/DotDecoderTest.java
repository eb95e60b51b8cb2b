package io.mailhub.ingress.smtp;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Random;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DotDecoderTest {

    /** Input without time limits: these tests are about octets, not clocks. */
    private static SmtpInput input(java.io.InputStream in, int bufferSize) {
        return new SmtpInput(in, bufferSize, millis -> {}, () -> {}, java.time.Duration.ofMinutes(1), 0);
    }


    /** What the decoder produced and what it left unread in the input (the pipelined commands after the data). */
    private record Decoded(String content, String rest) {}

    private static Decoded decode(String wire, IntSupplier chunkSizes, int readSize) throws IOException {
        SmtpInput in = input(new ChunkedInputStream(wire.getBytes(ISO_8859_1), chunkSizes), 64);
        DotDecoder decoder = new DotDecoder(in);
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        byte[] buffer = new byte[readSize];
        int n;
        while ((n = decoder.read(buffer, 0, readSize)) >= 0) {
            assertThat(n).as("a read returns data or -1").isPositive();
            content.write(buffer, 0, n);
        }
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            rest.write(c);
        }
        return new Decoded(content.toString(ISO_8859_1), rest.toString(ISO_8859_1));
    }

    /** Decodes {@code wire} fed one byte at a time, in fixed chunks and in random splits, expecting the same result. */
    private static void assertDecodes(String wire, String expectedContent, String expectedRest) throws IOException {
        for (int chunk : new int[] {1, 2, 3, 7, 64}) {
            for (int readSize : new int[] {2, 3, 5, 8192}) {
                assertThat(decode(wire, () -> chunk, readSize))
                        .as("chunks of %d, reads of %d", chunk, readSize)
                        .isEqualTo(new Decoded(expectedContent, expectedRest));
            }
        }
        for (long seed = 0; seed < 50; seed++) {
            Random random = new Random(seed);
            int readSize = 2 + random.nextInt(10);
            assertThat(decode(wire, () -> 1 + random.nextInt(9), readSize))
                    .as("random splits, seed %d", seed)
                    .isEqualTo(new Decoded(expectedContent, expectedRest));
        }
    }

    @Test
    void contentEndsAtCrlfDotCrlf() throws IOException {
        assertDecodes("Subject: hi\r\n\r\nbody\r\n.\r\n", "Subject: hi\r\n\r\nbody\r\n", "");
    }

    @Test
    void emptyMessageIsJustTheTerminator() throws IOException {
        assertDecodes(".\r\n", "", "");
    }

    @Test
    void leadingDotOfAStuffedLineIsRemoved() throws IOException {
        assertDecodes("..one\r\n...two\r\n. space\r\n..\r\n.\r\n", ".one\r\n..two\r\n space\r\n.\r\n", "");
    }

    @Test
    void dotInsideALineIsContent() throws IOException {
        assertDecodes("a.b\r\nend.\r\n.\r\n", "a.b\r\nend.\r\n", "");
    }

    @Test
    void pipelinedCommandsAfterTheTerminatorAreLeftUnread() throws IOException {
        assertDecodes("hello\r\n.\r\nMAIL FROM:<a@example.com>\r\nQUIT\r\n", "hello\r\n",
                "MAIL FROM:<a@example.com>\r\nQUIT\r\n");
    }

    @Test
    void bareLineFeedDotBareLineFeedDoesNotEndData() throws IOException {
        assertDecodes("a\n.\nMAIL FROM:<evil@example.com>\r\n.\r\n", "a\n.\nMAIL FROM:<evil@example.com>\r\n", "");
    }

    @Test
    void bareLineFeedDotCrlfDoesNotEndData() throws IOException {
        assertDecodes("a\n.\r\nMAIL FROM:<evil@example.com>\r\n.\r\n", "a\n.\r\nMAIL FROM:<evil@example.com>\r\n", "");
    }

    @Test
    void crlfDotBareLineFeedDoesNotEndData() throws IOException {
        // the line starts after CRLF, so its leading dot is unstuffed; the bare LF stays for ContentChecker to refuse
        assertDecodes("a\r\n.\nMAIL FROM:<evil@example.com>\r\n.\r\n", "a\r\n\nMAIL FROM:<evil@example.com>\r\n", "");
    }

    @Test
    void bareCarriageReturnDotBareCarriageReturnDoesNotEndData() throws IOException {
        assertDecodes("a\r.\rMAIL FROM:<evil@example.com>\r\n.\r\n", "a\r.\rMAIL FROM:<evil@example.com>\r\n", "");
    }

    @Test
    void crlfDotBareCarriageReturnDoesNotEndData() throws IOException {
        assertDecodes("a\r\n.\rX\r\n.\r\n", "a\r\n\rX\r\n", "");
    }

    @ParameterizedTest
    @CsvSource({"'a\\r\\n.\\r'", "'a\\r\\n.'", "'a\\r\\n'", "'a\\n.\\n'", "''"})
    void connectionClosedBeforeTheTerminatorIsAnError(String escaped) {
        String wire = escaped.replace("\\r", "\r").replace("\\n", "\n");

        assertThatThrownBy(() -> decode(wire, () -> 1, 16))
                .isInstanceOf(EOFException.class)
                .hasMessageContaining("before the end of DATA");
    }

    @Test
    void readAfterTheEndKeepsReturningMinusOne() throws IOException {
        DotDecoder decoder = new DotDecoder(input(new ChunkedInputStream("x\r\n.\r\nNOOP\r\n".getBytes(ISO_8859_1), () -> 64), 64));
        byte[] buffer = new byte[16];

        assertThat(decoder.read(buffer, 0, 16)).isEqualTo(3);
        assertThat(decoder.read(buffer, 0, 16)).isEqualTo(-1);
        assertThat(decoder.read(buffer, 0, 16)).isEqualTo(-1);
    }

    @Test
    void drainDiscardsTheRestOfTheDataButNotWhatFollows() throws IOException {
        SmtpInput in = input(new ChunkedInputStream("lots\r\nof\r\ntext\r\n.\r\nQUIT\r\n".getBytes(ISO_8859_1), () -> 3), 64);

        new DotDecoder(in).drain();

        assertThat(in.readLine(512).text()).isEqualTo("QUIT");
    }

    @Test
    void oneByteBufferIsRefused() {
        DotDecoder decoder = new DotDecoder(input(new ChunkedInputStream(new byte[0], () -> 1), 64));

        assertThatThrownBy(() -> decoder.read(new byte[1], 0, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
