package io.mailhub.queue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the queue working by itself, checked once a second:
 *
 * <ul>
 *   <li>an embedded broker that stopped by itself (Artemis shuts down on a critical I/O error, such as a write that
 *       found the disk full) is started again once the disk has room, with growing pauses between failed attempts;
 *   <li>while the data disk is critically low ({@link StorageGuard#isCritical()}) the routes that consume the queues
 *       are suspended, so that delivery (whose retries and stream cache write to the same disk) cannot fill it, and
 *       no message burns its delivery attempts on failures the disk causes; they resume when there is room again;
 *   <li>an external broker is asked every {@link #BROKER_DISK_INTERVAL} whether its own disk is full ({@link
 *       BrokerDisk}); while it is, the {@link StorageGuard} refuses new mail and delivery pauses, as for the data disk.
 * </ul>
 */
public final class QueueSupervisor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(QueueSupervisor.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final Duration SUSPEND_TIMEOUT = Duration.ofSeconds(10);
    static final Duration BROKER_DISK_INTERVAL = Duration.ofSeconds(2);

    /** What an external broker says of its own disk. */
    @FunctionalInterface
    public interface BrokerDisk {
        /** @return why the broker refuses new messages for want of disk, or {@code null} while it has room */
        String full() throws Exception;
    }

    private final EmbeddedBroker broker;
    private final StorageGuard storage;
    private final CamelContext context;
    private final ScheduledExecutorService timer;
    /** Suspends and resumes routes, which waits for their exchanges in flight: never on the timer's thread. */
    private final ExecutorService routeControl;
    private volatile long brokerDownSince;
    private long nextRestart;
    private long backoffNanos = 1_000_000_000L;
    private volatile boolean deliveryPaused;
    private BrokerDisk brokerDisk;
    private boolean brokerDiskUnknown;

    /** @param broker the embedded broker, {@code null} with an external one */
    public QueueSupervisor(EmbeddedBroker broker, StorageGuard storage, CamelContext context) {
        this.broker = broker;
        this.storage = storage;
        this.context = context;
        // two threads: asking a broker that is away may take long, and must not hold up the data disk's check
        this.timer = Executors.newScheduledThreadPool(2, r -> daemon(r, "mailhub-queue-supervisor"));
        this.routeControl = Executors.newSingleThreadExecutor(r -> daemon(r, "mailhub-delivery-pause"));
    }

    /** Asks an external broker about its disk (before {@link #start}). */
    public QueueSupervisor watching(BrokerDisk disk) {
        this.brokerDisk = disk;
        return this;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    public QueueSupervisor start() {
        timer.scheduleWithFixedDelay(this::check, 1, 1, TimeUnit.SECONDS);
        if (brokerDisk != null) {
            timer.scheduleWithFixedDelay(this::askBrokerDisk, 0, BROKER_DISK_INTERVAL.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
        return this;
    }

    /**
     * Passes the broker's answer to the storage guard, and says when it changes. A broker that cannot be asked keeps
     * the last answer: the hub learns that it is away from its own sends (451), and asks again.
     */
    void askBrokerDisk() {
        String before = storage.brokerDiskFull();
        String now;
        try {
            now = brokerDisk.full();
            brokerDiskUnknown = false;
        } catch (Exception e) {
            if (!brokerDiskUnknown) {
                LOG.warn("cannot ask the broker about its disk: {}", e.getMessage());
                brokerDiskUnknown = true;
            }
            return;
        }
        storage.brokerDisk(now);
        if (before == null && now != null) {
            LOG.error("{}: new mail is refused (452 4.3.1) and delivery pauses until the broker has room", now);
        } else if (before != null && now == null) {
            LOG.warn("the broker's disk has room again: new mail is accepted");
        }
    }

    void check() {
        try {
            superviseBroker(System.nanoTime());
            pauseDeliveryWhileDiskIsCritical();
        } catch (RuntimeException e) {
            LOG.error("queue supervision failed: {}", e.toString(), e);
        }
    }

    private void superviseBroker(long now) {
        if (broker == null || !broker.hasFailed()) {
            if (brokerDownSince != 0) {
                brokerDownSince = 0;
                backoffNanos = 1_000_000_000L;
            }
            return;
        }
        if (brokerDownSince == 0) {
            brokerDownSince = now;
            nextRestart = now;
            LOG.error("the embedded broker has stopped{}; new mail is refused (451 4.3.0) until it runs again",
                    broker.criticalError() == null ? "" : " after: " + broker.criticalError());
        }
        if (now - nextRestart < 0) {
            return;
        }
        if (storage.free() <= storage.minFree() / 2) {
            LOG.warn("not restarting the embedded broker yet: {} octets free on the data disk, waiting for {}",
                    storage.free(), storage.minFree() / 2);
            nextRestart = now + backoffNanos;
            return;
        }
        try {
            broker.restart();
            LOG.warn("the embedded broker runs again, {} s after it stopped; the queued mail is delivered as before",
                    (now - brokerDownSince) / 1_000_000_000L);
            brokerDownSince = 0;
            backoffNanos = 1_000_000_000L;
        } catch (Exception e) {
            LOG.error("restarting the embedded broker failed: {}; trying again in {} s", e.toString(),
                    backoffNanos / 1_000_000_000L);
            nextRestart = now + backoffNanos;
            backoffNanos = Math.min(backoffNanos * 2, MAX_BACKOFF.toNanos());
        }
    }

    private void pauseDeliveryWhileDiskIsCritical() {
        if (!context.getStatus().isStarted()) {
            return;
        }
        boolean critical = storage.isCritical();
        if (critical == deliveryPaused) {
            return;
        }
        deliveryPaused = critical;
        if (critical && storage.brokerDiskFull() != null) {
            LOG.error("{}: delivery paused until it has room", storage.brokerDiskFull());
        } else if (critical) {
            LOG.error("data disk critically low ({} octets free, at least {} wanted): delivery paused until it has room",
                    storage.free(), storage.minFree());
        } else {
            LOG.warn("{} room again ({} octets free on the data disk): delivery resumes",
                    brokerDisk == null ? "data disk has" : "the broker's disk and the data disk have", storage.free());
        }
        routeControl.execute(this::applyPause);
    }

    /**
     * Brings the queue consumers in line with {@link #deliveryPaused} (as it is when this runs: calls queued behind a
     * slow one do no harm). A route's exchanges in flight get {@link #SUSPEND_TIMEOUT} to finish; one that the broker
     * holds up (it blocks producers on a full disk) is then stopped and its message rolled back, to be tried again.
     */
    private void applyPause() {
        boolean pause = deliveryPaused;
        for (Route route : queueConsumers()) {
            try {
                ServiceStatus status = context.getRouteController().getRouteStatus(route.getRouteId());
                if (pause && status.isStarted()) {
                    context.getRouteController().suspendRoute(route.getRouteId(), SUSPEND_TIMEOUT.toSeconds(),
                            TimeUnit.SECONDS);
                } else if (!pause && status.isSuspended()) {
                    context.getRouteController().resumeRoute(route.getRouteId());
                }
            } catch (Exception e) {
                LOG.error("cannot {} route {}: {}", pause ? "suspend" : "resume", route.getRouteId(), e.toString());
            }
        }
    }

    /** The routes that take messages from a queue (their consumer is a jms endpoint). */
    private List<Route> queueConsumers() {
        return context.getRoutes().stream()
                .filter(r -> r.getEndpoint().getEndpointUri().startsWith("jms:"))
                .toList();
    }

    /** How long the embedded broker has been down, or zero while it runs. */
    public Duration brokerDownFor() {
        long since = brokerDownSince;
        return since == 0 ? Duration.ZERO : Duration.ofNanos(System.nanoTime() - since);
    }

    /** Whether delivery is paused because the disk is critically low. */
    public boolean isDeliveryPaused() {
        return deliveryPaused;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        routeControl.shutdownNow();
    }
}
