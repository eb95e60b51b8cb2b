package io.mailhub.model;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Finds the next CR or LF in message content, eight octets at a time. Reading, checking and writing a message are
 * mostly this search (a 1 MB body has some 13,000 lines and a million octets between them), so it looks at one
 * {@code long} per step instead of one octet, with the usual "has a zero byte" arithmetic on the word XORed with CR
 * and with LF. The content check also looks for NUL in the same pass ({@link #indexOfLineEndOrNul}).
 */
public final class LineEnds {

    private static final VarHandle WORDS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final long CRS = ONES * '\r';
    private static final long LFS = ONES * '\n';

    private LineEnds() {}

    /** Index of the first CR or LF in {@code b[from, to)}, or {@code to} when there is none. */
    public static int indexOf(byte[] b, int from, int to) {
        int i = from;
        for (; i <= to - Long.BYTES; i += Long.BYTES) {
            long word = (long) WORDS.get(b, i);
            long found = zeroBytes(word ^ CRS) | zeroBytes(word ^ LFS);
            if (found != 0) {
                // little endian: the lowest marked byte is the first; only bytes above a true zero can be marked falsely
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
        }
        for (; i < to; i++) {
            byte c = b[i];
            if (c == '\r' || c == '\n') {
                return i;
            }
        }
        return to;
    }

    /**
     * Index of the first CR, LF or NUL in {@code b[from, to)}, or {@code to} when there is none: the content check's
     * search, since NUL is not allowed in 7bit or 8bit content (RFC 5322 section 3.5, RFC 2045 sections 2.7-2.8).
     */
    public static int indexOfLineEndOrNul(byte[] b, int from, int to) {
        int i = from;
        for (; i <= to - Long.BYTES; i += Long.BYTES) {
            long word = (long) WORDS.get(b, i);
            long found = zeroBytes(word ^ CRS) | zeroBytes(word ^ LFS) | zeroBytes(word);
            if (found != 0) {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
        }
        for (; i < to; i++) {
            byte c = b[i];
            if (c == '\r' || c == '\n' || c == 0) {
                return i;
            }
        }
        return to;
    }

    /** Marks (high bit) the zero bytes of {@code v}; exact up to the lowest zero byte. */
    private static long zeroBytes(long v) {
        return (v - ONES) & ~v & HIGHS;
    }
}
