package io.mailhub.admin;

import java.util.Locale;

/** What an admin user may do; each role may do what the roles before it may. */
public enum Role {
    /** Read: summaries, lists, one message's envelope and history. */
    VIEWER,
    /** Act on mail: flush, hold, release, delete, bounce, requeue, reroute, suspend. */
    OPERATOR,
    /** Also read message contents (raw message, audited). */
    ADMIN;

    public boolean allows(Role needed) {
        return compareTo(needed) >= 0;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role named {@code text}, or {@code null}. */
    public static Role parse(String text) {
        for (Role r : values()) {
            if (r.label().equals(text)) {
                return r;
            }
        }
        return null;
    }
}
