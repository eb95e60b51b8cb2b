package io.mailhub.queue;

import io.mailhub.model.EnvelopeHeaders;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * The stage queues as meters, read from the broker's queue controls (embedded or external) when scraped:
 * {@code mailhub_queue_messages{queue}} (scheduled ones included), {@code mailhub_queue_deferred_messages{queue}}
 * (waiting for their retry time) and {@code mailhub_queue_oldest_message_age_seconds{queue}} (since the oldest
 * message's arrival at the hub, as qshape counts, not since its last re-enqueue), plus {@code mailhub_broker_up}.
 * The oldest age looks through the scheduled messages, which Artemis lists only in full, so it is computed at most
 * every 30 seconds per queue. While the broker is down every queue gauge reads NaN ("no value"), not zero.
 *
 * <p>With {@link #withStorage}: {@code mailhub_queue_disk_free_bytes} and {@code mailhub_queue_disk_min_free_bytes}
 * (the data disk, as the {@link StorageGuard} reads it, and {@code mailhub.queue.min-free-space}),
 * {@code mailhub_queue_storage_full} (1 while new mail is refused for want of room, on the data disk or an external
 * broker's) and {@code mailhub_delivery_paused} (1 while delivery waits for room).
 */
public final class QueueMeters implements MeterBinder {

    private static final Duration AGE_EVERY = Duration.ofSeconds(30);

    private final BrokerQueues broker;
    private final BooleanSupplier brokerUp;
    private final Clock clock;
    private final Map<String, double[]> ages = new ConcurrentHashMap<>(); // queue -> {computed at (ms), age (s)}
    private StorageGuard storage;
    private BooleanSupplier deliveryPaused;

    /**
     * @param broker the broker's queues; {@code null}: only {@code mailhub_broker_up}
     * @param brokerUp whether the broker is running and its queues can be used
     */
    public QueueMeters(BrokerQueues broker, BooleanSupplier brokerUp, Clock clock) {
        this.broker = broker;
        this.brokerUp = brokerUp;
        this.clock = clock;
    }

    /** Adds the disk's meters: what {@code storage} reads, and whether delivery is paused for want of room. */
    public QueueMeters withStorage(StorageGuard storage, BooleanSupplier deliveryPaused) {
        this.storage = storage;
        this.deliveryPaused = deliveryPaused;
        return this;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("mailhub.broker.up", () -> brokerUp.getAsBoolean() ? 1 : 0)
                .description("Whether the message broker is running (1) or not (0)")
                .register(registry);
        if (storage != null) {
            StorageGuard s = storage;
            Gauge.builder("mailhub.queue.disk.free", s::free).baseUnit("bytes")
                    .description("Free space on the data disk, as the hub last read it")
                    .register(registry);
            Gauge.builder("mailhub.queue.disk.min.free", s::minFree).baseUnit("bytes")
                    .description("The free space the hub keeps on the data disk (mailhub.queue.min-free-space)")
                    .register(registry);
            Gauge.builder("mailhub.queue.storage.full", () -> s.hasRoomFor(0) ? 0 : 1)
                    .description("Whether new mail is refused for want of room, on the data disk or the broker's (1)")
                    .register(registry);
            BooleanSupplier paused = deliveryPaused;
            Gauge.builder("mailhub.delivery.paused", () -> paused.getAsBoolean() ? 1 : 0)
                    .description("Whether delivery waits for room on the disk (1)")
                    .register(registry);
        }
        if (broker == null) {
            return;
        }
        for (String queue : MailQueueAdmin.STAGES) {
            Gauge.builder("mailhub.queue.messages", () -> read(() -> broker.messageCount(queue)))
                    .description("Messages in a stage queue, waiting and deferred")
                    .tag("queue", queue)
                    .register(registry);
            Gauge.builder("mailhub.queue.deferred.messages", () -> read(() -> broker.scheduledCount(queue)))
                    .description("Messages in a stage queue waiting for their next attempt")
                    .tag("queue", queue)
                    .register(registry);
            Gauge.builder("mailhub.queue.oldest.message.age", () -> read(() -> oldestAge(queue)))
                    .description("Time since the oldest message in a stage queue arrived at the hub (0 when empty)")
                    .baseUnit("seconds")
                    .tag("queue", queue)
                    .register(registry);
        }
    }

    private interface Reading {
        double value() throws Exception;
    }

    private double read(Reading reading) {
        if (!brokerUp.getAsBoolean()) {
            return Double.NaN;
        }
        try {
            return reading.value();
        } catch (Exception e) {
            return Double.NaN;
        }
    }

    private double oldestAge(String queue) throws Exception {
        long now = clock.millis();
        double[] last = ages.get(queue);
        if (last != null && now - (long) last[0] < AGE_EVERY.toMillis()) {
            return last[1];
        }
        long oldest = Long.MAX_VALUE;
        if (broker.messageCount(queue) > 0) {
            for (Map<String, Object> m : broker.scheduled(queue)) {
                oldest = Math.min(oldest, arrival(m, oldest));
            }
            Map<String, Object> first = broker.first(queue); // the oldest waiting message, without listing the rest
            if (first != null) {
                oldest = Math.min(oldest, arrival(first, oldest));
            }
        }
        double age = oldest == Long.MAX_VALUE ? 0 : Math.max(0, now - oldest) / 1000.0;
        ages.put(queue, new double[] {now, age});
        return age;
    }

    private static long arrival(Map<String, Object> message, long otherwise) {
        Object a = message.get(EnvelopeHeaders.ARRIVAL);
        if (a instanceof Number n) {
            return n.longValue();
        }
        if (a != null) {
            try {
                return Long.parseLong(a.toString());
            } catch (NumberFormatException e) {
                return otherwise;
            }
        }
        return otherwise;
    }
}
