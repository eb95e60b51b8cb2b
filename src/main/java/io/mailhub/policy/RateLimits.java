package io.mailhub.policy;

import io.mailhub.auth.RecentEvents;
import io.mailhub.model.MailAddress;
import io.mailhub.model.Recipient;
import io.mailhub.model.SmtpReply;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * Rate limits, like Postfix's anvil: connections per client address per minute, and messages and recipients per
 * logged-in user per hour. Over a limit, a connection gets {@code 421 4.7.0} and is closed, a MAIL or RCPT gets
 * {@code 450 4.7.1}, each with a text that says which limit. Trusted networks are exempt (Postfix's
 * {@code smtpd_client_event_limit_exceptions = $mynetworks}). A limit of 0 is off.
 *
 * <p>Each counter ({@link RecentEvents}) keeps the times of at most {@code limit} recent events per key, so memory
 * stays bounded by the limits; {@link #sweep()} forgets keys with no recent events.
 */
public final class RateLimits implements ConnectHook, MailHook, RcptHook {

    static final Duration MINUTE = Duration.ofMinutes(1);
    static final Duration HOUR = Duration.ofHours(1);

    private final int connectionsPerMinute;
    private final int messagesPerHour;
    private final int recipientsPerHour;
    private final NetworkList exempt;
    private final RecentEvents<String> connections;
    private final RecentEvents<String> messages;
    private final RecentEvents<String> recipients;

    public RateLimits(int connectionsPerMinute, int messagesPerHour, int recipientsPerHour, NetworkList exempt,
            Clock clock) {
        this.connectionsPerMinute = connectionsPerMinute;
        this.messagesPerHour = messagesPerHour;
        this.recipientsPerHour = recipientsPerHour;
        this.exempt = exempt;
        this.connections = new RecentEvents<>(MINUTE, clock);
        this.messages = new RecentEvents<>(HOUR, clock);
        this.recipients = new RecentEvents<>(HOUR, clock);
    }

    @Override
    public HookResult connect(SessionFacts session) {
        InetAddress client = session.clientAddress();
        if (exempt.contains(client) || take(connections, client.getHostAddress(), connectionsPerMinute)) {
            return HookResult.next();
        }
        return HookResult.reject(SmtpReply.of(421, "4.7.0", "Error: too many connections from ["
                + client.getHostAddress() + "] (limit " + connectionsPerMinute + " per minute), try again later"));
    }

    @Override
    public HookResult mail(SessionFacts session, MailAddress sender) {
        String user = session.authUser();
        if (user == null || exempt.contains(session.clientAddress())
                || take(messages, user, messagesPerHour)) {
            return HookResult.next();
        }
        return HookResult.reject(SmtpReply.of(450, "4.7.1", "Error: too many messages from user " + user
                + " (limit " + messagesPerHour + " per hour), try again later"));
    }

    @Override
    public HookResult rcpt(SessionFacts session, MailAddress sender, Recipient recipient) {
        String user = session.authUser();
        if (user == null || exempt.contains(session.clientAddress())
                || take(recipients, user, recipientsPerHour)) {
            return HookResult.next();
        }
        return HookResult.reject(SmtpReply.of(450, "4.7.1", "Error: too many recipients from user " + user
                + " (limit " + recipientsPerHour + " per hour), try again later"));
    }

    /** Counts one event for {@code key} unless that would exceed {@code limit} (0: no limit). */
    private static boolean take(RecentEvents<String> counter, String key, int limit) {
        return limit <= 0 || counter.addIfBelow(key, limit);
    }

    /** Current counts for operators: "connections [client]", "messages user" and "recipients user" to events. */
    public Map<String, Integer> counters() {
        Map<String, Integer> out = new TreeMap<>();
        connections.counts().forEach((k, n) -> out.put("connections [" + k + "]", n));
        messages.counts().forEach((k, n) -> out.put("messages " + k, n));
        recipients.counts().forEach((k, n) -> out.put("recipients " + k, n));
        return out;
    }

    /** Forgets keys without events in their window. */
    public void sweep() {
        connections.sweep();
        messages.sweep();
        recipients.sweep();
    }

    public int connectionsPerMinute() {
        return connectionsPerMinute;
    }

    public int messagesPerHour() {
        return messagesPerHour;
    }

    public int recipientsPerHour() {
        return recipientsPerHour;
    }
}
