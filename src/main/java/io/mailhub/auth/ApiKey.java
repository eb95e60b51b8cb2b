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
 * @param scope which endpoints it may call
 */
public record ApiKey(String name, String hash, SendAs sendAs, int messagesPerHour, long maxSize, boolean mayRoute,
        boolean maySchedule, Scope scope) implements Principal {

    /** The endpoints a key may call ({@code scope=} in the keys file). */
    public enum Scope {
        /** every endpoint (the default) */
        ALL,
        /** the send endpoints (native, Postmark, SendGrid, Mailgun), not the webhooks */
        SEND,
        /** the monitoring webhooks only: a key in an Alertmanager or Grafana configuration cannot send other mail */
        WEBHOOKS;

        public String keyword() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A key for every endpoint. */
    public ApiKey(String name, String hash, SendAs sendAs, int messagesPerHour, long maxSize, boolean mayRoute,
            boolean maySchedule) {
        this(name, hash, sendAs, messagesPerHour, maxSize, mayRoute, maySchedule, Scope.ALL);
    }

    public boolean maySend() {
        return scope != Scope.WEBHOOKS;
    }

    public boolean mayPostWebhooks() {
        return scope != Scope.SEND;
    }

    @Override
    public boolean maySendAs(MailAddress address) {
        return sendAs.allows(address);
    }
}
