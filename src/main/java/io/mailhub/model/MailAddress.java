package io.mailhub.model;

import java.util.Locale;

/**
 * A mailbox in the SMTP envelope, {@code local-part@domain} (RFC 5321 section 4.1.2).
 *
 * <p>The local part keeps its spelling (it is case-sensitive in principle); the domain is compared without regard to
 * ASCII case. Quoted local parts keep their quotes so the address can be written back unchanged.
 */
public record MailAddress(String localPart, String domain) {

    public MailAddress {
        if (localPart.isEmpty() || domain.isEmpty()) {
            throw new IllegalArgumentException("empty local part or domain");
        }
    }

    /** The domain in lower case, for comparisons and routing keys. */
    public String domainKey() {
        return domain.toLowerCase(Locale.ROOT);
    }

    /** Whether the address needs SMTPUTF8 (RFC 6531): any octet outside US-ASCII. */
    public boolean needsUtf8() {
        return !isAscii(localPart) || !isAscii(domain);
    }

    /** Whether the domain is an address literal such as {@code [192.0.2.1]} or {@code [IPv6:2001:db8::1]}. */
    public boolean isAddressLiteral() {
        return domain.startsWith("[");
    }

    @Override
    public String toString() {
        return localPart + "@" + domain;
    }

    static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 127) {
                return false;
            }
        }
        return true;
    }
}
