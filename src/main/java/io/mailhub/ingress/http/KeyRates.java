package io.mailhub.ingress.http;

import io.mailhub.auth.ApiKey;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Messages per hour per API key, as a sliding-window counter (the last full hour weighted by how much of it is still
 * in the window, plus the current hour): constant memory per key, whatever its limit.
 */
final class KeyRates {

    /** Whether the messages may go, and what the RateLimit headers say. */
    record Decision(boolean allowed, int limit, int remaining, long resetSeconds) {}

    private static final long HOUR = 3_600_000L;

    private final Clock clock;
    private final Map<String, long[]> windows = new ConcurrentHashMap<>(); // {hour start, previous count, current}

    KeyRates(Clock clock) {
        this.clock = clock;
    }

    /** Counts {@code n} messages of {@code key} if they fit its limit (a key without a limit always passes). */
    Decision take(ApiKey key, int n) {
        int limit = key.messagesPerHour();
        if (limit <= 0) {
            return new Decision(true, 0, 0, 0);
        }
        long now = clock.millis();
        long start = now - now % HOUR;
        long[] w = windows.computeIfAbsent(key.name(), k -> new long[] {start, 0, 0});
        synchronized (w) {
            if (w[0] != start) {
                w[1] = w[0] == start - HOUR ? w[2] : 0;
                w[2] = 0;
                w[0] = start;
            }
            double previousWeight = 1.0 - (double) (now - start) / HOUR;
            long used = (long) Math.ceil(w[1] * previousWeight) + w[2];
            long reset = (start + HOUR - now + 999) / 1000;
            if (used + n > limit) {
                return new Decision(false, limit, (int) Math.max(0, limit - used), reset);
            }
            w[2] += n;
            return new Decision(true, limit, (int) (limit - used - n), reset);
        }
    }
}
