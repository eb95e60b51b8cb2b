package io.mailhub.acceptance;

import io.mailhub.auth.Principal;
import io.mailhub.cleanup.SessionTrace;
import io.mailhub.policy.SessionFacts;
import java.net.InetAddress;

/**
 * Where a message came from, recorded the same way by every door.
 *
 * @param door the door
 * @param client the client's address (for a local door such as the pickup directory: the loopback address)
 * @param clientHelo the SMTP HELO/EHLO name, or {@code null}
 * @param principal who authenticated (SMTP login, API key), or {@code null}
 * @param trusted whether the client may relay without a principal (a trusted network)
 * @param trace what the Received header records about the connection
 */
public record Origin(Door door, InetAddress client, String clientHelo, Principal principal, boolean trusted,
        SessionTrace trace) implements SessionFacts {

    @Override
    public InetAddress clientAddress() {
        return client;
    }

    @Override
    public String helo() {
        return clientHelo;
    }

    @Override
    public String authUser() {
        return principal == null ? null : principal.name();
    }

    @Override
    public Principal principal() {
        return principal;
    }

    @Override
    public boolean tls() {
        return trace.tlsProtocol() != null;
    }

    @Override
    public String doorLabel() {
        return door.label();
    }

    /** Outbound mail: from a principal or a trusted network (DKIM-signed, no inbound checks). */
    public boolean isOutbound() {
        return principal != null || trusted;
    }
}
