package io.mailhub.app;

import io.mailhub.queue.RemoteQueues;
import io.mailhub.routing.RouteQueues;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives a standalone broker the rules the routes set for their queues, which the embedded broker's acceptor applies
 * itself ({@code BrokerLogins}): a queue a route holds mail in may be read by the hubs only, and a queue with
 * {@code readers=erp,finance} by the hubs and the roles {@code erp} and {@code finance} (on a standalone broker the
 * readers are roles: give each reading user a role of its login's name). Applied through management when a route's
 * endpoint first names a queue, again after a failure every {@link #RETRY_SECONDS} s; what was applied is not
 * written again, but checked every {@link #CHECK_SECONDS} s: a broker.xml reload replaces the broker's security
 * settings with the file's, and the hub then adds its own again.
 */
final class StandaloneQueueRights {

    private static final Logger LOG = LoggerFactory.getLogger("io.mailhub.queue");
    static final long RETRY_SECONDS = 30;
    static final long CHECK_SECONDS = 60;

    private final RouteQueues routes;
    private final RemoteQueues broker;
    private final ScheduledExecutorService timer;
    private final Map<String, Set<String>> applied = new HashMap<>();
    private boolean retrying;

    StandaloneQueueRights(RouteQueues routes, RemoteQueues broker, ScheduledExecutorService timer) {
        this.routes = routes;
        this.broker = broker;
        this.timer = timer;
    }

    StandaloneQueueRights start() {
        routes.onChange(() -> timer.execute(this::apply));
        timer.execute(this::apply);
        timer.scheduleWithFixedDelay(this::check, CHECK_SECONDS, CHECK_SECONDS, TimeUnit.SECONDS);
        return this;
    }

    /** Adds again what the broker no longer has (its readers are not the hubs and the route's roles any more). */
    void check() {
        boolean lost = false;
        synchronized (this) {
            for (Map.Entry<String, Set<String>> a : Map.copyOf(applied).entrySet()) {
                Set<String> want = new java.util.TreeSet<>(a.getValue());
                want.add(RemoteQueues.HUB_ROLE);
                try {
                    Set<String> now = broker.readers(a.getKey());
                    if (!now.equals(want)) {
                        LOG.warn("broker: {} may be read by {}, not by {} only (its security settings were replaced,"
                                + " a broker.xml reload?); restricting it again", a.getKey(), now, want);
                        applied.remove(a.getKey());
                        lost = true;
                    }
                } catch (Exception e) {
                    break; // the broker cannot be asked now: the next check asks again (apply retries what is lost)
                }
            }
        }
        if (lost) {
            apply();
        }
    }

    /** Adds the security settings not yet applied; on a failure tries again later. */
    synchronized void apply() {
        Map<String, Set<String>> wanted = new HashMap<>(routes.namedReaders());
        routes.quarantines().forEach(q -> wanted.put(q, Set.of())); // held mail: no reader but the hubs
        boolean failed = false;
        for (Map.Entry<String, Set<String>> w : wanted.entrySet()) {
            if (w.getValue().equals(applied.get(w.getKey()))) {
                continue;
            }
            try {
                broker.restrict(w.getKey(), List.copyOf(w.getValue()));
                applied.put(w.getKey(), w.getValue());
                LOG.info("broker: {} may be read by the hubs{}", w.getKey(), w.getValue().isEmpty()
                        ? " only (a route holds mail there)" : " and the roles " + String.join(", ", w.getValue()));
            } catch (Exception e) {
                if (!failed) {
                    LOG.warn("cannot restrict who reads {} on the broker: {}; trying again in {} s", w.getKey(),
                            e.getMessage(), RETRY_SECONDS);
                }
                failed = true;
            }
        }
        if (failed && !retrying) {
            retrying = true;
            timer.schedule(() -> {
                synchronized (this) {
                    retrying = false;
                }
                apply();
            }, RETRY_SECONDS, TimeUnit.SECONDS);
        }
    }
}
