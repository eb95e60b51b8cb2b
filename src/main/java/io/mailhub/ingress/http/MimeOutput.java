package io.mailhub.ingress.http;

import io.mailhub.acceptance.Spool;
import io.mailhub.cleanup.HeaderScanner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Where a built message goes: a buffer in front of its spool and the scan of its header, so that neither is called
 * per octet. The encoders write octets with {@link #put(int)} (a final method the JIT inlines into a store); large
 * blocks pass the buffer by.
 */
final class MimeOutput {

    private static final byte[] CRLF = {'\r', '\n'};

    private final Spool spool;
    private final HeaderScanner scan;
    private final byte[] buf = new byte[4096];
    private int pos;

    MimeOutput(Spool spool, HeaderScanner scan) {
        this.spool = spool;
        this.scan = scan;
    }

    void put(int b) throws IOException {
        if (pos == buf.length) {
            drain();
        }
        buf[pos++] = (byte) b;
    }

    void write(byte[] b, int off, int len) throws IOException {
        if (len > buf.length - pos) {
            drain();
            if (len >= buf.length / 2) {
                pass(b, off, len);
                return;
            }
        }
        System.arraycopy(b, off, buf, pos, len);
        pos += len;
    }

    void write(byte[] b) throws IOException {
        write(b, 0, b.length);
    }

    /** Text as UTF-8: header sections (ASCII but for a non-ASCII local part) and boundary lines. */
    void write(CharSequence s) throws IOException {
        write(s.toString().getBytes(StandardCharsets.UTF_8));
    }

    void crlf() throws IOException {
        write(CRLF, 0, 2);
    }

    /** Writes out what is buffered; call it once at the end. */
    void flush() throws IOException {
        drain();
    }

    private void drain() throws IOException {
        if (pos > 0) {
            pass(buf, 0, pos);
            pos = 0;
        }
    }

    private void pass(byte[] b, int off, int len) throws IOException {
        scan.update(b, off, len);
        spool.write(b, off, len);
    }
}
