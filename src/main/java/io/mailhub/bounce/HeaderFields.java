package io.mailhub.bounce;

import io.mailhub.model.Ascii;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Writes header fields the way RFC 5322 section 2.2.3 wants them: folded before whitespace so lines stay within 78
 * characters where the text allows, and never beyond 998 octets. A run of more than 998 octets without whitespace is
 * broken by inserting a fold (a space appears there when unfolded); that only happens to absurd diagnostics.
 */
final class HeaderFields {

    static final int SOFT_LIMIT = 78;
    static final int HARD_LIMIT = 998;

    /**
     * Longest UTF-8 input of one encoded-word: 39 octets become 52 base64 characters, 64 with the wrapping, so even
     * the first word fits on the {@code Subject:} line within 78 characters.
     */
    private static final int ENCODED_WORD_OCTETS = 39;

    private HeaderFields() {}

    /**
     * {@code name: value} folded, ending in CRLF. Line ends and tabs in the value become spaces and other control
     * characters '?', so a value can never start a field of its own; unfolding gives back {@code name: value}.
     */
    static String fold(String name, String value) {
        String line = name + ": " + clean(value);
        StringBuilder out = new StringBuilder(line.length() + 16);
        int keep = name.length() + 2; // never fold before the value starts
        while (utf8Length(line, line.length()) > SOFT_LIMIT) {
            int cut = lastBlank(line, SOFT_LIMIT, keep);
            if (cut < 0) {
                cut = firstBlank(line, Math.max(SOFT_LIMIT, keep));
            }
            boolean forced = cut < 0 || utf8Length(line, cut) > HARD_LIMIT;
            if (forced) {
                if (utf8Length(line, line.length()) <= HARD_LIMIT) {
                    break;
                }
                cut = hardCut(line, HARD_LIMIT);
            }
            out.append(line, 0, cut).append("\r\n");
            line = (forced ? " " : "") + line.substring(cut);
            keep = 1;
        }
        return out.append(line).append("\r\n").toString();
    }

    /** Line ends and tabs become spaces, other control characters '?'; leading and trailing blanks go. */
    static String clean(String value) {
        StringBuilder sb = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            sb.append(c == '\r' || c == '\n' || c == '\t' ? ' ' : c < 32 || c == 127 ? '?' : c);
        }
        return sb.toString().strip();
    }

    /** Replaces everything outside printable US-ASCII with '?' (for fields of the 7-bit delivery-status part). */
    static String ascii(String value) {
        StringBuilder sb = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            sb.append(c > 126 || (c < 32 && c != ' ' && c != '\t') ? '?' : c);
        }
        return sb.toString();
    }

    /**
     * Unstructured text for a header such as Subject: as it is when ASCII, otherwise as RFC 2047 encoded-words
     * ({@code =?UTF-8?B?...?=}) separated by spaces, each split on a character boundary.
     */
    static String encodeText(String text) {
        String t = clean(text);
        if (Ascii.isAscii(t)) {
            return t;
        }
        StringBuilder out = new StringBuilder(t.length() * 2);
        int i = 0;
        while (i < t.length()) {
            int end = i;
            int octets = 0;
            while (end < t.length()) {
                int cp = t.codePointAt(end);
                int n = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
                if (octets + n > ENCODED_WORD_OCTETS) {
                    break;
                }
                octets += n;
                end += Character.charCount(cp);
            }
            if (out.length() > 0) {
                out.append(' ');
            }
            byte[] chunk = t.substring(i, end).getBytes(StandardCharsets.UTF_8);
            out.append("=?UTF-8?B?").append(Base64.getEncoder().encodeToString(chunk)).append("?=");
            i = end;
        }
        return out.toString();
    }

    /** The UTF-8 length of {@code s[0, end)}. */
    static int utf8Length(String s, int end) {
        int n = 0;
        for (int i = 0; i < end; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    /**
     * A blank to fold at: at or before {@code limit} octets, at index {@code keep} or later, right after a non-blank,
     * so the line before the fold never consists of blanks only.
     */
    private static int lastBlank(String line, int limit, int keep) {
        for (int i = Math.min(limit, line.length() - 1); i >= Math.max(keep, 1); i--) {
            if (isFoldPoint(line, i) && utf8Length(line, i) <= limit) {
                return i;
            }
        }
        return -1;
    }

    private static int firstBlank(String line, int from) {
        for (int i = Math.max(from, 1); i < line.length(); i++) {
            if (isFoldPoint(line, i)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean isFoldPoint(String line, int i) {
        return line.charAt(i) == ' ' && line.charAt(i - 1) != ' ';
    }

    /** The longest prefix of at most {@code octets} UTF-8 octets that does not split a surrogate pair. */
    private static int hardCut(String line, int octets) {
        int cut = 0;
        int n = 0;
        while (cut < line.length()) {
            int cp = line.codePointAt(cut);
            int len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (n + len > octets) {
                break;
            }
            n += len;
            cut += Character.charCount(cp);
        }
        return cut;
    }
}
