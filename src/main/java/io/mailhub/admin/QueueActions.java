package io.mailhub.admin;

import io.mailhub.queue.MailQueueAdmin;
import io.mailhub.queue.MessageRework;
import io.mailhub.queue.QueueNames;
import io.mailhub.queue.QueuedMail;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The operators' actions on a filter's messages: each names the queues it takes messages from, finds the matching
 * ones there (exactly, see {@link QueueView}), and has the broker act on exactly those queue ids. A message that
 * moved on between finding and acting (delivered meanwhile) is not acted on; the result says how many were.
 */
public final class QueueActions {

    /** An action, with the queues it reads and what it does there. */
    public enum Kind {
        /** Deliver deferred mail now instead of at its next attempt time (postqueue -f / -s / -i). */
        FLUSH(List.of(QueueNames.OUTBOUND), MailQueueAdmin.Action.RETRY, null),
        /** Move to mail.hold, where nothing delivers it (postsuper -h). */
        HOLD(List.of(QueueNames.INCOMING, QueueNames.OUTBOUND), MailQueueAdmin.Action.MOVE, QueueNames.HOLD),
        /** Move held or quarantined mail back to delivery (postsuper -H). */
        RELEASE(List.of(QueueNames.HOLD), MailQueueAdmin.Action.MOVE, QueueNames.OUTBOUND),
        /** Delete without a notice to the sender (postsuper -d). */
        DELETE(MailQueueAdmin.STAGES, MailQueueAdmin.Action.REMOVE, null),
        /** Put dead letters back on the queue they died in (postsuper -r for mail.dead). */
        REQUEUE_DEAD(List.of(QueueNames.DEAD), MailQueueAdmin.Action.REQUEUE_DEAD, null),
        /** Give up: every recipient still queued fails with the reason, and the sender gets a DSN (exim -Mg). */
        BOUNCE(List.of(QueueNames.OUTBOUND, QueueNames.HOLD, QueueNames.DEAD), null, QueueNames.BOUNCE),
        /** Deliver now through another next hop ({@code host[:port]}, {@code mx:domain}, {@code transport:NAME}). */
        REROUTE(List.of(QueueNames.OUTBOUND, QueueNames.HOLD), null, QueueNames.OUTBOUND);

        final List<String> from;
        final MailQueueAdmin.Action action;
        final String target;

        Kind(List<String> from, MailQueueAdmin.Action action, String target) {
            this.from = from;
            this.action = action;
            this.target = target;
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** The action named {@code text} ({@code flush}, {@code hold}, ...), or {@code null}. */
        public static Kind parse(String text) {
            for (Kind k : values()) {
                if (k.label().equals(text)) {
                    return k;
                }
            }
            return null;
        }
    }

    /** What an action found and did: {@code queueIds} lists at most the first 100 matched. */
    public record Result(String action, int matched, int affected, boolean dryRun, List<String> queueIds,
            Map<String, Integer> byQueue, List<String> allQueueIds) {}

    private final MailQueueAdmin queues;
    private final QueueView view;
    private final MessageRework rework;

    /** @param rework how messages are edited (bounce, reroute, raw), or {@code null}: those actions are refused */
    public QueueActions(MailQueueAdmin queues, QueueView view, MessageRework rework) {
        this.queues = queues;
        this.view = view;
        this.rework = rework;
    }

    public QueueActions(MailQueueAdmin queues, QueueView view) {
        this(queues, view, null);
    }

    /** The queues {@code kind} reads for {@code filter}: its own, narrowed to the filter's queue when it names one. */
    List<String> sources(Kind kind, MailFilter filter) {
        List<String> from = new ArrayList<>(kind.from);
        if (kind == Kind.RELEASE || kind == Kind.DELETE || kind == Kind.BOUNCE || kind == Kind.REROUTE) {
            from.addAll(queues.quarantines()); // quarantine queues of mailhub:hold?queue=...
        }
        if (filter.queue() != null) {
            if (!from.contains(filter.queue())) {
                throw new IllegalArgumentException(kind.label() + " does not apply to queue " + filter.queue()
                        + "; it takes messages from " + from);
            }
            return List.of(filter.queue());
        }
        return from;
    }

    public Result run(Kind kind, MailFilter filter, boolean dryRun) throws Exception {
        return run(kind, filter, dryRun, null);
    }

    /**
     * Runs {@code kind} on the filter's messages.
     *
     * @param argument the bounce's reason (in the DSN) or the reroute's next hop; {@code null} for the others
     */
    public Result run(Kind kind, MailFilter filter, boolean dryRun, String argument) throws Exception {
        MessageRework.Edit edit = switch (kind) {
            case BOUNCE -> MessageEdits.bounce(argument);
            case REROUTE -> MessageEdits.reroute(argument);
            default -> null;
        };
        if (edit != null && rework == null) {
            throw new IllegalStateException(kind.label() + " is not available: no JMS connection to the broker");
        }
        List<String> ids = new ArrayList<>();
        List<String> all = new ArrayList<>();
        Map<String, Integer> byQueue = new LinkedHashMap<>();
        int matched = 0;
        int affected = 0;
        for (String q : sources(kind, filter)) {
            List<String> here = new ArrayList<>();
            for (QueuedMail m : view.find(filter.withQueue(q))) {
                if (kind != Kind.FLUSH || m.state().equals("deferred")) {
                    here.add(m.queueId());
                }
            }
            matched += here.size();
            all.addAll(here);
            here.stream().limit(Math.max(0, 100 - ids.size())).forEach(ids::add);
            if (!dryRun && !here.isEmpty()) {
                int n = edit != null ? rework.rework(q, here, edit) : queues.apply(q, kind.action, here, kind.target);
                affected += n;
                byQueue.put(q, n);
            }
        }
        return new Result(kind.label(), matched, dryRun ? 0 : affected, dryRun, List.copyOf(ids), byQueue,
                List.copyOf(all));
    }

    /**
     * The message {@code queueId} as the hub stores it (Received and DKIM-Signature included): taken out of its queue
     * and put back as it was (still deferred, or still dead with its original queue); {@code null} when not queued.
     */
    public byte[] raw(String queueId) throws Exception {
        if (rework == null) {
            throw new IllegalStateException("raw is not available: no JMS connection to the broker");
        }
        List<QueuedMail> parts = view.find(MailFilter.ALL.withQueueId(queueId));
        if (parts.isEmpty()) {
            return null;
        }
        String queue = parts.get(0).queue();
        byte[][] body = new byte[1][];
        rework.rework(queue, List.of(queueId), (props, bytes) -> {
            body[0] = body[0] == null ? bytes : body[0];
            return queue;
        });
        return body[0];
    }
}
