package io.mailhub.queue;

import io.mailhub.model.EnvelopeHeaders;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import javax.management.ObjectName;
import org.apache.activemq.artemis.core.server.ActiveMQServer;

/**
 * {@link MailQueueAdminMBean}, and what the admin API reads and does, on the embedded or an external broker
 * ({@link BrokerQueues}): Artemis' own queue controls, which also reach scheduled messages.
 */
public final class MailQueueAdmin implements MailQueueAdminMBean {

    public static final String OBJECT_NAME = "io.mailhub:type=MailQueue";

    public static final List<String> STAGES =
            List.of(QueueNames.INCOMING, QueueNames.OUTBOUND, QueueNames.BOUNCE, QueueNames.HOLD, QueueNames.DEAD);

    private final BrokerQueues broker;

    /** @param server the running embedded broker server (asked at every call: the hub may restart its broker) */
    public MailQueueAdmin(Supplier<ActiveMQServer> server) {
        this(new LocalQueues(server));
    }

    public MailQueueAdmin(BrokerQueues broker) {
        this.broker = broker;
    }

    /** The broker operations underneath (for {@link MessageRework}). */
    public BrokerQueues broker() {
        return broker;
    }

    /** Registers this MBean with the platform MBean server. */
    public MailQueueAdmin register() throws Exception {
        ObjectName name = new ObjectName(OBJECT_NAME);
        var mbs = ManagementFactory.getPlatformMBeanServer();
        if (mbs.isRegistered(name)) {
            mbs.unregisterMBean(name);
        }
        mbs.registerMBean(this, name);
        return this;
    }

    public static void unregister() {
        try {
            var mbs = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = new ObjectName(OBJECT_NAME);
            if (mbs.isRegistered(name)) {
                mbs.unregisterMBean(name);
            }
        } catch (Exception e) {
            // nothing registered, nothing to do
        }
    }

    @Override
    public String[] list(String queue) throws Exception {
        control(queue);
        List<String> lines = new ArrayList<>();
        for (Map<String, Object> m : broker.waiting(queue, null)) {
            lines.add(describe(m, "waiting"));
        }
        for (Map<String, Object> m : broker.scheduled(queue)) {
            lines.add(describe(m, "scheduled"));
        }
        return lines.toArray(String[]::new);
    }

    @Override
    public String[] counts() throws Exception {
        List<String> lines = new ArrayList<>();
        for (String s : STAGES) {
            lines.add(s + " " + broker.messageCount(s));
        }
        return lines.toArray(String[]::new);
    }

    @Override
    public String inspect(String queueId) throws Exception {
        String filter = filter(queueId);
        StringBuilder sb = new StringBuilder();
        for (String s : STAGES) {
            for (Map<String, Object> m : broker.waiting(s, filter)) {
                sb.append(s).append(": ").append(details(m, "waiting")).append('\n');
            }
            for (Map<String, Object> m : broker.scheduled(s)) {
                if (queueId.equals(String.valueOf(m.get(EnvelopeHeaders.QUEUE_ID)))) {
                    sb.append(s).append(": ").append(details(m, "scheduled")).append('\n');
                }
            }
        }
        return sb.length() == 0 ? queueId + ": not queued" : sb.toString().stripTrailing();
    }

    /** Where a message is, for programs (the API): one entry per stage queue that holds a part of it. */
    public record Found(String queue, String state, List<String> recipients, int attempt, Instant nextAttempt,
            String principal) {}

    /** Every part of the message {@code queueId} that is still queued, in stage order; empty when none is. */
    public List<Found> find(String queueId) throws Exception {
        String filter = filter(queueId);
        List<Found> found = new ArrayList<>();
        for (String s : STAGES) {
            for (Map<String, Object> m : broker.waiting(s, filter)) {
                found.add(found(s, "waiting", m));
            }
            for (Map<String, Object> m : broker.scheduled(s)) {
                if (queueId.equals(String.valueOf(m.get(EnvelopeHeaders.QUEUE_ID)))) {
                    found.add(found(s, "scheduled", m));
                }
            }
        }
        return found;
    }

    private static Found found(String queue, String state, Map<String, Object> m) {
        String lines = String.valueOf(m.getOrDefault(EnvelopeHeaders.RECIPIENTS, ""));
        List<String> recipients = new ArrayList<>();
        for (String line : lines.split("\n")) {
            if (!line.isBlank()) {
                int open = line.indexOf('<');
                int close = line.indexOf('>', open + 1);
                recipients.add(open >= 0 && close > open ? line.substring(open + 1, close) : line.strip());
            }
        }
        Object attempt = m.get(EnvelopeHeaders.ATTEMPT);
        Object at = m.get("_AMQ_SCHED_DELIVERY");
        Object principal = m.get(EnvelopeHeaders.AUTH_USER);
        return new Found(queue, state, List.copyOf(recipients), attempt instanceof Number n ? n.intValue() : 0,
                at instanceof Number n ? Instant.ofEpochMilli(n.longValue()) : null,
                principal == null ? null : principal.toString());
    }

