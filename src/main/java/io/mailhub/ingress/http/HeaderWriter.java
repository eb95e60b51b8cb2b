package io.mailhub.ingress.http;

import io.mailhub.ingress.http.MessageRequest.Address;
import io.mailhub.model.MailAddress;
import java.util.List;

/**
 * Writes header fields (RFC 5322 section 2.2), folded at whitespace before column 78 where the text allows it and
 * never into a line over 998 octets; a line holding an encoded word stays within 76 (RFC 2047 section 2). An
 * unstructured value (Subject, the request's own fields) is written as it is when it can be, otherwise as a whole in
 * RFC 2047 encoded words: when it is not ASCII, holds a control character or something that looks like an encoded
 * word, or has a run without whitespace too long for any line. Display names are phrases: atoms as they are, a
 * quoted-string when they hold specials, encoded words on the same conditions. Lines end in CRLF. The text is ASCII
 * except for addresses with a non-ASCII local part (RFC 6532).
 */
final class HeaderWriter {

    /** RFC 5322 section 2.1.1: lines SHOULD be at most 78 characters and MUST be at most 998. */
    static final int FOLD = 78;

    static final int MAX_LINE = 998;

    private static final int ENCODED_FOLD = 76;

    /** A first encoded word shorter than this would hold too little: it starts a new line instead. */
    private static final int MIN_FIRST_WORD = 24;

    private final StringBuilder sb;
    private int lineStart;
    private boolean lineHasEncodedWord;
    private boolean firstUnit;

    /** @param capacity the characters the fields are expected to take */
    HeaderWriter(int capacity) {
        sb = new StringBuilder(capacity);
    }

    /** Starts a field with its name and colon; its value follows as {@link #unit} calls. */
    HeaderWriter field(String name) {
        sb.append(name).append(':');
        firstUnit = true;
        return this;
    }

    /** A whole field whose value is short ASCII and needs no care. */
    HeaderWriter simple(String name, String value) {
        sb.append(name).append(": ").append(value);
        return end();
    }

    /** Ends the current field. */
    HeaderWriter end() {
        sb.append("\r\n");
        newLine();
        return this;
    }

    /** Appends text that may not be folded before (a parameter's {@code ;}). */
    HeaderWriter append(String text) {
        sb.append(text);
        return this;
    }

    /**
     * Appends whitespace (at least one character) and text (not empty), folding before the whitespace when the line
     * would pass its column limit otherwise. Every line thus holds text, and is no longer than {@code ws + text} when
     * that passes the limit. The first unit of a field stays after the colon: readers keep the whitespace that starts
     * a continuation line there (Python does) as part of the value.
     */
    HeaderWriter unit(String ws, String text) {
        return unit(ws, text, false);
    }

    private HeaderWriter unit(String ws, String text, boolean encoded) {
        int limit = encoded || lineHasEncodedWord ? ENCODED_FOLD : FOLD;
        if (!firstUnit && column() + ws.length() + text.length() > limit) {
            sb.append("\r\n");
            newLine();
        }
        firstUnit = false;
        sb.append(ws).append(text);
        lineHasEncodedWord |= encoded;
        return this;
    }

    private int column() {
        return sb.length() - lineStart;
    }

    private void newLine() {
        lineStart = sb.length();
        lineHasEncodedWord = false;
    }

    /** The header section: the fields so far and the empty line that ends them. */
    String section() {
        return sb.append("\r\n").toString();
    }

    /** An unstructured field (RFC 5322 section 3.2.5), without whitespace around {@code value} (readers drop it). */
    HeaderWriter unstructured(String name, String value) {
        field(name);
        int start = 0;
        int end = value.length();
        while (end > 0 && isWsp(value.charAt(end - 1))) {
            end--;
        }
        while (start < end && isWsp(value.charAt(start))) {
            start++;
        }
        String v = value.substring(start, end);
        if (v.isEmpty()) {
            sb.append(' ');
        } else if (needsEncoding(v, false, column() + 1)) {
            encodedWords(" ", v);
        } else {
            words(v);
        }
        return end();
    }

