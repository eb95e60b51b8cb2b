package io.mailhub.relay;

import java.util.Locale;

/**
 * How much TLS a delivery to a next hop demands, with the meaning of Postfix's {@code smtp_tls_security_level} values
 * of the same names. Whatever the level, only TLS 1.2 and later are spoken.
 */
public enum TlsPolicy {

    /** Never send STARTTLS, even when the server offers it. */
    NONE,

    /**
     * Opportunistic TLS: STARTTLS when the server offers it, any certificate accepted. A server that does not offer
     * STARTTLS or refuses it gets the message in plaintext. When the TLS handshake itself fails, the connection is
     * unusable; the client then connects once more and delivers in plaintext without trying STARTTLS, as Postfix does.
     */
    MAY,

    /**
     * Mandatory encryption: STARTTLS must be offered and must succeed, otherwise every recipient is deferred
     * ({@code 4.7.4} when not offered, {@code 4.7.5} when refused or when the handshake fails). The certificate is not
     * checked. Never falls back to plaintext.
     */
    ENCRYPT,

    /**
     * Mandatory, authenticated encryption: as {@link #ENCRYPT}, and the server's certificate chain must lead to a
     * trusted anchor and name the host that was connected to (the MX host or the smart host name, not the recipient
     * domain). A certificate that fails either check defers every recipient with {@code 4.7.5}.
     */
    VERIFY;

    /** Parses {@code none}, {@code may}, {@code encrypt} or {@code verify}, ignoring case and surrounding blanks. */
    public static TlsPolicy parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "none" -> NONE;
            case "may" -> MAY;
            case "encrypt" -> ENCRYPT;
            case "verify" -> VERIFY;
            default -> throw new IllegalArgumentException(
                    "TLS policy must be none, may, encrypt or verify, not '" + text + "'");
        };
    }

    /** Whether a delivery without TLS is forbidden. */
    public boolean required() {
        return this == ENCRYPT || this == VERIFY;
    }

    /** The name in configuration files: {@code none}, {@code may}, {@code encrypt} or {@code verify}. */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }
}