    @Override
    public int retryNow(String queueId) throws Exception {
        return apply(QueueNames.OUTBOUND, Action.RETRY, List.of(queueId), null);
    }

    @Override
    public int hold(String queueId) throws Exception {
        return apply(QueueNames.INCOMING, Action.MOVE, List.of(queueId), QueueNames.HOLD)
                + apply(QueueNames.OUTBOUND, Action.MOVE, List.of(queueId), QueueNames.HOLD);
    }

    @Override
    public int release(String queueId) throws Exception {
        int n = apply(QueueNames.HOLD, Action.MOVE, List.of(queueId), QueueNames.OUTBOUND);
        for (String quarantine : quarantines()) {
            n += apply(quarantine, Action.MOVE, List.of(queueId), QueueNames.OUTBOUND);
        }
        return n;
    }

    @Override
    public int delete(String queueId) throws Exception {
        int n = 0;
        for (String s : STAGES) {
            n += apply(s, Action.REMOVE, List.of(queueId), null);
        }
        return n;
    }

    // ---- for the admin API: whole queues, and actions on sets of queue ids ----

    /** Whether {@code queue} is a queue the operators manage: a stage queue or a quarantine queue a route holds to. */
    public boolean exists(String queue) {
        try {
            return isMailQueue(queue) && broker.names().contains(queue);
        } catch (IllegalStateException e) {
            return false;
        } catch (Exception e) {
            throw new IllegalStateException("cannot list the broker's queues: " + e.getMessage(), e);
        }
    }

    /** What marks a message a route held in a quarantine queue; other messages there are not the operators' mail. */
    static final String HELD = EnvelopeHeaders.HELD_BY + " IS NOT NULL";

    /**
     * The selector for the operators' messages of {@code queue}: {@code selector} itself in a stage queue; in any other
     * queue only the messages a route held there ({@link EnvelopeHeaders#HELD_BY}), never what another system put in a
     * queue of that name (a JMS egress queue, a client's queue).
     */
    public static String selectorFor(String queue, String selector) {
        if (STAGES.contains(queue)) {
            return selector;
        }
        return selector == null ? HELD : "(" + selector + ") AND " + HELD;
    }

    private static boolean held(String queue, Map<String, Object> message) {
        return STAGES.contains(queue) || message.get(EnvelopeHeaders.HELD_BY) != null;
    }

    /** Whether {@code queue} holds mail a route held there (a quarantine queue); false when the broker cannot tell. */
    public boolean holdsHeldMail(String queue) {
        try {
            return !STAGES.contains(queue) && broker.count(queue, HELD) > 0;
        } catch (Exception e) {
            return false; // no such queue (yet), or no broker
        }
    }

    /**
     * The quarantine queues on the broker: queues of {@code mailhub:hold?queue=...} that hold mail a route held (not
     * mail.*, hub.* or internal ones, and not queues without held mail such as JMS egress queues).
     */
    public List<String> quarantines() {
        List<String> names = new ArrayList<>();
        try {
            for (String name : broker.names()) {
                if (isMailQueue(name) && !STAGES.contains(name) && broker.count(name, HELD) > 0) {
                    names.add(name);
                }
            }
        } catch (IllegalStateException e) {
            return List.of(); // no broker, no quarantine queues
        } catch (Exception e) {
            throw new IllegalStateException("cannot list the broker's queues: " + e.getMessage(), e);
        }
        names.sort(null);
        return names;
    }

    private static boolean isMailQueue(String name) {
        return STAGES.contains(name) || (!name.startsWith("mail.") && !name.startsWith("hub.")
                && !name.startsWith("activemq.") && !name.startsWith("$") && !name.contains("submit")
                && name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,199}"));
    }

    /** Every message of {@code queue}, waiting ones in queue order, then the deferred ones. */
    public List<QueuedMail> snapshot(String queue) throws Exception {
        control(queue);
        List<QueuedMail> all = new ArrayList<>();
        for (Map<String, Object> m : broker.waiting(queue, selectorFor(queue, null))) {
            all.add(QueuedMail.of(queue, "waiting", m));
        }
        for (Map<String, Object> m : broker.scheduled(queue)) {
            if (held(queue, m)) {
                all.add(QueuedMail.of(queue, "deferred", m));
            }
        }
        return all;
    }

    /** Message count and deferred count of {@code queue}. */
    public long[] count(String queue) throws Exception {
        control(queue);
        if (STAGES.contains(queue)) {
            return new long[] {broker.messageCount(queue), broker.scheduledCount(queue)};
        }
        long scheduled = broker.scheduled(queue).stream().filter(m -> held(queue, m)).count();
        return new long[] {broker.count(queue, HELD) + scheduled, scheduled};
    }

