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

    /**
     * Whether the messages may go, and what the RateLimit headers say. {@code never}: more messages at once than the
     * key's limit, which no wait lets through.
     */
    record Decision(boolean allowed, int limit, int remaining, long resetSeconds, boolean never) {
        Decision(boolean allowed, int limit, int remaining, long resetSeconds) {
            this(allowed, limit, remaining, resetSeconds, false);
        }
    }

    private static final long HOUR = 3_600_000L;

    private final Clock clock;
    private final Map<String, long[]> windows = new ConcurrentHashMap<>(); // {hour start, previous count, current}

    KeyRates(Clock clock) {
        this.clock = clock;
    }

    /**
     * Seconds until {@code n} more messages fit: within this hour, once enough of the previous hour has slid out of
     * the window; else in the next hour, once enough of this one has. A client that waits that long is let through.
     */
    private static long wait(long now, long start, long[] w, int n, int limit) {
        long previous = w[1];
        long current = w[2];
        double fits;
        if (current + n <= limit) {
            fits = start + HOUR * (1.0 - (double) (limit - current - n) / previous); // previous > 0 here
        } else {
            fits = start + HOUR + HOUR * (1.0 - (double) (limit - n) / current); // n <= limit, current > 0 here
        }
        return Math.max(1, ((long) Math.ceil(fits) - now + 999) / 1000);
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
            if (n > limit) { // never within the window: not counted, and not worth a retry
                return new Decision(false, limit, (int) Math.max(0, limit - used), reset, true);
            }
            if (used + n > limit) {
                return new Decision(false, limit, (int) Math.max(0, limit - used), wait(now, start, w, n, limit));
            }
            w[2] += n;
            return new Decision(true, limit, (int) (limit - used - n), reset);
        }
    }
}
