package io.mailhub.auth;

import io.mailhub.model.MailAddress;

/**
 * One API key of the keys file: its name (the principal in logs, Received and {@code MailhubAuthUser}), the hash of
 * its secret (never the secret), and its scopes.
 *
 * @param sendAs the sender addresses and domains it may use (the same rule as SMTP logins)
 * @param messagesPerHour its rate limit, 0: none
 * @param maxSize the largest message it may send in octets, 0: the hub's limit
 * @param mayRoute whether it may choose a route ({@code route}, Postmark's {@code MessageStream})
 * @param maySchedule whether it may ask for a later delivery ({@code send_at}, {@code o:deliverytime})
 */
public record ApiKey(String name, String hash, SendAs sendAs, int messagesPerHour, long maxSize, boolean mayRoute,
        boolean maySchedule) implements Principal {

    @Override
    public boolean maySendAs(MailAddress address) {
        return sendAs.allows(address);
    }
}
