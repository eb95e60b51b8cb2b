package io.mailhub.ingress.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** A request body cut off with an exception once it is longer than a limit, however it is sent (chunked or not). */
final class LimitedInputStream extends FilterInputStream {

    /** The body went over the limit. */
    static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;
        final long limit;

        TooLarge(long limit) {
            super("the request is larger than " + limit + " octets");
            this.limit = limit;
        }
    }

    /** The problem for a body over {@code limit} octets (413). */
    static ApiProblem tooLarge(long limit) {
        return new ApiProblem(413, "message-too-big", "The request is too big", "the request is larger than " + limit
                + " octets", java.util.List.of(), "5.3.4", 0);
    }

    private final long limit;
    private long read;

    LimitedInputStream(InputStream in, long limit) {
        super(in);
        this.limit = limit;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
            count(1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            count(n);
        }
        return n;
    }

    private void count(int n) throws IOException {
        read += n;
        if (read > limit) {
            throw new TooLarge(limit);
        }
    }
}
