package io.mailhub.relay;

/**
 * The next hop a recipient's attempt went to: the host tried last for it, what was connected to, and the session's TLS.
 *
 * @param host the host name (the MX host, the smart host or transport map host, or an address literal)
 * @param address the IP address connected to, or {@code null} when no TCP connection was made
 * @param mxPreference the MX preference when the host came from an MX lookup (0 for an implicit MX, RFC 5321 section
 *     5.1), else {@code null}
 * @param tls the session's TLS, or {@code null} for plaintext (or no session)
 */
public record NextHop(String host, String address, Integer mxPreference, TlsSession tls) {}
