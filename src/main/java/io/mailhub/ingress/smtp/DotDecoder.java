package io.mailhub.ingress.smtp;

import java.io.EOFException;
import java.io.IOException;

/**
 * Reads the DATA section (RFC 5321 section 4.5.2): removes the leading dot of stuffed lines and ends exactly at
 * {@code CRLF . CRLF}.
 *
 * <p>A line starts only after CRLF. After a bare LF or a bare CR the next octet is ordinary text, so none of the SMTP
 * smuggling variants ({@code LF . LF}, {@code LF . CRLF}, {@code CRLF . LF}, {@code CR . CR}) ends the data: they
 * stay in the content, where {@link ContentChecker} finds the bare line ends and the message is refused. The decoder
 * never reads past the terminator, so pipelined commands after it stay buffered for the session.
 */
final class DotDecoder {

    private static final int LINE_START = 0;
    private static final int DOT = 1;
    private static final int DOT_CR = 2;
    private static final int TEXT = 3;
    private static final int CR = 4;

    private final SmtpInput in;
    private int state = LINE_START;
    private boolean ended;

    DotDecoder(SmtpInput in) {
        this.in = in;
    }

    /**
     * Reads decoded octets into {@code dst}.
     *
     * @return the number of octets, or -1 once the terminating line has been read
     * @throws EOFException when the client closes the connection before the terminator
     */
    int read(byte[] dst, int off, int len) throws IOException {
        if (ended) {
            return -1;
        }
        if (len < 2) {
            throw new IllegalArgumentException("buffer too small");
        }
        int n = 0;
        while (n < len - 1) {
            if (state == TEXT) {
                // inside a line: copy up to the next CR or LF in bulk; only line ends and line starts need a look
                int k = in.readText(dst, off + n, len - 1 - n);
                if (k < 0) {
                    throw new EOFException("connection closed before the end of DATA");
                }
                if (k > 0) {
                    n += k;
                    continue;
                }
            }
            int c = in.read();
            if (c < 0) {
                throw new EOFException("connection closed before the end of DATA");
            }
            if (state == LINE_START && c == '.') {
                state = DOT;
                continue;
            }
            if (state == DOT) {
                if (c == '\r') {
                    state = DOT_CR;
                    continue;
                }
                state = TEXT; // the stuffed dot is dropped
            } else if (state == DOT_CR) {
                if (c == '\n') {
                    ended = true;
                    return n == 0 ? -1 : n;
                }
                dst[off + n++] = '\r'; // ".\r" followed by text: the CR is content (a bare CR)
                state = TEXT;
            }
            boolean afterCr = state == CR;
            dst[off + n++] = (byte) c;
            if (c == '\r') {
                state = CR;
            } else if (c == '\n' && afterCr) {
                state = LINE_START;
            } else {
                state = TEXT;
            }
        }
        return n;
    }

    /** Reads and discards the rest of the DATA section. */
    void drain() throws IOException {
        byte[] scratch = new byte[8192];
        while (read(scratch, 0, scratch.length) >= 0) {
            // discard
        }
    }
}
