package io.mailhub.relay;

import java.util.Objects;

/**
 * What a connection to a next hop was set up with besides its address: the TLS policy, the AUTH identity and the
 * protocol. Pooled connections are reused only for deliveries with an equal profile (Postfix puts these into its
 * connection cache key), so a plaintext connection opened under {@code may} never carries mail that demands
 * {@code encrypt}, and one client's authenticated session never carries another's mail.
 *
 * @param tls the TLS policy
 * @param auth the credentials to authenticate with, or {@code null} for none
 * @param lmtp LMTP (RFC 2033: LHLO, and one reply per recipient after the content) instead of SMTP
 */
public record SessionProfile(TlsPolicy tls, Credentials auth, boolean lmtp) {

    public static final SessionProfile OPPORTUNISTIC = new SessionProfile(TlsPolicy.MAY, null);

    public SessionProfile {
        Objects.requireNonNull(tls, "tls");
    }

    public SessionProfile(TlsPolicy tls, Credentials auth) {
        this(tls, auth, false);
    }

    public static SessionProfile of(TlsPolicy tls) {
        return new SessionProfile(tls, null);
    }
}
