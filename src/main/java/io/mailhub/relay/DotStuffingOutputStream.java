package io.mailhub.relay;

import io.mailhub.model.LineEnds;
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

    /**
     * The bulk path: CRLF line ends (what intake stores) pass through inside the copied runs; only a dot at a line
     * start, a bare CR or LF, and a CR at the end of the buffer interrupt a run.
     */
    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        int end = off + len;
        int i = off;
        if (pendingCr && i < end) {
            pendingCr = false;
            out.write('\r');
            out.write('\n');
            lineStart = true;
            if (b[i] == '\n') {
                i++;
            }
        }
        int runStart = i;
        while (i < end) {
            byte c = b[i];
            if (c == '\r') {
                if (i + 1 < end && b[i + 1] == '\n') {
                    i += 2; // CRLF: part of the run
                    lineStart = true;
                    continue;
                }
                out.write(b, runStart, i - runStart);
                i++;
                runStart = i;
                if (i == end) {
                    pendingCr = true; // the LF may come with the next buffer
                } else {
                    out.write('\r'); // a bare CR goes out as CRLF
                    out.write('\n');
                    lineStart = true;
                }
                continue;
            }
            if (c == '\n') {
                out.write(b, runStart, i - runStart); // a bare LF goes out as CRLF
                out.write('\r');
                out.write('\n');
                i++;
                runStart = i;
                lineStart = true;
                continue;
            }
            if (lineStart && c == '.') {
                out.write(b, runStart, i - runStart);
                out.write('.');
                runStart = i; // the dot itself starts the next run
            }
            lineStart = false;
            i = LineEnds.indexOf(b, i + 1, end); // the rest of the line needs no look
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
