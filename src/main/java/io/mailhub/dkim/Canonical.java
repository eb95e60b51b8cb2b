package io.mailhub.dkim;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;

/** The "relaxed" canonicalizations of RFC 6376 section 3.4.2 (header fields) and 3.4.4 (body). */
final class Canonical {

    private Canonical() {}

    /**
     * One header field, relaxed: name in lower case, unfolded, runs of WSP as one space, no WSP around the colon or at
     * the end; ends in CRLF.
     */
    static String header(String field) {
        int colon = field.indexOf(':');
        String name = field.substring(0, colon).strip().toLowerCase(Locale.ROOT);
        String value = field.substring(colon + 1).replace("\r\n", "");
        StringBuilder sb = new StringBuilder(name.length() + value.length() + 3).append(name).append(':');
        boolean space = false;
        boolean started = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == ' ' || c == '\t') {
                space = true;
                continue;
            }
            if (c == '\r' || c == '\n') {
                continue; // stray line-end characters of a malformed field: dropped like folding
            }
            if (space && started) {
                sb.append(' ');
            }
            space = false;
            started = true;
            sb.append(c);
        }
        return sb.append("\r\n").toString();
    }

    /**
     * The body, relaxed, fed octet by octet into a digest: WSP runs become one space, WSP at line ends and empty lines
     * at the end of the body are dropped, and a non-empty body ends in CRLF. Streams: memory does not grow with the
     * body, only with a run of empty lines (counted, not stored).
     */
    static final class Body extends OutputStream {
        private final Sink sink;
        private long emptyLines;
        private boolean lineHasText;
        private boolean pendingSpace;
        private boolean pendingCr;

        Body(MessageDigest digest) {
            this(digest, -1);
        }

        /** @param limit hash only the first {@code limit} canonical octets ({@code l=}); -1 for all */
        Body(MessageDigest digest, long limit) {
            this.sink = new Sink(digest, limit);
        }

        @Override
        public void write(int b) {
            if (pendingCr) {
                pendingCr = false;
                if (b == '\n') {
                    endLine();
                    return;
                }
                text('\r'); // a lone CR is text
            }
            if (b == '\r') {
                pendingCr = true;
            } else if (b == ' ' || b == '\t') {
                pendingSpace = true;
            } else {
                text(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }

        private void text(int b) {
            if (!lineHasText) {
                for (; emptyLines > 0; emptyLines--) {
                    put('\r');
                    put('\n');
                }
                lineHasText = true;
            }
            if (pendingSpace) {
                put(' '); // also a leading run: "  x" becomes " x"
            }
            pendingSpace = false;
            put(b);
        }

        private void endLine() {
            if (lineHasText) {
                put('\r');
                put('\n');
            } else {
                emptyLines++;
            }
            lineHasText = false;
            pendingSpace = false;
        }

        private void put(int b) {
            sink.put(b);
        }

        /** Ends the body and returns its hash. */
        byte[] finish() {
            if (pendingCr) {
                pendingCr = false;
                text('\r');
            }
            if (lineHasText) {
                put('\r');
                put('\n');
            }
            return sink.digest();
        }
    }


    /**
     * The body, "simple" (section 3.4.3): as it is, except that empty lines at the end are dropped and it ends in
     * exactly one CRLF (an empty body is one CRLF).
     */
    static final class SimpleBody extends OutputStream {
        private final Sink sink;
        private long pendingCrlf;
        private boolean pendingCr;

        /** @param limit hash only the first {@code limit} canonical octets ({@code l=}); -1 for all */
        SimpleBody(MessageDigest digest, long limit) {
            this.sink = new Sink(digest, limit);
        }

        @Override
        public void write(int b) {
            if (pendingCr) {
                pendingCr = false;
                if (b == '\n') {
                    pendingCrlf++;
                    return;
                }
                flushLineEnds();
                sink.put('\r');
            }
            if (b == '\r') {
                pendingCr = true;
                return;
            }
            flushLineEnds();
            sink.put(b);
        }

        private void flushLineEnds() {
            for (; pendingCrlf > 0; pendingCrlf--) {
                sink.put('\r');
                sink.put('\n');
            }
        }

        byte[] finish() {
            if (pendingCr) {
                flushLineEnds();
                sink.put('\r');
            }
            sink.put('\r'); // trailing empty lines collapse into the one line end every body ends with
            sink.put('\n');
            return sink.digest();
        }
    }

    /** Canonical octets into a digest through a buffer, up to an optional limit ({@code l=}). */
    private static final class Sink {
        private final MessageDigest digest;
        private final long limit;
        private final byte[] out = new byte[8192];
        private int n;
        private long total;

        Sink(MessageDigest digest, long limit) {
            this.digest = digest;
            this.limit = limit;
        }

        void put(int b) {
            if (limit >= 0 && total++ >= limit) {
                return;
            }
            if (n == out.length) {
                digest.update(out, 0, n);
                n = 0;
            }
            out[n++] = (byte) b;
        }

        byte[] digest() {
            digest.update(out, 0, n);
            n = 0;
            return digest.digest();
        }
    }
}
