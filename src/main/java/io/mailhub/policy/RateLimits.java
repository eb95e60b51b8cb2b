package io.mailhub.policy;

import io.mailhub.model.MailAddress;
import io.mailhub.model.Recipient;
import io.mailhub.model.SmtpReply;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Rate limits, like Postfix's anvil: connections per client address per minute, and messages and recipients per
 * logged-in user per hour. Over a limit, a connection gets {@code 421 4.7.0} and is closed, a MAIL or RCPT gets
 * {@code 450 4.7.1}, each with a text that says which limit. Trusted networks are exempt (Postfix's
 * {@code smtpd_client_event_limit_exceptions = $mynetworks}). A limit of 0 is off.
 *
 * <p>Each counter keeps the times of at most {@code limit} recent events in a sliding window, so memory stays bounded
 * by the limits; {@link #sweep()} forgets keys with no recent events.
 */
public final class RateLimits implements ConnectHook, MailHook, RcptHook {

    static final Duration MINUTE = Duration.ofMinutes(1);
    static final Duration HOUR = Duration.ofHours(1);

    private final int connectionsPerMinute;
    private final int messagesPerHour;
    private final int recipientsPerHour;
    private final NetworkList exempt;
    private final Clock clock;
    private final Map<String, Deque<Long>> connections = new ConcurrentHashMap<>();
    private final Map<String, Deque<Long>> messages = new ConcurrentHashMap<>();
    private final Map<String, Deque<Long>> recipients = new ConcurrentHashMap<>();

    public RateLimits(int connectionsPerMinute, int messagesPerHour, int recipientsPerHour, NetworkList exempt,
            Clock clock) {
        this.connectionsPerMinute = connectionsPerMinute;
        this.messagesPerHour = messagesPerHour;
        this.recipientsPerHour = recipientsPerHour;
        this.exempt = exempt;
        this.clock = clock;
    }

    @Override
    public HookResult connect(SessionFacts session) {
        InetAddress client = session.clientAddress();
        if (exempt.contains(client) || take(connections, client.getHostAddress(), connectionsPerMinute, MINUTE)) {
            return HookResult.next();
        }
        return HookResult.reject(SmtpReply.of(421, "4.7.0", "Error: too many connections from ["
                + client.getHostAddress() + "] (limit " + connectionsPerMinute + " per minute), try again later"));
    }

    @Override
    public HookResult mail(SessionFacts session, MailAddress sender) {
        String user = session.authUser();
        if (user == null || exempt.contains(session.clientAddress())
                || take(messages, user, messagesPerHour, HOUR)) {
            return HookResult.next();
        }
        return HookResult.reject(SmtpReply.of(450, "4.7.1", "Error: too many messages from user " + user
                + " (limit " + messagesPerHour + " per hour), try again later"));
    }

    @Override
    public HookResult rcpt(SessionFacts session, MailAddress sender, Recipient recipient) {
        String user = session.authUser();
        if (user == null || exempt.contains(session.clientAddress())
                || take(recipients, user, recipientsPerHour, HOUR)) {
            return HookResult.next();
        }
        return HookResult.reject(SmtpReply.of(450, "4.7.1", "Error: too many recipients from user " + user
                + " (limit " + recipientsPerHour + " per hour), try again later"));
    }

    /** Counts one event for {@code key} unless that would exceed {@code limit} within {@code window}. */
    private boolean take(Map<String, Deque<Long>> counters, String key, int limit, Duration window) {
        if (limit <= 0) {
            return true;
        }
        long now = clock.millis();
        Deque<Long> times = counters.computeIfAbsent(key, k -> new ArrayDeque<>());
        synchronized (times) {
            expire(times, now - window.toMillis());
            if (times.size() >= limit) {
                return false;
            }
            times.addLast(now);
            return true;
        }
    }

    private static void expire(Deque<Long> times, long oldest) {
        while (!times.isEmpty() && times.peekFirst() <= oldest) {
            times.pollFirst();
        }
    }

    /** Current counts for operators: "connections [client]", "messages user" and "recipients user" to events. */
    public Map<String, Integer> counters() {
        long now = clock.millis();
        Map<String, Integer> out = new TreeMap<>();
        snapshot(out, "connections [%s]", connections, now - MINUTE.toMillis());
        snapshot(out, "messages %s", messages, now - HOUR.toMillis());
        snapshot(out, "recipients %s", recipients, now - HOUR.toMillis());
        return out;
    }

    private static void snapshot(Map<String, Integer> out, String format, Map<String, Deque<Long>> counters,
            long oldest) {
        counters.forEach((key, times) -> {
            synchronized (times) {
                expire(times, oldest);
                if (!times.isEmpty()) {
                    out.put(String.format(format, key), times.size());
                }
            }
        });
    }

    /** Forgets keys without events in their window. */
    public void sweep() {
        long now = clock.millis();
        sweep(connections, now - MINUTE.toMillis());
        sweep(messages, now - HOUR.toMillis());
        sweep(recipients, now - HOUR.toMillis());
    }

    private static void sweep(Map<String, Deque<Long>> counters, long oldest) {
        counters.entrySet().removeIf(e -> {
            synchronized (e.getValue()) {
                expire(e.getValue(), oldest);
                return e.getValue().isEmpty();
            }
        });
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