    /** An address list field (From, To, Cc, Reply-To); true when an address needs SMTPUTF8. */
    boolean addresses(String name, List<Address> list) {
        boolean utf8 = false;
        field(name);
        for (int i = 0; i < list.size(); i++) {
            Address a = list.get(i);
            MailAddress e = a.email();
            utf8 |= !e.hasAsciiForm();
            String address = e.hasAsciiForm() ? e.asciiForm().toString() : e.toString();
            String comma = i + 1 < list.size() ? "," : "";
            String display = a.name() == null ? "" : a.name().strip();
            if (display.isEmpty()) {
                unit(" ", address + comma);
            } else {
                mailbox(display, "<" + address + ">" + comma);
            }
        }
        end();
        return utf8;
    }

    /**
     * A display name (RFC 5322 section 3.2.5 phrase: atoms, a quoted-string when it holds specials or spaces that
     * atoms would lose, or encoded words) and its address: on one line when they fit one, else folded in the name too.
     */
    private void mailbox(String name, String address) {
        boolean atoms = !name.contains("  ");
        for (int i = 0; i < name.length() && atoms; i++) {
            atoms = name.charAt(i) == ' ' || isAtext(name.charAt(i));
        }
        String text = atoms ? name : quoted(name);
        int start = (firstUnit ? column() : 0) + 2; // where it starts after folding if it may, and the space before <
        if (needsEncoding(text, true, column() + 1)) {
            List<String> words = EncodedWords.encode(name, EncodedWords.MAX_WORD, EncodedWords.MAX_WORD);
            if (words.size() == 1 && start + words.get(0).length() + address.length() <= ENCODED_FOLD) {
                unit(" ", words.get(0) + " " + address, true);
                return;
            }
            encodedWords(" ", name);
        } else if (start + text.length() + address.length() <= FOLD) {
            unit(" ", text + " " + address);
            return;
        } else {
            words(text);
        }
        unit(" ", address);
    }

    private static String quoted(String s) {
        StringBuilder q = new StringBuilder(s.length() + 8).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                q.append('\\');
            }
            q.append(c);
        }
        return q.append('"').toString();
    }

    /**
     * {@code text} (no trailing whitespace) folded at its whitespace: each word a unit with the whitespace before it,
     * the first after a space of its own.
     */
    private void words(String text) {
        int i = 0;
        while (i < text.length()) {
            int word = i;
            while (word < text.length() && isWsp(text.charAt(word))) {
                word++;
            }
            int end = word;
            while (end < text.length() && !isWsp(text.charAt(end))) {
                end++;
            }
            String ws = text.substring(i, word);
            unit(i == 0 ? " " + ws : ws, text.substring(word, end));
            i = end;
        }
    }

    /**
     * Whether {@code text}, to be written from {@code column} on, must become encoded words: a character outside
     * printable ASCII and whitespace (a TAB in a {@code phrase} too), {@code =?}, or a word that with the whitespace
     * before it would not fit a line.
     */
    private static boolean needsEncoding(String text, boolean phrase, int column) {
        int run = column; // what the line of the current word holds
        boolean inWord = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean wsp = c == ' ' || c == '\t' && !phrase;
            if (c > '~' || c < ' ' && !wsp || c == '=' && i + 1 < text.length() && text.charAt(i + 1) == '?') {
                return true;
            }
            if (wsp && inWord) {
                run = 0;
            }
            inWord = !wsp;
            if (++run > MAX_LINE) {
                return true;
            }
        }
        return false;
    }

    /** {@code text} as encoded words, the first after {@code separator}, each after a space (folding there). */
    private void encodedWords(String separator, String text) {
        int room = ENCODED_FOLD - column() - separator.length();
        int first = room >= MIN_FIRST_WORD ? Math.min(room, EncodedWords.MAX_WORD)
                : firstUnit ? MIN_FIRST_WORD : EncodedWords.MAX_WORD;
        List<String> words = EncodedWords.encode(text, first, EncodedWords.MAX_WORD);
        for (int i = 0; i < words.size(); i++) {
            unit(i == 0 ? separator : " ", words.get(i), true);
        }
    }

    private static boolean isWsp(char c) {
        return c == ' ' || c == '\t';
    }

    /** RFC 5322 section 3.2.3 atext. */
    private static boolean isAtext(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0;
    }
}
