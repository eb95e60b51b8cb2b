package io.mailhub.policy;

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
}
