package io.mailhub.admin;

import io.mailhub.queue.QueuedMail;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Which queued messages an admin request means. Every field is optional; an empty filter means every message (bulk
 * actions then insist on {@code all: true}). Addresses and domains compare without case; {@code status} is a
 * substring of the last attempt's replies.
 *
 * @param queue one queue (a stage queue or a quarantine queue), or {@code null}: every queue the action applies to
 * @param state {@code waiting} or {@code deferred}
 * @param minAge at least this long since arrival
 * @param maxAge at most this long since arrival
 * @param minAttempts at least this many delivery attempts
 */
public record MailFilter(String queue, String queueId, String sender, String recipient, String domain,
        String principal, String door, String nextHop, String status, String state, Duration minAge, Duration maxAge,
        Integer minAttempts) {

    public static final MailFilter ALL = new MailFilter(null, null, null, null, null, null, null, null, null, null, null,
            null, null);

    /** The names of the fields, as the query parameters and the JSON filter object spell them. */
    public static final java.util.List<String> FIELDS = java.util.List.of("queue", "queue_id", "sender", "recipient",
            "domain", "principal", "door", "next_hop", "status", "state", "min_age", "max_age", "min_attempts");

    /**
     * A filter from named values ({@link #FIELDS}; ages as seconds or with a unit: {@code 90s}, {@code 2h}).
     *
     * @throws IllegalArgumentException naming the field whose value is wrong
     */
    public static MailFilter of(Function<String, String> values) {
        for (String key : FIELDS) {
            values.apply(key); // let a caller that collects unknown keys see every known one
        }
        String state = blankToNull(values.apply("state"));
        if (state != null && !state.equals("waiting") && !state.equals("deferred")) {
            throw new IllegalArgumentException("state must be waiting or deferred");
        }
        return new MailFilter(blankToNull(values.apply("queue")), blankToNull(values.apply("queue_id")),
                lower(values.apply("sender")), lower(values.apply("recipient")), domain(values.apply("domain")),
                blankToNull(values.apply("principal")), blankToNull(values.apply("door")),
                blankToNull(values.apply("next_hop")), blankToNull(values.apply("status")), state,
                age("min_age", values.apply("min_age")), age("max_age", values.apply("max_age")),
                count("min_attempts", values.apply("min_attempts")));
    }

    public static MailFilter of(Map<String, String> values) {
        return of(values::get);
    }

    public boolean isEmpty() {
        return equals(ALL) || (queue != null && withQueue(null).equals(ALL));
    }

    public MailFilter withQueue(String q) {
        return new MailFilter(q, queueId, sender, recipient, domain, principal, door, nextHop, status, state, minAge,
                maxAge, minAttempts);
    }

    public MailFilter withQueueId(String id) {
        return new MailFilter(queue, id, sender, recipient, domain, principal, door, nextHop, status, state, minAge,
                maxAge, minAttempts);
    }

    public boolean matches(QueuedMail m, Instant now) {
        Duration age = m.arrival() == null ? Duration.ZERO : Duration.between(m.arrival(), now);
        return (queue == null || queue.equals(m.queue()))
                && (queueId == null || queueId.equals(m.queueId()))
                && (sender == null || sender.equals(m.sender().toLowerCase(Locale.ROOT)))
                && (recipient == null || m.recipients().stream().anyMatch(r -> r.equalsIgnoreCase(recipient)))
                && (domain == null || m.domains().contains(domain))
                && (principal == null || principal.equals(m.principal()))
                && (door == null || door.equals(m.door()))
                && (nextHop == null || nextHop.equals(m.nextHop()))
                && (status == null || m.lastStatus().contains(status))
                && (state == null || state.equals(m.state()))
                && (minAge == null || age.compareTo(minAge) >= 0)
                && (maxAge == null || age.compareTo(maxAge) <= 0)
                && (minAttempts == null || m.attempt() >= minAttempts);
    }

    /** The filter as a map of its set fields (for the audit log). */
    public Map<String, Object> describe() {
        Map<String, Object> d = new java.util.LinkedHashMap<>();
        put(d, "queue", queue);
        put(d, "queue_id", queueId);
        put(d, "sender", sender);
        put(d, "recipient", recipient);
        put(d, "domain", domain);
        put(d, "principal", principal);
        put(d, "door", door);
        put(d, "next_hop", nextHop);
        put(d, "status", status);
        put(d, "state", state);
        put(d, "min_age", minAge == null ? null : minAge.toSeconds() + "s");
        put(d, "max_age", maxAge == null ? null : maxAge.toSeconds() + "s");
        put(d, "min_attempts", minAttempts);
        return d;
    }

    private static void put(Map<String, Object> d, String k, Object v) {
        if (v != null) {
            d.put(k, v);
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static String lower(String s) {
        String v = blankToNull(s);
        return v == null ? null : v.toLowerCase(Locale.ROOT);
    }

    private static String domain(String s) {
        String v = lower(s);
        return v == null ? null : v.startsWith("@") ? v.substring(1) : v;
    }

    private static Duration age(String key, String text) {
        String v = blankToNull(text);
        if (v == null) {
            return null;
        }
        try {
            return v.matches("\\d+") ? Duration.ofSeconds(Long.parseLong(v))
                    : io.mailhub.model.DurationText.parse(v);
        } catch (RuntimeException | io.mailhub.model.SyntaxException e) {
            throw new IllegalArgumentException(key + " must be seconds or a duration such as 30m or 2h");
        }
    }

    private static Integer count(String key, String text) {
        String v = blankToNull(text);
        if (v == null) {
            return null;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number of attempts");
        }
    }
}
