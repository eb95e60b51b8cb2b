package io.mailhub.bounce;

import java.util.Locale;

/** The RFC 3464 section 2.3.3 Action of one recipient, as the delivery stage writes it in a RecipientOutcome. */
public enum DsnAction {
    FAILED,
    DELAYED,
    DELIVERED,
    RELAYED,
    EXPANDED;

    /**
     * Reads an action keyword, ignoring case.
     *
     * @throws IllegalArgumentException for anything that is not an RFC 3464 action (a malformed queue message)
     */
    public static DsnAction of(String keyword) {
        try {
            return valueOf(keyword.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not an RFC 3464 action: '" + keyword + "'");
        }
    }

    /** The keyword as written in the {@code Action:} field. */
    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the recipient got the message (or it left our hands for good): delivered, relayed or expanded. */
    public boolean isSuccess() {
        return this == DELIVERED || this == RELAYED || this == EXPANDED;
    }
}
