package io.mailhub.cleanup;

/**
 * What the Received header records about how a message arrived (RFC 5321 section 4.4, RFC 3848).
 *
 * @param clientHelo the HELO/EHLO name, or {@code null}
 * @param clientAddress the client's IP address as text
 * @param esmtp whether the client used EHLO
 * @param tlsProtocol e.g. {@code TLSv1.3}, or {@code null} without TLS
 * @param tlsCipher the negotiated cipher suite, or {@code null}
 * @param authUser the authenticated identity, or {@code null}
 */
public record SessionTrace(
        String clientHelo, String clientAddress, boolean esmtp, String tlsProtocol, String tlsCipher, String authUser) {

    /** The RFC 3848 "with" keyword: SMTP, ESMTP, ESMTPS, ESMTPA or ESMTPSA. */
    public String protocol() {
        if (!esmtp) {
            return "SMTP";
        }
        return "ESMTP" + (tlsProtocol != null ? "S" : "") + (authUser != null ? "A" : "");
    }
}
