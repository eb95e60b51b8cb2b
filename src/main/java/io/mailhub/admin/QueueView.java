package io.mailhub.admin;

import io.mailhub.queue.MailQueueAdmin;
import io.mailhub.queue.QueuedMail;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The queues as the admin API reads them: every message of the queues a filter names, exactly (the broker lists
 * whole queues, waiting and deferred messages alike), and a summary with Postfix {@code qshape}'s age buckets.
 */
public final class QueueView {

    /** qshape's buckets: minutes since arrival, each bucket up to its bound. */
    static final int[] BUCKETS = {5, 10, 20, 40, 80, 160, 320, 640, 1280};

    private final MailQueueAdmin queues;
    private final Clock clock;

    public QueueView(MailQueueAdmin queues, Clock clock) {
        this.queues = queues;
        this.clock = clock;
    }

    public Instant now() {
        return clock.instant();
    }

    /** The stage queues, then the quarantine queues. */
    public List<String> queueNames() {
        List<String> names = new ArrayList<>(MailQueueAdmin.STAGES);
        names.addAll(queues.quarantines());
        return names;
    }

    /** Whether {@code queue} is one the admin API can read. */
    public boolean knows(String queue) {
        return queues.exists(queue);
    }

    /** The matching messages, queue by queue in {@link #queueNames} order. */
    public List<QueuedMail> find(MailFilter filter) throws Exception {
        Instant now = clock.instant();
        List<QueuedMail> found = new ArrayList<>();
        for (String q : filter.queue() != null ? List.of(filter.queue()) : queueNames()) {
            for (QueuedMail m : queues.snapshot(q)) {
                if (filter.matches(m, now)) {
                    found.add(m);
                }
            }
        }
        return found;
    }

    /** One queue's numbers. */
    public record QueueSummary(String name, int messages, int deferred, long bytes, Duration oldest) {}

    /** Per-domain counts by age bucket ({@code counts[0]} is the total, then one per {@link #BUCKETS} bound and one more). */
    public record Shape(String queue, Map<String, int[]> domains) {}

    public List<QueueSummary> summary() throws Exception {
        Instant now = clock.instant();
        List<QueueSummary> list = new ArrayList<>();
        for (String q : queueNames()) {
            int messages = 0;
            int deferred = 0;
            long bytes = 0;
            Instant oldest = null;
            for (QueuedMail m : queues.snapshot(q)) {
                messages++;
                deferred += m.state().equals("deferred") ? 1 : 0;
                bytes += Math.max(0, m.size());
                if (m.arrival() != null && (oldest == null || m.arrival().isBefore(oldest))) {
                    oldest = m.arrival();
                }
            }
            list.add(new QueueSummary(q, messages, deferred, bytes, oldest == null ? Duration.ZERO
                    : Duration.between(oldest, now)));
        }
        return list;
    }

    /** qshape for {@code queue}: recipients' domains (largest first, at most {@code top}) by minutes since arrival. */
    public Shape shape(String queue, int top) throws Exception {
        Instant now = clock.instant();
        Map<String, int[]> byDomain = new TreeMap<>();
        int[] total = new int[BUCKETS.length + 2];
        for (QueuedMail m : queues.snapshot(queue)) {
            long minutes = m.arrival() == null ? 0 : Duration.between(m.arrival(), now).toMinutes();
            int bucket = 1;
            while (bucket <= BUCKETS.length && minutes >= BUCKETS[bucket - 1]) {
                bucket++;
            }
            for (String d : m.domains()) {
                int[] counts = byDomain.computeIfAbsent(d, k -> new int[BUCKETS.length + 2]);
                counts[0]++;
                counts[bucket]++;
            }
            total[0]++;
            total[bucket]++;
        }
        Map<String, int[]> shaped = new LinkedHashMap<>();
        shaped.put("TOTAL", total);
        byDomain.entrySet().stream().sorted((a, b) -> Integer.compare(b.getValue()[0], a.getValue()[0])).limit(top)
                .forEach(e -> shaped.put(e.getKey(), e.getValue()));
        return new Shape(queue, shaped);
    }
}
