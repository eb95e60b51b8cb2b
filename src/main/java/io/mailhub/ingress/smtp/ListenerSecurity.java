package io.mailhub.ingress.smtp;

import io.mailhub.auth.AuthFailures;
import io.mailhub.auth.Logins;
import io.mailhub.authres.InboundAuthentication;
import io.mailhub.ingress.tls.ServerTls;
import java.time.Duration;

/**
 * The TLS and login parts a listener uses; shared by all listeners of the hub, so a client locked out on one port is
 * locked out on all.
 *
 * @param tls the server certificate, or {@code null}: no STARTTLS (tests of the plain protocol)
 * @param authenticator checks logins, or {@code null}: no AUTH (no users file configured)
 * @param failures failed logins per client address
 * @param lockoutDelay how long a locked-out client waits before its 421 (slows down guessers further)
 * @param inbound SPF, DKIM and DMARC checks of mail from other servers on the MX listener, or {@code null}: none
 * @param dmarcReject whether a DMARC failure under {@code p=reject} is refused (550 5.7.1) rather than only marked
 */
public record ListenerSecurity(ServerTls tls, Logins authenticator, AuthFailures failures, Duration lockoutDelay,
        InboundAuthentication inbound, boolean dmarcReject) {

    /** TLS and AUTH, no checks of inbound mail. */
    public ListenerSecurity(ServerTls tls, Logins authenticator, AuthFailures failures, Duration lockoutDelay) {
        this(tls, authenticator, failures, lockoutDelay, null, false);
    }

    /** No TLS and no AUTH. */
    public static ListenerSecurity none() {
        return new ListenerSecurity(null, null, null, Duration.ZERO);
    }
}
