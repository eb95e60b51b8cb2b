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
 * @param via the "with" keyword of a door that is not SMTP, or {@code null}
 */
public record SessionTrace(String clientHelo, String clientAddress, boolean esmtp, String tlsProtocol, String tlsCipher,
        String authUser, String via) {

    /** An SMTP session: the "with" keyword follows from EHLO, TLS and AUTH. */
    public SessionTrace(
            String clientHelo, String clientAddress, boolean esmtp, String tlsProtocol, String tlsCipher, String authUser) {
        this(clientHelo, clientAddress, esmtp, tlsProtocol, tlsCipher, authUser, null);
    }

    /**
     * Another door: {@code via} is the Received header's "with" keyword ({@code HTTP}, {@code HTTPS}, {@code local} for
     * the pickup directory, {@code JMS}).
     */
    public static SessionTrace via(String via, String clientAddress, String tlsProtocol, String tlsCipher, String authUser) {
        return new SessionTrace(null, clientAddress, false, tlsProtocol, tlsCipher, authUser, via);
    }

    /** The RFC 3848 "with" keyword: SMTP, ESMTP, ESMTPS, ESMTPA or ESMTPSA, or the other door's {@code via}. */
    public String protocol() {
        if (via != null) {
            return via;
        }
        if (!esmtp) {
            return "SMTP";
        }
        return "ESMTP" + (tlsProtocol != null ? "S" : "") + (authUser != null ? "A" : "");
    }
}
