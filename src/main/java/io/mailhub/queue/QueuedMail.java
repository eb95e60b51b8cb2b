package io.mailhub.queue;

import io.mailhub.model.EnvelopeHeaders;
import io.mailhub.model.RecipientOutcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One queued message as the operators see it, read from the broker's management view of its properties (no body).
 *
 * @param queue the queue it is in
 * @param state {@code waiting} (ready for its stage) or {@code deferred} (scheduled for its next attempt)
 * @param recipients the recipients still to be delivered in this part of the message
 * @param arrival when the hub accepted it
 * @param attempt delivery attempts so far
 * @param nextAttempt when a deferred message is tried again, else {@code null}
 * @param lastStatus the last attempt's reply for its recipients (one line each), or {@code ""}
 * @param nextHop the next hop a route chose, or {@code null} (MX or the smart host)
 * @param door the door it came in by, or {@code null}
 * @param deadReason why it is in mail.dead, or {@code null}
 */
public record QueuedMail(String queue, String state, String queueId, String sender, List<String> recipients, long size,
        Instant arrival, int attempt, Instant nextAttempt, String principal, String lastStatus, String nextHop,
        String door, String deadReason) {

    static QueuedMail of(String queue, String state, Map<String, Object> m) {
        return new QueuedMail(queue, state, text(m.get(EnvelopeHeaders.QUEUE_ID)),
                text(m.getOrDefault(EnvelopeHeaders.SENDER, "")), addresses(text(m.get(EnvelopeHeaders.RECIPIENTS))),
                number(m.get(EnvelopeHeaders.SIZE), -1), instant(m.get(EnvelopeHeaders.ARRIVAL)),
                (int) number(m.get(EnvelopeHeaders.ATTEMPT), 0), instant(m.get("_AMQ_SCHED_DELIVERY")),
                nullable(m.get(EnvelopeHeaders.AUTH_USER)), lastStatus(text(m.get(RecipientOutcome.HEADER))),
                nullable(m.get("MailhubNextHop")), nullable(m.get("MailhubIngress")),
                nullable(m.get("MailhubDeadReason")));
    }

    /** The domains of its recipients, lower case. */
    public List<String> domains() {
        return recipients.stream().map(r -> r.substring(r.lastIndexOf('@') + 1).toLowerCase(java.util.Locale.ROOT))
                .distinct().toList();
    }

    private static String text(Object o) {
        return o == null ? "" : o.toString();
    }

    private static String nullable(Object o) {
        return o == null || o.toString().isEmpty() ? null : o.toString();
    }

    private static long number(Object o, long otherwise) {
        if (o instanceof Number n) {
            return n.longValue();
        }
        try {
            return o == null ? otherwise : Long.parseLong(o.toString());
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    private static Instant instant(Object o) {
        long ms = number(o, -1);
        return ms <= 0 ? null : Instant.ofEpochMilli(ms);
    }

    private static List<String> addresses(String lines) {
        List<String> list = new ArrayList<>();
        for (String line : lines.split("\n")) {
            if (!line.isBlank()) {
                int open = line.indexOf('<');
                int close = line.indexOf('>', open + 1);
                list.add(open >= 0 && close > open ? line.substring(open + 1, close) : line.strip());
            }
        }
        return List.copyOf(list);
    }

    /** "recipient: status diagnostic" per line of the outcomes header. */
    private static String lastStatus(String outcomes) {
        StringBuilder sb = new StringBuilder();
        for (String line : outcomes.split("\n")) {
            String[] f = line.split("\t", 5);
            if (f.length == 5) {
                if (sb.length() > 0) {
                    sb.append('\n');
                }
                sb.append(f[4]);
            }
        }
        return sb.toString();
    }
}
