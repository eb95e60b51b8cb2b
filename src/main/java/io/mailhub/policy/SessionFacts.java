package io.mailhub.policy;

import io.mailhub.auth.Principal;
import java.net.InetAddress;

/** What a policy hook may know about the client session. Non-SMTP ingress paths provide their own facts. */
public interface SessionFacts {

    InetAddress clientAddress();

    /** The HELO/EHLO name, {@code null} before the client sent one. */
    String helo();

    /** The authenticated identity, {@code null} when the client has not authenticated. */
    String authUser();

    /** Whether the session is encrypted. */
    boolean tls();

    /**
     * The authenticated identity itself, when the door has it at hand (an API key); {@code null} lets the sender rules
     * look {@link #authUser()} up in the users file, as for SMTP logins.
     */
    default Principal principal() {
        return null;
    }

    /** The label of the door the mail comes through ({@code smtp}, {@code submission}, {@code http}, ...). */
    default String doorLabel() {
        return "smtp";
    }
}
