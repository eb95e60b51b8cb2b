package io.mailhub.ingress.smtp;

/**
 * What a listener is for, and so which rules its sessions follow.
 *
 * <ul>
 *   <li>{@link #MX}: port 25, mail from other servers (RFC 5321). STARTTLS offered, AUTH offered once encrypted but
 *       not required; recipients outside the local domains need a trusted network or a login.
 *   <li>{@link #SUBMISSION}: port 587, mail from users (RFC 6409). STARTTLS first, then AUTH, before MAIL.
 *   <li>{@link #SMTPS}: port 465, the same as submission over implicit TLS (RFC 8314).
 * </ul>
 */
public enum ListenerRole {
    MX("smtp", false, false),
    SUBMISSION("submission", true, false),
    SMTPS("smtps", true, true);

    private final String label;
    private final boolean authRequired;
    private final boolean implicitTls;

    ListenerRole(String label, boolean authRequired, boolean implicitTls) {
        this.label = label;
        this.authRequired = authRequired;
        this.implicitTls = implicitTls;
    }

    /** The name used in logs and health checks. */
    public String label() {
        return label;
    }

    /** Whether MAIL needs a login first (530 5.7.0 otherwise). */
    public boolean authRequired() {
        return authRequired;
    }

    /** Whether TLS starts with the connection, before the greeting. */
    public boolean implicitTls() {
        return implicitTls;
    }
}
