package io.mailhub.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The disk's meters say what the storage guard and the supervisor decide. */
class StorageMetersTest {

    private static final long MB = 1024 * 1024;

    private long usable = 100 * MB;
    private final StorageGuard storage = new StorageGuard(Path.of("data"), 40 * MB, () -> usable);
    private final AtomicBoolean paused = new AtomicBoolean();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private double gauge(String name) {
        return registry.get(name).gauge().value();
    }

    @Test
    void theFreeSpaceAndTheMinimumAreServedAndNothingIsFullOrPausedWhileThereIsRoom() {
        new QueueMeters(null, () -> true, Clock.systemUTC()).withStorage(storage, paused::get).bindTo(registry);

        assertThat(gauge("mailhub.queue.disk.free")).isEqualTo(100.0 * MB);
        assertThat(gauge("mailhub.queue.disk.min.free")).isEqualTo(40.0 * MB);
        assertThat(gauge("mailhub.queue.storage.full")).isZero();
        assertThat(gauge("mailhub.delivery.paused")).isZero();
    }

    @Test
    void aFullBrokerDiskAndAPausedDeliveryShowAsOne() {
        new QueueMeters(null, () -> true, Clock.systemUTC()).withStorage(storage, paused::get).bindTo(registry);

        storage.brokerDisk("the broker's disk is full: 97.0% used, its max-disk-usage is 95%");
        paused.set(true);

        assertThat(gauge("mailhub.queue.storage.full")).isEqualTo(1);
        assertThat(gauge("mailhub.delivery.paused")).isEqualTo(1);
    }

    @Test
    void aDataDiskBelowTheMinimumShowsAsFull() {
        usable = 30 * MB;
        StorageGuard low = new StorageGuard(Path.of("data"), 40 * MB, () -> usable);
        new QueueMeters(null, () -> true, Clock.systemUTC()).withStorage(low, paused::get).bindTo(registry);

        assertThat(gauge("mailhub.queue.storage.full")).isEqualTo(1);
        assertThat(gauge("mailhub.queue.disk.free")).isEqualTo(30.0 * MB);
    }
}
