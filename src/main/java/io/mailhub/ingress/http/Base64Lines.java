package io.mailhub.ingress.http;

import io.mailhub.model.MessageContent;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Base64;

/**
 * Base64 in lines of 76 characters (RFC 2045 section 6.8) separated by CRLF, without a line break after the last
 * one. An attachment is read from its spool in blocks of whole lines, so that it is never whole in memory.
 */
final class Base64Lines {

    /** Octets of one 76-character line. */
    private static final int LINE = 57;

    private static final int BLOCK = LINE * 128;

    private static final Base64.Encoder MIME = Base64.getMimeEncoder();

    private Base64Lines() {}

    static void write(byte[] b, MimeOutput out) throws IOException {
        out.write(MIME.encode(b));
    }

    static void write(MessageContent content, MimeOutput out) throws IOException {
        long size = content.size();
        int block = (int) Math.min(BLOCK, Math.max(LINE, (size + LINE - 1) / LINE * LINE));
        byte[] in = new byte[block];
        byte[] encoded = new byte[block / LINE * 78];
        try (InputStream s = content.openStream()) {
            boolean first = true;
            for (int n; (n = s.readNBytes(in, 0, block)) > 0; first = false) {
                if (!first) {
                    out.crlf();
                }
                int length = n == block ? MIME.encode(in, encoded) : MIME.encode(Arrays.copyOf(in, n), encoded);
                out.write(encoded, 0, length);
            }
        }
    }
}
