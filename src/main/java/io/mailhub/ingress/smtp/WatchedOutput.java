package io.mailhub.ingress.smtp;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The session's socket output, marking the time while a write is under way, so that the listener's watchdog can end a
 * session whose client stopped reading: a blocking socket write has no timeout of its own.
 */
final class WatchedOutput extends FilterOutputStream {

    private volatile long writingSince; // 0 while no write is under way

    WatchedOutput(OutputStream out) {
        super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        writingSince = System.nanoTime() | 1;
        try {
            out.write(b, off, len);
        } finally {
            writingSince = 0;
        }
    }

    @Override
    public void flush() throws IOException {
        writingSince = System.nanoTime() | 1;
        try {
            out.flush();
        } finally {
            writingSince = 0;
        }
    }

    /** Whether a write has been under way for at least {@code limitNanos} at {@code now} ({@code System.nanoTime}). */
    boolean isStalled(long now, long limitNanos) {
        long since = writingSince;
        return since != 0 && now - since >= limitNanos;
    }
}
