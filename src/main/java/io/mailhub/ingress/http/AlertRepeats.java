package io.mailhub.ingress.http;

import io.mailhub.queue.IdempotencyRecords;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When each monitoring notification (receiver, group, status, alerts) was first mailed, so that a repeat within
 * {@code mailhub.alerts.dedup-window} of that first mail makes the same message (the same queue id, which the broker's
 * duplicate detection stores once) and a repeat after it makes a new one.
 *
 * <p>The window starts at the first mail, not at a fixed interval boundary: a repeat a second after the first is never
 * mailed again, whatever the clock reads. The first time is stored durably in the broker (the idempotency records,
 * key {@code alert.HASH}, kept for the window) <em>before</em> the mail is queued, and read back when the hub starts,
 * so a repeat after a crash or restart gets the same message. Once the mail is queued its answer is stored too, and a
 * repeat within the window gets that answer without a send (so it does not depend on the broker still remembering
 * the queue id); a crash between the two leaves the duplicate detection to store the repeat's message once. A
 * notification this hub has no record of is looked up in the broker before it counts as a first mail, so a repeat
 * that reaches another hub on the same broker gets the first one's time. Two hubs that receive the same first
 * notification in the same instant may still each mail it.
 */
final class AlertRepeats {

    static final String PREFIX = "alert.";
    private static final Logger LOG = LoggerFactory.getLogger("io.mailhub.ingress");
    private static final int STRIPES = 64;

    private final IdempotencyRecords store;
    private final Clock clock;
    /** When a notification was first mailed, and the answer to it once it was queued ({@code null} before). */
    record Mailed(long first, String answer) {}

    private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER =
            new com.fasterxml.jackson.databind.ObjectMapper();
    private final Map<String, Mailed> firstMailed = new ConcurrentHashMap<>();
    private final Object[] locks = new Object[STRIPES];
    private final AtomicLong lastPrune = new AtomicLong();
    private volatile long longestWindow;

    /** @param store the broker's records, or {@code null}: in memory only (tests) */
    AlertRepeats(IdempotencyRecords store, Clock clock) {
        this.store = store;
        this.clock = clock;
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new Object();
        }
    }

    /** Takes the first-mail times among the broker's records (those with keys {@code alert.*}), at start-up. */
    void load(Map<String, String> records) {
        records.forEach((k, v) -> {
            Mailed m = k != null && k.startsWith(PREFIX) ? parse(k, v) : null;
            if (m != null) {
                firstMailed.put(k, m);
            }
        });
    }

    /**
     * When the notification {@code key} was first mailed within {@code window} of now, with the answer given then: an
     * earlier time for a repeat, or now (and no answer) for a first mail or one after the window, stored durably
     * before it is returned.
     *
     * @throws ApiProblem 503 when the first time cannot be stored (the broker is not reachable)
     */
    Mailed firstMailed(String key, Duration window) throws ApiProblem {
        String id = PREFIX + key;
        long now = clock.millis();
        longestWindow = Math.max(longestWindow, window.toMillis());
        pruneNowAndThen(now);
        synchronized (locks[Math.floorMod(id.hashCode(), STRIPES)]) {
            Mailed m = firstMailed.get(id);
            if (!within(m, now, window) && store != null) {
                m = stored(id); // another hub on the same broker may have mailed it since this one started
            }
            if (within(m, now, window)) {
                firstMailed.put(id, m);
                return m;
            }
            Mailed first = new Mailed(now, null);
            if (store != null) {
                try {
                    store.save(id, json(first), window);
                } catch (Exception e) {
                    throw unavailable("the notification's first-mail time could not be stored: " + e);
                }
            }
            firstMailed.put(id, first);
            return first;
        }
    }

    private static boolean within(Mailed m, long now, Duration window) {
        return m != null && m.first() <= now && now - m.first() < window.toMillis();
    }

    /** The broker's record of {@code id}, or {@code null}. */
    private Mailed stored(String id) throws ApiProblem {
        String record;
        try {
            record = store.find(id);
        } catch (Exception e) {
            throw unavailable("the notification's first-mail time could not be read: " + e);
        }
        return record == null ? null : parse(id, record);
    }

    private static ApiProblem unavailable(String detail) {
        return new ApiProblem(503, "queue-unavailable", "The hub cannot store mail now", detail, List.of(), "4.3.0",
                30);
    }

    private static Mailed parse(String id, String record) {
        try {
            com.fasterxml.jackson.databind.JsonNode n = MAPPER.readTree(record);
            return new Mailed(n.path("first").asLong(), n.hasNonNull("answer") ? n.get("answer").asText() : null);
        } catch (Exception e) {
            LOG.warn("alert repeat record {} is not readable, ignored: {}", id, e.toString());
            return null;
        }
    }

    /**
     * Records the answer given to the first mail of {@code key} (at {@code first}), for the rest of its window. A
     * record the broker cannot take is logged: a repeat is then sent again, and stored once by duplicate detection.
     */
    void answered(String key, long first, Duration window, String answer) {
        String id = PREFIX + key;
        Mailed m = new Mailed(first, answer);
        synchronized (locks[Math.floorMod(id.hashCode(), STRIPES)]) {
            Mailed now = firstMailed.get(id);
            if (now != null && now.first() != first) {
                return; // a later window began meanwhile
            }
            firstMailed.put(id, m);
            if (store != null) {
                long left = first + window.toMillis() - clock.millis();
                try {
                    store.save(id, json(m), Duration.ofMillis(Math.max(1000, left)));
                } catch (Exception e) {
                    LOG.warn("alert repeat answer not stored in the broker: {}", e.toString());
                }
            }
        }
    }

    private static String json(Mailed m) {
        com.fasterxml.jackson.databind.node.ObjectNode n = MAPPER.createObjectNode().put("first", m.first());
        if (m.answer() != null) {
            n.put("answer", m.answer());
        }
        return n.toString();
    }

    /** How many notifications are remembered. */
    int size() {
        return firstMailed.size();
    }

    private void pruneNowAndThen(long now) {
        long last = lastPrune.get();
        if (now - last >= 60_000 && lastPrune.compareAndSet(last, now)) {
            long keep = longestWindow;
            firstMailed.values().removeIf(m -> now - m.first() >= keep);
        }
    }
}
