package io.mailhub.auth;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts failed logins per client address (Postfix's anvil, fail2ban's idea inside the server): after
 * {@code maxFailures} failures within {@code window}, the address is locked out for {@code lockout}; a locked-out
 * client is delayed and then answered 421 4.7.0 on every connection and every AUTH until the time is up. A successful
 * login does not reset the count, so a guesser cannot interleave one known password to stay below the limit.
 */
public final class AuthFailures {

    private final int maxFailures;
    private final Duration lockout;
    private final Clock clock;
    private final RecentEvents<InetAddress> failures;
    private final Map<InetAddress, Long> lockedUntil = new ConcurrentHashMap<>();

    public AuthFailures(int maxFailures, Duration window, Duration lockout, Clock clock) {
        this.maxFailures = maxFailures;
        this.lockout = lockout;
        this.clock = clock;
        this.failures = new RecentEvents<>(window, clock);
    }

    /** Records one failed login; returns {@code true} when this failure locks the address out. */
    public boolean failed(InetAddress client) {
        if (failures.add(client) < maxFailures) {
            return false;
        }
        failures.clear(client);
        lockedUntil.put(client, clock.millis() + lockout.toMillis());
        return true;
    }

    /** Whether {@code client} is locked out now. */
    public boolean isLocked(InetAddress client) {
        Long until = lockedUntil.get(client);
        if (until == null) {
            return false;
        }
        if (until > clock.millis()) {
            return true;
        }
        lockedUntil.remove(client, until);
        return false;
    }

    /** How long {@code client} stays locked out (zero when it is not): what a client is told to wait. */
    public Duration lockedFor(InetAddress client) {
        Long until = lockedUntil.get(client);
        long left = until == null ? 0 : until - clock.millis();
        return left > 0 ? Duration.ofMillis(left) : Duration.ZERO;
    }

    /** Addresses locked out now (for operators). */
    public int lockedCount() {
        long now = clock.millis();
        lockedUntil.values().removeIf(u -> u <= now);
        return lockedUntil.size();
    }

    /** Forgets counts older than the window (called now and then so idle addresses do not pile up). */
    public void sweep() {
        failures.sweep();
    }
}
