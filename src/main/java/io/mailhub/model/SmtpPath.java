package io.mailhub.model;

import java.util.Optional;

/**
 * Parses the path argument of MAIL FROM and RCPT TO (RFC 5321 section 4.1.2, with the UTF-8 extensions of RFC 6531).
 *
 * <pre>
 * Path    = "&lt;" [ A-d-l ":" ] Mailbox "&gt;"
 * Mailbox = Local-part "@" ( Domain / address-literal )
 * </pre>
 *
 * A source route ({@code <@relay1,@relay2:user@domain>}) is accepted and ignored, as section 4.1.1.3 asks: the mailbox
 * after the colon is the address. Brackets are required; a trailing dot, an empty label or a space is a syntax error.
 * A non-ASCII domain is put in its canonical form ({@link DomainName}), so that look-alikes of ASCII names become
 * those names and IDNA2008 decides what is a valid internationalized name.
 */
public final class SmtpPath {

    /** The result of parsing a path: the mailbox (empty for the null path {@code <>}) and where the path ended. */
    public record Parsed(Optional<MailAddress> address, int end) {}

    private SmtpPath() {}

    /**
     * Parses the path at the start of {@code text}.
     *
     * @param utf8 whether non-ASCII is allowed (the SMTPUTF8 parameter was given)
     * @throws SyntaxException naming what is wrong
     */
    public static Parsed parse(String text, boolean utf8) throws SyntaxException {
        if (text.isEmpty() || text.charAt(0) != '<') {
            throw new SyntaxException("address must be enclosed in <>");
        }
        int close = findClose(text);
        String inner = text.substring(1, close);
        if (inner.isEmpty()) {
            return new Parsed(Optional.empty(), close + 1);
        }
        if (inner.charAt(0) == '@') {
            int colon = inner.indexOf(':');
            if (colon < 0) {
                throw new SyntaxException("source route without ':'");
            }
            for (String hop : inner.substring(0, colon).split(",", -1)) {
                if (hop.length() < 2 || hop.charAt(0) != '@' || !isDomain(hop.substring(1), utf8)) {
                    throw new SyntaxException("bad source route");
                }
            }
            inner = inner.substring(colon + 1);
        }
        return new Parsed(Optional.of(mailbox(inner, utf8)), close + 1);
    }

    /**
     * A mailbox as people write it in a header, a property or a command-line argument: {@code a@b} or {@code <a@b>},
     * with spaces around.
     */
    public static MailAddress looseMailbox(String text) throws SyntaxException {
        String v = text.strip();
        if (v.startsWith("<") && v.endsWith(">")) {
            v = v.substring(1, v.length() - 1);
        }
        return mailbox(v, true);
    }

    /** Parses a bare mailbox {@code local@domain} (no brackets). */
    public static MailAddress mailbox(String text, boolean utf8) throws SyntaxException {
        int at = localPartEnd(text, utf8);
        if (at >= text.length() || text.charAt(at) != '@') {
            throw new SyntaxException("missing '@domain'");
        }
        String domain = text.substring(at + 1);
        if (isAddressLiteral(domain)) {
            return new MailAddress(text.substring(0, at), domain);
        }
        if (!isDomain(domain, utf8)) {
            throw new SyntaxException("bad domain '" + domain + "'");
        }
        return new MailAddress(text.substring(0, at), DomainName.canonical(domain));
    }

    private static int findClose(String text) throws SyntaxException {
        boolean quoted = false;
        for (int i = 1; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted && c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == '>' && !quoted) {
                return i;
            }
        }
        throw new SyntaxException("missing '>'");
    }

    /** Returns the index of the '@' that ends the local part. */
    private static int localPartEnd(String s, boolean utf8) throws SyntaxException {
        if (s.isEmpty()) {
            throw new SyntaxException("empty address");
        }
        if (s.charAt(0) == '"') {
            int i = 1;
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c == '\\') {
                    if (i + 1 >= s.length() || s.charAt(i + 1) < 32 || s.charAt(i + 1) == 127) {
                        throw new SyntaxException("bad quoted pair");
                    }
                    i += 2;
                } else if (c == '"') {
                    return i + 1;
                } else if ((c >= 32 && c < 127) || (utf8 && c > 127)) {
                    i++;
                } else {
                    throw new SyntaxException("bad character in quoted local part");
                }
            }
            throw new SyntaxException("unterminated quoted local part");
        }
        int i = 0;
        boolean atomStart = true;
        while (i < s.length() && s.charAt(i) != '@') {
            char c = s.charAt(i);
            if (c == '.') {
                if (atomStart) {
                    throw new SyntaxException("empty atom in local part");
                }
                atomStart = true;
            } else if (isAtext(c) || (utf8 && c > 127)) {
                atomStart = false;
            } else {
                throw new SyntaxException(c > 127 ? "non-ASCII address without SMTPUTF8" : "bad character in local part");
            }
            i++;
        }
        if (atomStart) {
            throw new SyntaxException("local part ends with '.' or is empty");
        }
        return i;
    }

    static boolean isAtext(char c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0;
    }

    /** Domain = sub-domain *("." sub-domain); sub-domain = Let-dig [Ldh-str]. No trailing dot. */
    public static boolean isDomain(String d, boolean utf8) {
        if (d.isEmpty() || d.length() > 255) {
            return false;
        }
        for (String label : d.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63 || label.charAt(0) == '-' || label.endsWith("-")) {
                return false;
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
                if (!ok && !(utf8 && c > 127)) {
                    return false;
                }
            }
        }
        return true;
    }

    static boolean isAddressLiteral(String d) {
        if (d.length() < 3 || d.charAt(0) != '[' || d.charAt(d.length() - 1) != ']') {
            return false;
        }
        String inner = d.substring(1, d.length() - 1);
        if (inner.regionMatches(true, 0, "IPv6:", 0, 5)) {
            return inner.length() > 5 && inner.substring(5).matches("[0-9A-Fa-f:.]+") && inner.contains(":");
        }
        return isIpv4(inner);
    }

    /** Four decimal octets from 0 to 255, as in an address literal {@code [192.0.2.1]} or a network list. */
    public static boolean isIpv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return false;
        }
        for (String p : parts) {
            if (!p.matches("\\d{1,3}") || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }
}
