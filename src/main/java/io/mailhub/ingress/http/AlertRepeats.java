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
 * so a repeat after a crash or restart gets the same message. Two hubs on one broker that receive the same first
 * notification in the same instant may each mail it (each reads the records at start only).
 */
final class AlertRepeats {

    static final String PREFIX = "alert.";
    private static final Logger LOG = LoggerFactory.getLogger("io.mailhub.ingress");
    private static final int STRIPES = 64;

    private final IdempotencyRecords store;
    private final Clock clock;
    private final Map<String, Long> firstMailed = new ConcurrentHashMap<>();
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
            if (k != null && k.startsWith(PREFIX)) {
                try {
                    firstMailed.put(k, Long.parseLong(v.trim()));
                } catch (NumberFormatException e) {
                    LOG.warn("alert repeat record {} is not a time, ignored: {}", k, v);
                }
            }
        });
    }

    /**
     * The time the notification {@code key} was first mailed within {@code window} of now: that earlier time for a
     * repeat, or now for a first mail (or one after the window), stored durably before it is returned.
     *
     * @throws ApiProblem 503 when the first time cannot be stored (the broker is not reachable)
     */
    long firstMailed(String key, Duration window) throws ApiProblem {
        String id = PREFIX + key;
        long now = clock.millis();
        longestWindow = Math.max(longestWindow, window.toMillis());
        pruneNowAndThen(now);
        synchronized (locks[Math.floorMod(id.hashCode(), STRIPES)]) {
            Long first = firstMailed.get(id);
            if (first != null && first <= now && now - first < window.toMillis()) {
                return first;
            }
            if (store != null) {
                try {
                    store.save(id, Long.toString(now), window);
                } catch (Exception e) {
                    throw new ApiProblem(503, "queue-unavailable", "The hub cannot store mail now",
                            "the notification's first-mail time could not be stored: " + e, List.of(), "4.3.0", 30);
                }
            }
            firstMailed.put(id, now);
            return now;
        }
    }

    /** How many notifications are remembered. */
    int size() {
        return firstMailed.size();
    }

    private void pruneNowAndThen(long now) {
        long last = lastPrune.get();
        if (now - last >= 60_000 && lastPrune.compareAndSet(last, now)) {
            long keep = longestWindow;
            firstMailed.values().removeIf(first -> now - first >= keep);
        }
    }
}