    /** What an action does to the messages it is given. */
    public enum Action { RETRY, MOVE, REMOVE, REQUEUE_DEAD }

    /**
     * Applies {@code action} to the messages of {@code queue} with these queue ids ({@code null}: every message),
     * in batches of 200 ids; returns how many messages the broker acted on.
     *
     * @param target the destination queue of {@link Action#MOVE}
     */
    public int apply(String queue, Action action, java.util.Collection<String> queueIds, String target)
            throws Exception {
        control(queue);
        String q = queue;
        if (queueIds == null) {
            return applySelected(q, action, null, target);
        }
        int n = 0;
        List<String> batch = new ArrayList<>();
        for (String id : queueIds) {
            filter(id); // refuses anything that is not a queue id
            batch.add("'" + id + "'");
            if (batch.size() == 200) {
                n += applySelected(q, action, EnvelopeHeaders.QUEUE_ID + " IN (" + String.join(",", batch) + ")", target);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            n += applySelected(q, action, EnvelopeHeaders.QUEUE_ID + " IN (" + String.join(",", batch) + ")", target);
        }
        return n;
    }

    /**
     * The held messages that had been routed already: held by the routing route, or by an operator from
     * mail.outbound (Artemis' move sets {@code _AMQ_ORIG_QUEUE}). A release sends them on to delivery; every other
     * held message (held before the queue by the policy route or the spam quarantine, or by an operator from
     * mail.incoming) goes back to mail.incoming, so that the routing route runs for it.
     */
    static final String ROUTED = "(" + EnvelopeHeaders.HELD_BY + " = 'routing route' OR _AMQ_ORIG_QUEUE = '"
            + QueueNames.OUTBOUND + "')";

    private int applySelected(String q, Action action, String given, String target) throws Exception {
        String selector = selectorFor(q, given);
        if (action == Action.MOVE && QueueNames.OUTBOUND.equals(target) && !q.equals(QueueNames.INCOMING)
                && !q.equals(QueueNames.OUTBOUND)) { // a release
            String routed = selector == null ? ROUTED : "(" + selector + ") AND " + ROUTED;
            int n = broker.move(q, routed, QueueNames.OUTBOUND);
            return n + broker.move(q, selector, QueueNames.INCOMING);
        }
        return switch (action) {
            case RETRY -> {
                long before = broker.scheduledCount(q);
                broker.deliverScheduled(q, selector);
                yield (int) Math.max(0, before - broker.scheduledCount(q));
            }
            case MOVE -> broker.move(q, selector, target);
            case REMOVE -> broker.remove(q, selector);
            case REQUEUE_DEAD -> broker.retry(q, selector);
        };
    }

    /** Refuses a queue that is neither a stage queue nor a quarantine queue on the broker. */
    private void control(String queue) {
        if (!STAGES.contains(queue) && !exists(queue)) {
            throw new IllegalArgumentException("unknown queue '" + queue + "'; the stage queues are " + STAGES
                    + ", the quarantine queues " + quarantines());
        }
    }

    /** A selector for one queue id; ids are Crockford base32, anything else is refused. */
    public static String filter(String queueId) {
        if (queueId == null || !queueId.matches("[0-9A-Z]{1,32}")) {
            throw new IllegalArgumentException("'" + queueId + "' is not a queue id");
        }
        return EnvelopeHeaders.QUEUE_ID + " = '" + queueId + "'";
    }

    private static String describe(Map<String, Object> m, String state) {
        String recipients = String.valueOf(m.getOrDefault(EnvelopeHeaders.RECIPIENTS, ""));
        int nrcpt = recipients.isEmpty() ? 0 : recipients.split("\n").length;
        return m.get(EnvelopeHeaders.QUEUE_ID) + " " + state + " from=<" + m.getOrDefault(EnvelopeHeaders.SENDER, "")
                + "> nrcpt=" + nrcpt + " size=" + m.getOrDefault(EnvelopeHeaders.SIZE, "?") + " arrival="
                + m.getOrDefault(EnvelopeHeaders.ARRIVAL, "?") + " attempt=" + m.getOrDefault(EnvelopeHeaders.ATTEMPT, 0)
                + scheduled(m);
    }

    private static String details(Map<String, Object> m, String state) {
        return describe(m, state) + " to=" + String.valueOf(m.getOrDefault(EnvelopeHeaders.RECIPIENTS, ""))
                .replace("\n", ", ");
    }

    private static String scheduled(Map<String, Object> m) {
        Object at = m.get("_AMQ_SCHED_DELIVERY");
        return at instanceof Number n ? " next=" + Instant.ofEpochMilli(n.longValue()) : "";
    }
}
