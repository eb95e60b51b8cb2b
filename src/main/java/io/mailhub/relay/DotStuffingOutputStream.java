package io.mailhub.relay;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes message content for DATA (RFC 5321 section 4.5.2): a dot at the start of a line is doubled, and every line
 * end goes out as CRLF. A bare CR or LF in the content (which intake refuses, but a route could create) becomes CRLF,
 * so what we send can never smuggle an end of data to the next hop. {@link #finish()} ends the last line if needed
 * and writes the terminating {@code .CRLF}.
 */
final class DotStuffingOutputStream extends FilterOutputStream {

    private boolean lineStart = true;
    private boolean pendingCr;

    DotStuffingOutputStream(OutputStream out) {
        super(out);
    }

    @Override
    public void write(int b) throws IOException {
        if (pendingCr) {
            pendingCr = false;
            out.write('\r');
            out.write('\n');
            lineStart = true;
            if (b == '\n') {
                return;
            }
        }
        if (b == '\r') {
            pendingCr = true;
            return;
        }
        if (b == '\n') {
            out.write('\r');
            out.write('\n');
            lineStart = true;
            return;
        }
        if (lineStart && b == '.') {
            out.write('.');
        }
        out.write(b);
        lineStart = false;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        int runStart = off;
        int end = off + len;
        for (int i = off; i < end; i++) {
            byte c = b[i];
            boolean plain = c != '\r' && c != '\n' && !(c == '.' && lineStart) && !pendingCr;
            if (plain) {
                lineStart = false;
                continue;
            }
            out.write(b, runStart, i - runStart);
            write(c & 0xff);
            runStart = i + 1;
        }
        out.write(b, runStart, end - runStart);
    }

    /** Ends the content: CRLF if the last line is open, then the terminating dot line. Does not close the stream. */
    void finish() throws IOException {
        if (pendingCr) {
            pendingCr = false;
            out.write('\r');
            out.write('\n');
            lineStart = true;
        }
        if (!lineStart) {
            out.write('\r');
            out.write('\n');
        }
        out.write('.');
        out.write('\r');
        out.write('\n');
    }

    @Override
    public void close() {
        throw new UnsupportedOperationException("the connection outlives the message; call finish()");
    }
}
