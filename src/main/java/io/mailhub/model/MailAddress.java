package io.mailhub.model;

/**
 * A mailbox in the SMTP envelope, {@code local-part@domain} (RFC 5321 section 4.1.2).
 *
 * <p>The local part keeps its spelling (it is case-sensitive in principle); the domain is in the canonical form of
 * {@link DomainName} when the address was parsed by {@link SmtpPath}, and is compared by its {@link #domainKey()}.
 * Quoted local parts keep their quotes so the address can be written back unchanged.
 */
public record MailAddress(String localPart, String domain) {

    public MailAddress {
        if (localPart.isEmpty() || domain.isEmpty()) {
            throw new IllegalArgumentException("empty local part or domain");
        }
    }

    /**
     * The domain for comparisons, routing and DNS: lower case, internationalized names as A-labels
     * ({@code xn--bcher-kva.example}).
     */
    public String domainKey() {
        return isAddressLiteral() ? Ascii.toLowerCase(domain) : DomainName.key(domain);
    }

    /**
     * The address for comparisons with configured addresses (users file, postmaster): the local part with ASCII
     * letters in lower case and nothing else folded, {@code @}, the {@link #domainKey()}.
     */
    public String key() {
        return Ascii.toLowerCase(localPart) + "@" + domainKey();
    }

    /** Whether the address needs SMTPUTF8 (RFC 6531): any octet outside US-ASCII. */
    public boolean needsUtf8() {
        return !Ascii.isAscii(localPart) || !Ascii.isAscii(domain);
    }

    /**
     * The address as a next hop without SMTPUTF8 can take it: an internationalized domain as A-labels. Only a
     * non-ASCII local part has no such form ({@link #hasAsciiForm()}).
     */
    public MailAddress asciiForm() {
        return Ascii.isAscii(domain) ? this : new MailAddress(localPart, domainKey());
    }

    /** Whether {@link #asciiForm()} is all US-ASCII, so that the address can go to a next hop without SMTPUTF8. */
    public boolean hasAsciiForm() {
        return Ascii.isAscii(localPart);
    }

    /** Whether the domain is an address literal such as {@code [192.0.2.1]} or {@code [IPv6:2001:db8::1]}. */
    public boolean isAddressLiteral() {
        return domain.startsWith("[");
    }

    @Override
    public String toString() {
        return localPart + "@" + domain;
    }
}
