package io.mailhub.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LineEndsTest {

    private static int naive(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == '\r' || b[i] == '\n') {
                return i;
            }
        }
        return to;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void findsTheFirstCrOrLfInEveryPositionOfAWord() {
        for (int at = 0; at < 20; at++) {
            for (byte end : new byte[] {'\r', '\n'}) {
                byte[] b = ascii("x".repeat(20));
                b[at] = end;
                assertThat(LineEnds.indexOf(b, 0, b.length)).as("%s at %d", end, at).isEqualTo(at);
            }
        }
    }

    @Test
    void returnsTheEndWhenThereIsNoLineEnd() {
        byte[] b = ascii("no line end in here at all, just text");
        assertThat(LineEnds.indexOf(b, 0, b.length)).isEqualTo(b.length);
        assertThat(LineEnds.indexOf(b, 5, 5)).isEqualTo(5);
    }

    @Test
    void looksOnlyInsideTheGivenRange() {
        byte[] b = ascii("\r\nabcdefghijklmnop\r\n");
        assertThat(LineEnds.indexOf(b, 2, 18)).isEqualTo(18);
        assertThat(LineEnds.indexOf(b, 2, 10)).isEqualTo(10);
        assertThat(LineEnds.indexOf(b, 1, 10)).isEqualTo(1);
    }

    @Test
    void isNotFooledByOctetsNextToCrAndLfOrByZeroAndHighOctets() {
        // 0x0C, 0x0E, 0x0B, 0x09, 0x8D, 0x8A differ from CR/LF in one bit; 0x00 and 0xFF stress the borrow arithmetic
        byte[] b = {0x0C, 0x0E, 0x0B, 0x09, (byte) 0x8D, (byte) 0x8A, 0x00, (byte) 0xFF, 0x01, 0x00, 0x0A};
        assertThat(LineEnds.indexOf(b, 0, b.length)).isEqualTo(10);
    }

    @Test
    void agreesWithAnOctetByOctetSearchOnRandomContent() {
        Random random = new Random(42);
        for (int round = 0; round < 5_000; round++) {
            byte[] b = new byte[1 + random.nextInt(64)];
            random.nextBytes(b);
            for (int i = 0; i < b.length; i++) { // make line ends rarer than 2 in 256 now and then
                if ((b[i] == '\r' || b[i] == '\n') && random.nextInt(4) > 0) {
                    b[i] = 'a';
                }
            }
            int from = random.nextInt(b.length);
            int to = from + random.nextInt(b.length - from + 1);
            assertThat(LineEnds.indexOf(b, from, to)).as("round %d", round).isEqualTo(naive(b, from, to));
        }
    }

    private static int naiveWithNul(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] == '\r' || b[i] == '\n' || b[i] == 0) {
                return i;
            }
        }
        return to;
    }

    @Test
    void theContentSearchAlsoStopsAtNulInEveryPositionOfAWord() {
        for (int at = 0; at < 20; at++) {
            byte[] b = ascii("x".repeat(20));
            b[at] = 0;
            assertThat(LineEnds.indexOfLineEndOrNul(b, 0, b.length)).as("NUL at %d", at).isEqualTo(at);
            assertThat(LineEnds.indexOf(b, 0, b.length)).as("the line search ignores NUL").isEqualTo(b.length);
        }
    }

    @Test
    void theContentSearchAgreesWithAnOctetByOctetSearchOnRandomContent() {
        Random random = new Random(43);
        for (int round = 0; round < 5_000; round++) {
            byte[] b = new byte[1 + random.nextInt(64)];
            random.nextBytes(b);
            for (int i = 0; i < b.length; i++) {
                if ((b[i] == '\r' || b[i] == '\n' || b[i] == 0) && random.nextInt(4) > 0) {
                    b[i] = 'a';
                }
            }
            int from = random.nextInt(b.length);
            int to = from + random.nextInt(b.length - from + 1);
            assertThat(LineEnds.indexOfLineEndOrNul(b, from, to)).as("round %d", round)
                    .isEqualTo(naiveWithNul(b, from, to));
        }
    }
}
