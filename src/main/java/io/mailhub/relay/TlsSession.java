package io.mailhub.relay;

/**
 * The TLS of a session with a next hop, after STARTTLS (RFC 3207).
 *
 * @param protocol the protocol negotiated, such as {@code TLSv1.3}
 * @param cipher the cipher suite negotiated, such as {@code TLS_AES_256_GCM_SHA384}
 * @param verified whether the server's certificate chain led to a trust anchor and named the host (policy
 *     {@code verify}, Postfix's "Verified TLS connection"); false under {@code may} and {@code encrypt}, which accept
 *     any certificate
 */
public record TlsSession(String protocol, String cipher, boolean verified) {

    /** Protocol and cipher, as Postfix logs them: {@code TLSv1.3 with cipher TLS_AES_256_GCM_SHA384}. */
    @Override
    public String toString() {
        return protocol + " with cipher " + cipher;
    }
}
