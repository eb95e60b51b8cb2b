package io.mailhub.ingress.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Parameters of Content-Type and Content-Disposition (RFC 2045 section 5.1, RFC 2183). A printable ASCII value is a
 * token when it holds only RFC 5987 attr-chars (a bare {@code '}, {@code *} or {@code %} puzzles RFC 2231 readers such
 * as Python's), else a quoted-string; a longer one is split into RFC 2231 continuations ({@code name*0="..."}); any other
 * value is an RFC 2231 extended value in UTF-8 ({@code name*=UTF-8''%C3%9C...}), split into {@code name*0*=},
 * {@code name*1*=} ... when long. Pieces never split a character and each fits a 78-column line. Also reads the
 * media type a client gave for an attachment.
 */
final class MimeParameters {

    /** The longest value (or piece of one) written on one line with its name. */
    static final int MAX_VALUE = 60;

    private static final String TSPECIALS = "()<>@,;:\\\"/[]?=";

    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

    /** A media type {@code type/subtype} and its parameters, in the client's spelling. */
    record MediaType(String type, List<String[]> parameters) {
        boolean has(String name) {
            return parameters.stream().anyMatch(p -> p[0].equalsIgnoreCase(name));
        }
    }

    private MimeParameters() {}

    /** Appends {@code ; name=value} (or its continuations) to the field {@code w} is writing. */
    static void write(HeaderWriter w, String name, String value) {
        boolean printable = true;
        boolean bare = !value.isEmpty();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            printable &= c >= ' ' && c <= '~';
            bare &= isAttributeChar(c);
        }
        if (printable) {
            String v = bare ? value : quoted(value, 0, value.length());
            if (v.length() <= MAX_VALUE) {
                w.append(";").unit(" ", name + "=" + v);
                return;
            }
            int n = 0;
            for (int start = 0; start < value.length(); n++) {
                int end = start;
                for (int len = 2; end < value.length() && len + escaped(value.charAt(end)) <= MAX_VALUE; end++) {
                    len += escaped(value.charAt(end));
                }
                w.append(";").unit(" ", name + "*" + n + "=" + quoted(value, start, end));
                start = end;
            }
            return;
        }
        List<String> pieces = percentEncoded(value);
        if (pieces.size() == 1) {
            w.append(";").unit(" ", name + "*=" + pieces.get(0));
            return;
        }
        for (int i = 0; i < pieces.size(); i++) {
            w.append(";").unit(" ", name + "*" + i + "*=" + pieces.get(i));
        }
    }

    /** {@code UTF-8''} and the value's octets, %-encoded where not attribute-chars, in pieces of whole characters. */
    private static List<String> percentEncoded(String value) {
        byte[] b = value.getBytes(StandardCharsets.UTF_8);
        List<String> pieces = new ArrayList<>();
        StringBuilder piece = new StringBuilder(MAX_VALUE).append("UTF-8''");
        StringBuilder character = new StringBuilder(12);
        for (int i = 0; i < b.length; ) {
            character.setLength(0);
            do {
                int c = b[i++] & 0xff;
                if (isAttributeChar(c)) {
                    character.append((char) c);
                } else {
                    character.append('%').append((char) HEX[c >> 4]).append((char) HEX[c & 15]);
                }
            } while (i < b.length && (b[i] & 0xc0) == 0x80);
            if (piece.length() + character.length() > MAX_VALUE) {
                pieces.add(piece.toString());
                piece.setLength(0);
            }
            piece.append(character);
        }
        pieces.add(piece.toString());
        return pieces;
    }

    /**
     * Reads {@code type/subtype *(; attribute=value)} with token or quoted-string values (a bare value may hold other
     * characters up to the next {@code ;}).
     *
     * @throws IOException when it is not such a media type
     */
    static MediaType mediaType(String text) throws IOException {
        int semi = text.indexOf(';');
        String type = (semi < 0 ? text : text.substring(0, semi)).strip();
        int slash = type.indexOf('/');
        if (slash <= 0 || !isToken(type.substring(0, slash)) || !isToken(type.substring(slash + 1))) {
            throw new IOException("content type '" + text + "' is not type/subtype");
        }
        List<String[]> parameters = new ArrayList<>();
        for (int i = semi; i >= 0 && i < text.length(); ) {
            int eq = text.indexOf('=', i + 1);
            int next = text.indexOf(';', i + 1);
            if (text.substring(i + 1, next < 0 ? text.length() : next).isBlank()) {
                i = next; // an empty parameter, as in a trailing ;
                continue;
            }
            String attribute = eq < 0 ? "" : text.substring(i + 1, eq).strip();
            if (!isToken(attribute) || next >= 0 && next < eq) {
                throw new IOException("content type '" + text + "' has a parameter that is not attribute=value");
            }
            StringBuilder value = new StringBuilder();
            i = value(text, eq + 1, value);
            parameters.add(new String[] {attribute, value.toString()});
        }
        return new MediaType(type, parameters);
    }

    /** Reads a parameter value from {@code from} into {@code value}; returns where the next {@code ;} is, or -1. */
    private static int value(String text, int from, StringBuilder value) throws IOException {
        int i = from;
        while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
            i++;
        }
        if (i == text.length() || text.charAt(i) != '"') {
            int next = text.indexOf(';', i);
            value.append(text, i, next < 0 ? text.length() : next);
            value.setLength(value.toString().stripTrailing().length());
            return next;
        }
        for (i++; i < text.length() && text.charAt(i) != '"'; i++) {
            value.append(text.charAt(i) == '\\' && i + 1 < text.length() ? text.charAt(++i) : text.charAt(i));
        }
        int next = text.indexOf(';', i);
        if (i == text.length() || !text.substring(i + 1, next < 0 ? text.length() : next).isBlank()) {
            throw new IOException("content type '" + text + "' has a quoted value that is not closed");
        }
        return next;
    }

    private static String quoted(String s, int from, int to) {
        StringBuilder sb = new StringBuilder(to - from + 8).append('"');
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.append('"').toString();
    }

    private static int escaped(char c) {
        return c == '"' || c == '\\' ? 2 : 1;
    }

    /** RFC 2045 token: printable ASCII but space and tspecials. */
    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c > '~' || TSPECIALS.indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    /** RFC 5987 attr-char, the characters an extended value holds as they are. */
    private static boolean isAttributeChar(int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "!#$&+-.^_`|~".indexOf(c) >= 0;
    }
}
