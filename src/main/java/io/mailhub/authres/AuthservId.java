package io.mailhub.authres;

/**
 * Reads the authserv-id at the start of an Authentication-Results value (RFC 8601 section 2.2):
 * {@code [CFWS] authserv-id}, where authserv-id is an RFC 2045 {@code value}, a token or a quoted-string, and CFWS
 * is folding white space and (nested) comments (RFC 5322 section 3.2.2).
 */
final class AuthservId {

    private final String text;
    private int pos;

    private AuthservId(String text) {
        this.text = text;
    }

    /** The authserv-id, unquoted and with its quoted-pairs resolved; {@code null} when the value has none. */
    static String read(String value) {
        AuthservId r = new AuthservId(value);
        if (!r.skipCfws()) {
            return null;
        }
        if (r.pos >= value.length()) {
            return null;
        }
        return value.charAt(r.pos) == '"' ? r.quotedString() : r.token();
    }

    /** Skips white space, line folding and comments; false when a comment does not end. */
    private boolean skipCfws() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                pos++;
            } else if (c == '(') {
                if (!skipComment()) {
                    return false;
                }
            } else {
                return true;
            }
        }
        return true;
    }

    private boolean skipComment() {
        int depth = 0;
        while (pos < text.length()) {
            char c = text.charAt(pos++);
            if (c == '\\') {
                pos++;
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return true;
            }
        }
        return false;
    }

    private String quotedString() {
        StringBuilder sb = new StringBuilder();
        pos++; // the opening quote
        while (pos < text.length()) {
            char c = text.charAt(pos++);
            if (c == '"') {
                return sb.toString();
            }
            if (c == '\\' && pos < text.length()) {
                sb.append(text.charAt(pos++));
            } else if (c != '\r' && c != '\n') {
                sb.append(c);
            }
        }
        return null; // unterminated: not a value
    }

    /** RFC 2045 token: any US-ASCII character but space, controls and tspecials. */
    private String token() {
        int start = pos;
        while (pos < text.length() && isTokenChar(text.charAt(pos))) {
            pos++;
        }
        return pos == start ? null : text.substring(start, pos);
    }

    private static boolean isTokenChar(char c) {
        return c > 32 && c < 127 && "()<>@,;:\\\"/[]?=".indexOf(c) < 0;
    }
}
