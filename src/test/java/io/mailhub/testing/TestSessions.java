package io.mailhub.testing;

import io.mailhub.policy.SessionFacts;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** The facts of a client session, as a policy hook sees them, for hook tests. */
public final class TestSessions {

    private TestSessions() {}

    /**
     * A session from {@code ip} (an address literal), logged in as {@code login} ({@code null}: not logged in), through
     * the door labelled {@code door} ({@code smtp}, {@code http}, ...), without TLS.
     */
    public static SessionFacts of(String ip, String login, String door) {
        InetAddress address;
        try {
            address = InetAddress.getByName(ip);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(ip + " is not an address literal", e);
        }
        return new SessionFacts() {
            @Override
            public InetAddress clientAddress() {
                return address;
            }

            @Override
            public String helo() {
                return "client.test";
            }

            @Override
            public String authUser() {
                return login;
            }

            @Override
            public boolean tls() {
                return false;
            }

            @Override
            public String doorLabel() {
                return door;
            }
        };
    }
}
