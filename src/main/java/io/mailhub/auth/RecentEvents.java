package io.mailhub.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Events per key within a sliding window (failed logins per client address, connections per address, messages per
 * user): the times of recent events are kept per key and forgotten once older than the window.
 */
public final class RecentEvents<K> {

    private final Duration window;
    private final Clock clock;
    private final Map<K, Deque<Long>> events = new ConcurrentHashMap<>();

    public RecentEvents(Duration window, Clock clock) {
        this.window = window;
        this.clock = clock;
    }

    /** Counts one event for {@code key}; returns how many are in the window now, this one included. */
    public int add(K key) {
        long now = clock.millis();
        Deque<Long> times = events.computeIfAbsent(key, k -> new ArrayDeque<>());
        synchronized (times) {
            times.addLast(now);
            expire(times, now);
            return times.size();
        }
    }

    /** Counts one event unless {@code key} already has {@code limit} in the window; returns whether it counted it. */
    public boolean addIfBelow(K key, int limit) {
        long now = clock.millis();
        Deque<Long> times = events.computeIfAbsent(key, k -> new ArrayDeque<>());
        synchronized (times) {
            expire(times, now);
            if (times.size() >= limit) {
                return false;
            }
            times.addLast(now);
            return true;
        }
    }

    /** Forgets the events of {@code key}. */
    public void clear(K key) {
        Deque<Long> times = events.get(key);
        if (times != null) {
            synchronized (times) {
                times.clear();
            }
        }
    }

    /** The keys with events in the window, and how many. */
    public Map<K, Integer> counts() {
        long now = clock.millis();
        Map<K, Integer> out = new LinkedHashMap<>();
        events.forEach((key, times) -> {
            synchronized (times) {
                expire(times, now);
                if (!times.isEmpty()) {
                    out.put(key, times.size());
                }
            }
        });
        return out;
    }

    /** Forgets keys without events in the window. */
    public void sweep() {
        long now = clock.millis();
        events.entrySet().removeIf(e -> {
            synchronized (e.getValue()) {
                expire(e.getValue(), now);
                return e.getValue().isEmpty();
            }
        });
    }

    private void expire(Deque<Long> times, long now) {
        long oldest = now - window.toMillis();
        while (!times.isEmpty() && times.peekFirst() <= oldest) {
            times.pollFirst();
        }
    }
}
