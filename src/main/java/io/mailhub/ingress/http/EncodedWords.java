package io.mailhub.ingress.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * Text as RFC 2047 encoded words in UTF-8: Q when at most a third of its octets are not ASCII (as for bodies), else
 * B. Each word holds whole characters and is at most as long as asked (never over 75 characters), so a decoder that
 * joins adjacent words (dropping the whitespace between them) gets the text back. Q writes only letters, digits and
 * {@code !*+-/} as they are, the characters section 5 allows in a phrase, so the same words serve unstructured fields
 * and display names alike.
 */
final class EncodedWords {

    /** RFC 2047 section 2: an encoded word is at most 75 characters. */
    static final int MAX_WORD = 75;

    /** {@code =?UTF-8?Q?} and {@code ?=}. */
    private static final int OVERHEAD = 12;

    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

    private EncodedWords() {}

    /**
     * The words for {@code text}: the first at most {@code firstMax} characters long, the others {@code max}. A word
     * that must end ends after a space of its own where it has one, so that a reader which keeps the whitespace between
     * encoded words (as Python's display names do) only doubles a space it then collapses.
     */
    static List<String> encode(String text, int firstMax, int max) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        int other = 0;
        for (byte x : b) {
            other += x < 0 ? 1 : 0;
        }
        boolean useQ = other * 3 <= b.length;
        List<String> words = new ArrayList<>();
        int start = 0;
        int afterSpace = 0;
        for (int i = 0; i < b.length; ) {
            int end = i + 1;
            while (end < b.length && (b[end] & 0xc0) == 0x80) {
                end++; // the continuation octets of one UTF-8 character
            }
            int room = (words.isEmpty() ? firstMax : max) - OVERHEAD;
            if (i > start && length(b, start, end, useQ) > room) {
                int cut = afterSpace > start && length(b, afterSpace, end, useQ) <= room ? afterSpace : i;
                words.add(word(b, start, cut, useQ));
                start = cut;
            }
            afterSpace = b[i] == ' ' ? end : afterSpace;
            i = end;
        }
        words.add(word(b, start, b.length, useQ));
        return words;
    }

    /** The length of the encoded text of {@code b[from..to)}. */
    private static int length(byte[] b, int from, int to, boolean useQ) {
        if (!useQ) {
            return (to - from + 2) / 3 * 4;
        }
        int n = 0;
        for (int i = from; i < to; i++) {
            n += qLength(b[i] & 0xff);
        }
        return n;
    }

    private static String word(byte[] b, int from, int to, boolean useQ) {
        if (!useQ) {
            return "=?UTF-8?B?" + Base64.getEncoder().encodeToString(Arrays.copyOfRange(b, from, to)) + "?=";
        }
        StringBuilder sb = new StringBuilder(OVERHEAD + 3 * (to - from)).append("=?UTF-8?Q?");
        for (int i = from; i < to; i++) {
            int c = b[i] & 0xff;
            if (c == ' ') {
                sb.append('_');
            } else if (qLength(c) == 1) {
                sb.append((char) c);
            } else {
                sb.append('=').append((char) HEX[c >> 4]).append((char) HEX[c & 15]);
            }
        }
        return sb.append("?=").toString();
    }

    private static int qLength(int c) {
        boolean plain = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == ' ' || c == '!'
                || c == '*' || c == '+' || c == '-' || c == '/';
        return plain ? 1 : 3;
    }
}
