package io.mailhub.ingress.smtp;

import io.mailhub.auth.AuthFailures;
import io.mailhub.auth.Authenticator;
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
 */
public record ListenerSecurity(ServerTls tls, Authenticator authenticator, AuthFailures failures, Duration lockoutDelay) {

    /** No TLS and no AUTH. */
    public static ListenerSecurity none() {
        return new ListenerSecurity(null, null, null, Duration.ZERO);
    }
}
