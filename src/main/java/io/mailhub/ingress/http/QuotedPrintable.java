package io.mailhub.ingress.http;

import java.io.IOException;

/**
 * The quoted-printable encoding of RFC 2045 section 6.7 for text with CRLF line ends: CRLF stays a hard line break,
 * printable ASCII but {@code =} stays as it is, every other octet becomes {@code =XX}, as do a space or TAB that would
 * end a line; soft line breaks ({@code =} CRLF) keep every line within 76 characters and never split an {@code =XX}.
 */
final class QuotedPrintable {

    /** RFC 2045 section 6.7 (5): encoded lines are at most 76 characters long. */
    static final int LINE = 76;

    private static final byte[] HEX = {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'A', 'B', 'C', 'D', 'E', 'F'};

    private QuotedPrintable() {}

    /** Writes {@code b[0..length)} encoded, without a line break after the last line. */
    static void write(byte[] b, int length, MimeOutput out) throws IOException {
        int column = 0;
        for (int i = 0; i < length; i++) {
            int c = b[i] & 0xff;
            if (c == '\r' && i + 1 < length && b[i + 1] == '\n') {
                out.put('\r');
                out.put('\n');
                column = 0;
                i++;
                continue;
            }
            boolean endsLine = i + 1 == length || b[i + 1] == '\r' && i + 2 < length && b[i + 2] == '\n';
            boolean literal = c >= '!' && c <= '~' && c != '=' || (c == ' ' || c == '\t') && !endsLine;
            int width = literal ? 1 : 3;
            if (column + width > (endsLine ? LINE : LINE - 1)) {
                out.put('=');
                out.put('\r');
                out.put('\n');
                column = 0;
            }
            if (literal) {
                out.put(c);
            } else {
                out.put('=');
                out.put(HEX[c >> 4]);
                out.put(HEX[c & 15]);
            }
            column += width;
        }
    }
}
