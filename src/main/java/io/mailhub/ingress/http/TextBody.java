package io.mailhub.ingress.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * A text/plain or text/html body: UTF-8 with every line end as CRLF ({@link #crlf}), in the transfer encoding its
 * content needs (RFC 2045 section 6): 7bit when every octet is printable ASCII, TAB or a line end and no line is over
 * 998 octets; base64 when more than a third of the octets are something else; quoted-printable otherwise.
 */
final class TextBody {

    private final byte[] bytes;
    private final String encoding;

    private TextBody(byte[] bytes, String encoding) {
        this.bytes = bytes;
        this.encoding = encoding;
    }

    static TextBody of(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        int bare = 0; // line ends that are not CRLF
        int other = 0;
        int line = 0;
        int longest = 0;
        for (int i = 0; i < b.length; i++) {
            int c = b[i];
            if (c == '\r' || c == '\n') {
                if (c == '\r' && i + 1 < b.length && b[i + 1] == '\n') {
                    i++;
                } else {
                    bare++;
                }
                longest = Math.max(longest, line);
                line = 0;
            } else {
                line++;
                other += c < ' ' && c != '\t' || c == 0x7f ? 1 : 0; // and every octet of a non-ASCII character
            }
        }
        longest = Math.max(longest, line);
        String encoding = other == 0 && longest <= HeaderWriter.MAX_LINE ? "7bit"
                : other * 3 > b.length + bare ? "base64" : "quoted-printable";
        return new TextBody(bare == 0 ? b : crlf(b, bare), encoding);
    }

    /** {@code b} with each lone CR and lone LF as CRLF. */
    static byte[] crlf(byte[] b) {
        int bare = 0;
        for (int i = 0; i < b.length; i++) {
            if (b[i] == '\r' && i + 1 < b.length && b[i + 1] == '\n') {
                i++;
            } else if (b[i] == '\r' || b[i] == '\n') {
                bare++;
            }
        }
        return bare == 0 ? b : crlf(b, bare);
    }

    private static byte[] crlf(byte[] b, int bare) {
        byte[] out = new byte[b.length + bare];
        int o = 0;
        for (int i = 0; i < b.length; i++) {
            byte c = b[i];
            if (c == '\r' || c == '\n') {
                out[o++] = '\r';
                out[o++] = '\n';
                if (c == '\r' && i + 1 < b.length && b[i + 1] == '\n') {
                    i++;
                }
            } else {
                out[o++] = c;
            }
        }
        return out;
    }

    /** The Content-Transfer-Encoding. */
    String encoding() {
        return encoding;
    }

    /** Writes the encoded content, without a line break after it. */
    void writeTo(MimeOutput out) throws IOException {
        switch (encoding) {
            case "7bit" -> out.write(bytes);
            case "base64" -> Base64Lines.write(bytes, out);
            default -> out.write(io.mailhub.model.QuotedPrintable.encode(bytes));
        }
    }
}
