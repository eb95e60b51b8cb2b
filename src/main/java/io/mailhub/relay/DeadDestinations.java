package io.mailhub.relay;

import io.mailhub.model.SmtpReply;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Postfix's "dead destination": a host that failed at the connection level (refused, timed out, bad greeting) is
 * not tried again for a while; messages for it are deferred at once with the failure that made it dead, instead of
 * every queued message paying a connect timeout. In memory only: a restart forgets it, which costs one attempt.
 */
final class DeadDestinations {

    private record Dead(SmtpReply reply, long until) {}

    private final long holdNanos;
    private final Map<Destination, Dead> dead = new ConcurrentHashMap<>();

    DeadDestinations(Duration hold) {
        this.holdNanos = hold.toNanos();
    }

    /** The reply that made the destination dead, while it still is; {@code null} when it may be tried. */
    SmtpReply deadReply(Destination d) {
        if (holdNanos <= 0) {
            return null;
        }
        Dead x = dead.get(d);
        if (x == null) {
            return null;
        }
        if (System.nanoTime() - x.until > 0) {
            dead.remove(d, x);
            return null;
        }
        return x.reply;
    }

    void markDead(Destination d, SmtpReply reply) {
        if (holdNanos > 0) {
            dead.put(d, new Dead(reply, System.nanoTime() + holdNanos));
        }
    }

    void markAlive(Destination d) {
        if (!dead.isEmpty()) {
            dead.remove(d);
        }
    }
}
