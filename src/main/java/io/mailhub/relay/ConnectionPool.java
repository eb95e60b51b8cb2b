package io.mailhub.relay;

import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Open connections per destination, for reuse (like Postfix's scache), and the per-destination concurrency limit.
 * A connection is reused for at most {@code maxTransactions} transactions and {@code maxAge}; an idle one is closed
 * (with QUIT) after {@code idleTime}. Idle connections are kept apart by the {@link SessionProfile} (TLS policy and
 * AUTH identity) they were opened under and reused only under an equal one (Postfix puts both into its connection
 * cache key): a connection that ended up in plaintext under {@code may} must never carry a delivery that demands
 * {@code encrypt} or {@code verify}. The concurrency limit counts all of a destination's connections, whatever their
 * profile.
 */
final class ConnectionPool implements AutoCloseable {

    private record Idle(SmtpClientConnection connection, long since) {}

    private static final class Slot {
        final Semaphore permits;
        final Map<SessionProfile, ConcurrentLinkedDeque<Idle>> idle = new ConcurrentHashMap<>();

        Slot(int limit) {
            permits = new Semaphore(limit, true);
        }

        ConcurrentLinkedDeque<Idle> idle(SessionProfile profile) {
            return idle.computeIfAbsent(profile, k -> new ConcurrentLinkedDeque<>());
        }
    }

    private final int perDestination;
    private final Duration idleTime;
    private final Duration maxAge;
    private final int maxTransactions;
    private final Map<Destination, Slot> slots = new ConcurrentHashMap<>();
    private final ScheduledExecutorService reaper;

    ConnectionPool(int perDestination, Duration idleTime, Duration maxAge, int maxTransactions) {
        this.perDestination = perDestination;
        this.idleTime = idleTime;
        this.maxAge = maxAge;
        this.maxTransactions = maxTransactions;
        this.reaper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "smtp-relay-reaper");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(200, Math.min(1000, idleTime.toMillis() / 2));
        reaper.scheduleWithFixedDelay(this::closeExpired, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * Waits for one of the destination's connection slots.
     *
     * @return false when none became free within {@code wait}
     */
    boolean acquire(Destination d, Duration wait) throws InterruptedException {
        return slot(d).permits.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    void releaseSlot(Destination d) {
        slot(d).permits.release();
    }

    /** An idle connection opened under this profile to reuse, or {@code null}. The caller must hold a slot. */
    SmtpClientConnection takeIdle(Destination d, SessionProfile profile) {
        ConcurrentLinkedDeque<Idle> deque = slot(d).idle(profile);
        Idle idle;
        while ((idle = deque.pollFirst()) != null) {
            SmtpClientConnection c = idle.connection();
            if (!c.isBroken() && !expired(c, idle.since(), System.nanoTime())) {
                return c;
            }
            c.quit();
        }
        return null;
    }

    /** Keeps the connection for the next transaction to the same destination, or closes it when it is worn out. */
    void giveBack(SmtpClientConnection c) {
        if (c.isBroken()) {
            c.close();
        } else if (c.transactions() >= maxTransactions || c.ageNanos() > maxAge.toNanos() || reaper.isShutdown()) {
            c.quit();
        } else {
            slot(c.destination()).idle(c.profile()).addFirst(new Idle(c, System.nanoTime()));
        }
    }

    int idleCount() {
        return slots.values().stream().flatMap(s -> s.idle.values().stream())
                .mapToInt(ConcurrentLinkedDeque::size).sum();
    }

    private Slot slot(Destination d) {
        return slots.computeIfAbsent(d, k -> new Slot(perDestination));
    }

    private boolean expired(SmtpClientConnection c, long since, long now) {
        return now - since > idleTime.toNanos() || c.ageNanos() > maxAge.toNanos();
    }

    private void closeExpired() {
        long now = System.nanoTime();
        for (Slot slot : slots.values()) {
            for (ConcurrentLinkedDeque<Idle> deque : slot.idle.values()) {
                for (Iterator<Idle> it = deque.iterator(); it.hasNext(); ) {
                    Idle idle = it.next();
                    if (expired(idle.connection(), idle.since(), now) && deque.remove(idle)) {
                        idle.connection().quit();
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        reaper.shutdownNow();
        for (Slot slot : slots.values()) {
            for (ConcurrentLinkedDeque<Idle> deque : slot.idle.values()) {
                Idle idle;
                while ((idle = deque.pollFirst()) != null) {
                    idle.connection().quit();
                }
            }
        }
    }
}
