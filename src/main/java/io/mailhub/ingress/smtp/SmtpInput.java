package io.mailhub.ingress.smtp;

import io.mailhub.model.LineEnds;
import java.io.EOFException;
import java.io.Flushable;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * Buffered reading from the client socket: command lines with a length limit, and raw octets for DATA and BDAT.
 *
 * <p>Command lines must end in CRLF. A line longer than the limit is consumed up to its end and reported as too long,
 * so the session can answer it and carry on in step with the client.
 *
 * <p>Time limits are deadlines, as Postfix's {@code smtpd_timeout} with {@code smtpd_per_request_deadline}: a command
 * line must be complete within the timeout of when the session started waiting for it ({@link #expectCommand()}), so a
 * client sending one octet now and then cannot hold its session; DATA and BDAT content gets the timeout plus one
 * second for every {@code minDataRate} octets received ({@link #expectContent()}). Each single read also waits no
 * longer than the timeout. A deadline that passes ends the read with {@link SocketTimeoutException}.
 *
 * <p>Before any read that may block, pending replies are flushed ({@code replies}): a client whose write ended in the
 * middle of a line must still see every answer it is owed (a withheld "250 queued as" makes a retry and a duplicate).
 */
final class SmtpInput {

    /**
     * A command line as read: its text (without CRLF) or the reason it cannot be used. A line that is not valid UTF-8
     * ({@link Problem#BAD_UTF8}) still has its text, decoded with replacement characters, so the verb can be seen.
     */
    record Line(String text, Problem problem) {}

    enum Problem {
        NONE,
        TOO_LONG,
        BARE_LF,
        BARE_CR,
        /** Octets that are not UTF-8 (RFC 3629): overlong forms, surrogates, stray continuation or Latin-1 octets. */
        BAD_UTF8
    }

    private final InputStream in;
    private final byte[] buf;
    private final ReadTimeout socket;
    private final LongSupplier clock;
    private final Flushable replies;
    private final long timeoutNanos;
    private final long nanosPerOctet;
    private int pos;
    private int limit;
    private long deadline;
    private boolean content;

    /** Sets the time a single read may block: the socket's {@code setSoTimeout}. */
    interface ReadTimeout {
        void set(int millis) throws IOException;
    }

    /**
     * @param socket sets the read timeout of the socket {@code in} reads from, before each read
     * @param replies flushed before a read that may block
     * @param timeout the deadline for a command line, and the base of the deadline for content
     * @param minDataRate octets per second that extend the deadline of content by one second each
     */
    SmtpInput(InputStream in, int bufferSize, ReadTimeout socket, Flushable replies, Duration timeout,
            long minDataRate) {
        this(in, bufferSize, socket, replies, timeout, minDataRate, System::nanoTime);
    }

    /** @param nanoClock {@code System::nanoTime}, or a test's clock */
    SmtpInput(InputStream in, int bufferSize, ReadTimeout socket, Flushable replies, Duration timeout,
            long minDataRate, LongSupplier nanoClock) {
        this.clock = nanoClock;
        this.in = in;
        this.buf = new byte[bufferSize];
        this.socket = socket;
        this.replies = replies;
        this.timeoutNanos = timeout.toNanos();
        this.nanosPerOctet = minDataRate > 0 ? Math.max(1, 1_000_000_000L / minDataRate) : 0;
        expectCommand();
    }

    /** The next read starts a command line (or an AUTH answer): it must be complete within the timeout from now. */
    void expectCommand() {
        deadline = clock.getAsLong() + timeoutNanos;
        content = false;
    }

    /** Message content follows: the timeout from now, extended as octets arrive (the minimum data rate). */
    void expectContent() {
        deadline = clock.getAsLong() + timeoutNanos;
        content = true;
    }

    /** Whether buffered input is waiting: a pipelining client sent more commands than were answered so far. */
    boolean hasBuffered() {
        return pos < limit;
    }

    /** Octets read from the connection but not consumed yet. */
    int buffered() {
        return limit - pos;
    }

    /** Forgets everything buffered (used after STARTTLS, where plaintext read ahead must be discarded). */
    void discardBuffered() {
        pos = limit;
    }

    /**
     * Reads one command line of at most {@code maxLength} octets including CRLF.
     *
     * @return the line, or {@code null} at end of stream before any octet
     */
    Line readLine(int maxLength) throws IOException {
        int max = maxLength - 2;
        byte[] line = new byte[Math.min(max, 256)];
        int len = 0;
        boolean tooLong = false;
        boolean bareCr = false;
        boolean pendingCr = false;
        boolean any = false;
        while (true) {
            if (pos == limit && !fill()) {
                if (!any) {
                    return null;
                }
                throw new EOFException("connection closed in the middle of a command line");
            }
            any = true;
            byte b = buf[pos++];
            if (b == '\n') {
                if (tooLong) {
                    return new Line(null, Problem.TOO_LONG);
                }
                if (!pendingCr) {
                    return new Line(null, Problem.BARE_LF);
                }
                if (bareCr) {
                    return new Line(null, Problem.BARE_CR);
                }
                return decode(line, len);
            }
            if (pendingCr) {
                bareCr = true;
            }
            pendingCr = b == '\r';
            if (pendingCr) {
                continue;
            }
            if (len >= max) {
                tooLong = true;
                continue;
            }
            if (len == line.length) {
                line = Arrays.copyOf(line, Math.min(max, line.length * 2));
            }
            line[len++] = b;
        }
    }

    private SocketTimeoutException deadlineExceeded() {
        return new SocketTimeoutException(content ? "message content deadline exceeded" : "command deadline exceeded");
    }

    /** The line as text; strictly UTF-8, never with an octet silently replaced. */
    private static Line decode(byte[] line, int len) {
        for (int i = 0; i < len; i++) {
            if (line[i] < 0) {
                try {
                    String text = StandardCharsets.UTF_8.newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(line, 0, len))
                            .toString();
                    return new Line(text, Problem.NONE);
                } catch (CharacterCodingException e) {
                    return new Line(new String(line, 0, len, StandardCharsets.UTF_8), Problem.BAD_UTF8);
                }
            }
        }
        return new Line(new String(line, 0, len, StandardCharsets.ISO_8859_1), Problem.NONE);
    }

    /** Reads one octet, or -1 at end of stream. */
    int read() throws IOException {
        if (pos == limit && !fill()) {
            return -1;
        }
        return buf[pos++] & 0xff;
    }

    /** Reads up to {@code len} octets, at least one unless at end of stream (then -1). */
    int read(byte[] dst, int off, int len) throws IOException {
        if (pos == limit && !fill()) {
            return -1;
        }
        int n = Math.min(len, limit - pos);
        System.arraycopy(buf, pos, dst, off, n);
        pos += n;
        return n;
    }

    /**
     * Copies buffered octets up to the next CR or LF (exclusive), at most {@code len}, filling the buffer first if it
     * is empty: the bulk path for the text of DATA lines.
     *
     * @return the number of octets copied (0 when a CR or LF is next), or -1 at end of stream
     */
    int readText(byte[] dst, int off, int len) throws IOException {
        if (pos == limit && !fill()) {
            return -1;
        }
        int start = pos;
        int end = Math.min(limit, start + len);
        int i = LineEnds.indexOf(buf, start, end);
        int n = i - start;
        System.arraycopy(buf, start, dst, off, n);
        pos = i;
        return n;
    }

    private boolean fill() throws IOException {
        if (in.available() <= 0) {
            replies.flush(); // the read may block: the client must have every reply it is waiting for
        }
        long remaining = deadline - clock.getAsLong();
        if (remaining <= 0) {
            throw deadlineExceeded();
        }
        // the socket's timer and ours disagree by up to a millisecond: a read bounded by the deadline that times out
        // has met the deadline, whatever our clock says a moment later
        boolean boundedByDeadline = remaining <= timeoutNanos;
        socket.set((int) Math.max(1, (Math.min(remaining, timeoutNanos) + 999_999) / 1_000_000));
        int n;
        try {
            n = in.read(buf, 0, buf.length);
        } catch (SocketTimeoutException e) {
            throw boundedByDeadline || deadline - clock.getAsLong() <= 0 ? deadlineExceeded() : e;
        }
        if (n <= 0) {
            return false;
        }
        if (content) {
            deadline += n * nanosPerOctet;
        }
        pos = 0;
        limit = n;
        return true;
    }
}
