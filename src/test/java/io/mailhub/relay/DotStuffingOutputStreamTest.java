package io.mailhub.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DotStuffingOutputStreamTest {

    private static String send(String content, int... chunks) throws IOException {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        DotStuffingOutputStream out = new DotStuffingOutputStream(wire);
        byte[] b = content.getBytes(StandardCharsets.ISO_8859_1);
        int pos = 0;
        for (int c : chunks) {
            int n = Math.min(c, b.length - pos);
            if (n == 1) {
                out.write(b[pos] & 0xff); // the single-octet path too
            } else {
                out.write(b, pos, n);
            }
            pos += n;
        }
        out.write(b, pos, b.length - pos);
        out.finish();
        return wire.toString(StandardCharsets.ISO_8859_1);
    }

    /** The rule written plainly: every line end becomes CRLF, a line starting with a dot gets another, then ".CRLF". */
    private static String reference(String content) {
        String normalized = content.replace("\r\n", "\n").replace('\r', '\n');
        StringBuilder sb = new StringBuilder();
        String[] lines = normalized.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            boolean last = i == lines.length - 1;
            if (last && lines[i].isEmpty()) {
                break;
            }
            sb.append(lines[i].startsWith(".") ? "." : "").append(lines[i]).append("\r\n");
        }
        return sb.append(".\r\n").toString();
    }

    @Test
    void crlfContentPassesThroughAndLeadingDotsAreDoubled() throws IOException {
        assertThat(send("a\r\n.b\r\n..\r\n.\r\nc\r\n")).isEqualTo("a\r\n..b\r\n...\r\n..\r\nc\r\n.\r\n");
    }

    @Test
    void bareCrAndBareLfGoOutAsCrlfSoTheyCanNeverEndTheData() throws IOException {
        assertThat(send("a\n.\nb\r.\rc")).isEqualTo("a\r\n..\r\nb\r\n..\r\nc\r\n.\r\n");
    }

    @Test
    void aCrAtTheEndOfOneBufferAndItsLfInTheNextStayOneLineEnd() throws IOException {
        assertThat(send("a\r\n.b", 2)).isEqualTo("a\r\n..b\r\n.\r\n");
        assertThat(send("a\r\r\n", 2)).isEqualTo("a\r\n\r\n.\r\n");
    }

    @Test
    void anyContentInAnyChunkingMatchesThePlainRule() throws IOException {
        Random random = new Random(20261124);
        char[] alphabet = {'a', 'b', '.', '.', '\r', '\n', '\r'};
        for (int round = 0; round < 2000; round++) {
            StringBuilder content = new StringBuilder();
            int length = random.nextInt(40);
            for (int i = 0; i < length; i++) {
                content.append(alphabet[random.nextInt(alphabet.length)]);
            }
            int[] chunks = new int[random.nextInt(6)];
            for (int i = 0; i < chunks.length; i++) {
                chunks[i] = random.nextInt(8);
            }
            assertThat(send(content.toString(), chunks)).as("content %s in chunks %s",
                    content.toString().replace("\r", "\\r").replace("\n", "\\n"), java.util.Arrays.toString(chunks))
                    .isEqualTo(reference(content.toString()));
        }
    }
}
