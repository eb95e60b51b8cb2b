package io.mailhub.model;

import java.io.ByteArrayOutputStream;

/**
 * The quoted-printable encoding of RFC 2045 section 6.7 for text with CRLF line ends: CRLF stays a hard line break,
 * printable ASCII but {@code =} stays as it is, every other octet becomes {@code =XX}, as do a space or TAB that would
 * end a line; soft line breaks ({@code =} CRLF) keep every line within 76 characters and never split an {@code =XX}.
 */
public final class QuotedPrintable {

    /** RFC 2045 section 6.7 (5): encoded lines are at most 76 characters long. */
    static final int LINE = 76;

    private static final byte[] HEX = {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'A', 'B', 'C', 'D', 'E', 'F'};

    private QuotedPrintable() {}

    /** {@code b} encoded, without a line break after the last line. */
    public static byte[] encode(byte[] b) {
        int length = b.length;
        ByteArrayOutputStream out = new ByteArrayOutputStream(length + length / 8 + 16);
        int column = 0;
        for (int i = 0; i < length; i++) {
            int c = b[i] & 0xff;
            if (c == '\r' && i + 1 < length && b[i + 1] == '\n') {
                out.write('\r');
                out.write('\n');
                column = 0;
                i++;
                continue;
            }
            boolean endsLine = i + 1 == length || b[i + 1] == '\r' && i + 2 < length && b[i + 2] == '\n';
            boolean literal = c >= '!' && c <= '~' && c != '=' || (c == ' ' || c == '\t') && !endsLine;
            int width = literal ? 1 : 3;
            if (column + width > (endsLine ? LINE : LINE - 1)) {
                out.write('=');
                out.write('\r');
                out.write('\n');
                column = 0;
            }
            if (literal) {
                out.write(c);
            } else {
                out.write('=');
                out.write(HEX[c >> 4]);
                out.write(HEX[c & 15]);
            }
            column += width;
        }
        return out.toByteArray();
    }

    /**
     * Decodes quoted-printable text leniently: {@code =XX} (either case) becomes its octet, {@code =} at the end of a
     * line (soft break) disappears with the line end, trailing blanks of a line are dropped, and an {@code =} that
     * starts neither stays as it is.
     */
    public static byte[] decode(byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(b.length);
        int lineStart = 0;
        for (int i = 0; i <= b.length; i++) {
            if (i == b.length || b[i] == '\n') {
                int end = i > lineStart && b[i - 1] == '\r' ? i - 1 : i;
                while (end > lineStart && (b[end - 1] == ' ' || b[end - 1] == '\t')) {
                    end--;
                }
                boolean soft = end > lineStart && b[end - 1] == '=';
                decodeLine(b, lineStart, soft ? end - 1 : end, out);
                if (!soft && i < b.length) {
                    out.write('\r');
                    out.write('\n');
                }
                lineStart = i + 1;
            }
        }
        return out.toByteArray();
    }

    private static void decodeLine(byte[] b, int from, int to, ByteArrayOutputStream out) {
        for (int i = from; i < to; i++) {
            int hi = i + 2 < to ? Character.digit(b[i + 1], 16) : -1;
            int lo = i + 2 < to ? Character.digit(b[i + 2], 16) : -1;
            if (b[i] == '=' && hi >= 0 && lo >= 0) {
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                out.write(b[i]);
            }
        }
    }
}
