package io.mailhub.ingress.smtp;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Deadlines and flushing of the session's input, on a clock that moves only when the client "sends" an octet. */
class SmtpInputTest {

    private static final long SECOND = 1_000_000_000L;

    private long now;
    private final List<Integer> readTimeouts = new ArrayList<>();
    private int flushes;

    /** A client that sends one octet per read and takes {@code secondsPerOctet} for each. */
    private InputStream slowClient(String text, long secondsPerOctet) {
        byte[] b = text.getBytes(ISO_8859_1);
        return new InputStream() {
            private int pos;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] dst, int off, int len) {
                if (pos == b.length) {
                    return -1;
                }
                now += secondsPerOctet * SECOND;
                dst[off] = b[pos++];
                return 1;
            }
        };
    }

    private SmtpInput input(InputStream in, Duration timeout, long minDataRate) {
        return new SmtpInput(in, 64, readTimeouts::add, () -> flushes++, timeout, minDataRate, () -> now);
    }

    @Test
    void aCommandLineSentOneOctetAtATimeMustStillBeCompleteWithinTheTimeout() {
        SmtpInput in = input(slowClient("NOOP NOOP NOOP\r\n", 4), Duration.ofSeconds(10), 0);
        in.expectCommand();

        assertThatThrownBy(() -> in.readLine(512)).isInstanceOf(SocketTimeoutException.class)
                .hasMessageContaining("command deadline");
        assertThat(now).isLessThanOrEqualTo(12 * SECOND);
    }

    @Test
    void eachReadWaitsNoLongerThanWhatIsLeftOfTheDeadline() throws Exception {
        SmtpInput in = input(slowClient("QUIT\r\n", 1), Duration.ofSeconds(10), 0);
        in.expectCommand();

        assertThat(in.readLine(512).text()).isEqualTo("QUIT");
        assertThat(readTimeouts).containsExactly(10_000, 9_000, 8_000, 7_000, 6_000, 5_000);
    }

    @Test
    void aReadThatTimesOutJustBeforeTheDeadlineByOurClockStillReportsTheDeadline() {
        // the socket's timer fires in whole milliseconds and may end a little before our nanosecond clock's deadline
        InputStream timesOutEarly = new InputStream() {
            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] dst, int off, int len) throws SocketTimeoutException {
                now += 10 * SECOND - 300_000;
                throw new SocketTimeoutException("Read timed out");
            }
        };
        SmtpInput in = input(timesOutEarly, Duration.ofSeconds(10), 0);
        in.expectCommand();

        assertThatThrownBy(() -> in.readLine(512)).isInstanceOf(SocketTimeoutException.class)
                .hasMessage("command deadline exceeded");
    }

    @Test
    void aSlowReadWithinContentWhoseDeadlineIsFarStillReportsAPlainReadTimeout() {
        InputStream silent = new InputStream() {
            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] dst, int off, int len) throws SocketTimeoutException {
                if (len > 0 && now == 0) {
                    now += SECOND / 100;
                    java.util.Arrays.fill(dst, off, off + len, (byte) 'x');
                    return len;
                }
                now += 5 * SECOND;
                throw new SocketTimeoutException("Read timed out");
            }
        };
        // 64 octets at 1 octet per second earn 64 s: the second read is bounded by the 5 s timeout, not the deadline
        SmtpInput in = input(silent, Duration.ofSeconds(5), 1);
        in.expectContent();
        byte[] buf = new byte[64];

        assertThatThrownBy(() -> {
            in.read(buf, 0, 64);
            in.read(buf, 0, 64);
        }).isInstanceOf(SocketTimeoutException.class).hasMessage("Read timed out");
    }

    @Test
    void aCommandInTimeResetsTheDeadlineForTheNext() throws Exception {
        SmtpInput in = input(slowClient("NOOP\r\nNOOP\r\nNOOP\r\n", 1), Duration.ofSeconds(10), 0);
        for (int i = 0; i < 3; i++) {
            in.expectCommand();
            assertThat(in.readLine(512).text()).isEqualTo("NOOP");
        }
    }

    @Test
    void contentGetsTheTimeoutPlusASecondPerMinimumRateOfOctets() throws Exception {
        // 2 octets per second earn 0.5 s each: 40 octets at 0.25 s each (10 s) pass a 5 s timeout
        SmtpInput fast = input(slowClient("x".repeat(40), 0) , Duration.ofSeconds(5), 2);
        fast.expectContent();
        byte[] buf = new byte[64];
        int total = 0;
        for (int i = 0; i < 40; i++) {
            now += SECOND / 4;
            total += fast.read(buf, 0, 64);
        }
        assertThat(total).isEqualTo(40);

        // slower than the minimum rate: the deadline passes
        SmtpInput slow = input(slowClient("x".repeat(40), 1), Duration.ofSeconds(5), 2);
        slow.expectContent();
        assertThatThrownBy(() -> {
            for (int i = 0; i < 40; i++) {
                slow.read(buf, 0, 64);
            }
        }).isInstanceOf(SocketTimeoutException.class).hasMessageContaining("content deadline");
    }

    @Test
    void pendingRepliesAreFlushedBeforeEveryReadThatMayBlock() throws Exception {
        SmtpInput in = input(new ChunkedInputStream("RCPT TO:<a@b.test>\r\n".getBytes(ISO_8859_1), () -> 7),
                Duration.ofMinutes(1), 0);
        in.readLine(512);

        assertThat(flushes).as("one flush before each of the three reads of a line split in 7-octet pieces")
                .isEqualTo(3);
    }
}
