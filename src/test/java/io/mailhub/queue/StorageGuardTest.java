package io.mailhub.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class StorageGuardTest {

    private static final long MB = 1024 * 1024;

    private long usable = 100 * MB;
    private final StorageGuard guard = new StorageGuard(Path.of("data"), 40 * MB, () -> usable);

    @Test
    void aMessageIsAdmittedOnlyWhileTheMinimumStaysFree() {
        assertThat(guard.hasRoomFor(59 * MB)).isTrue();
        assertThat(guard.hasRoomFor(60 * MB)).isFalse();
    }

    @Test
    void octetsAdmittedSinceTheLastReadingCountAsUsedSoABurstCannotOvershoot() {
        assertThat(guard.reserve(25 * MB)).isTrue();
        assertThat(guard.reserve(25 * MB)).isTrue();
        assertThat(guard.reserve(25 * MB)).as("the disk was read once, but 50 MB were admitted since").isFalse();
        assertThat(guard.free()).isEqualTo(50 * MB);
    }

    @Test
    void deliveryPausesBelowHalfTheMinimum() {
        usable = 21 * MB;
        StorageGuard g = new StorageGuard(Path.of("data"), 40 * MB, () -> usable);
        assertThat(g.isCritical()).isFalse();

        usable = 19 * MB;
        StorageGuard low = new StorageGuard(Path.of("data"), 40 * MB, () -> usable);
        assertThat(low.isCritical()).isTrue();
    }

    @Test
    void theBrokerBlocksBelowAQuarterOfTheMinimum() {
        assertThat(guard.brokerMinFree()).isEqualTo(10 * MB);
    }

    @Test
    void whileTheExternalBrokerSaysItsDiskIsFullThereIsNoRoomAndDeliveryPausesWhateverTheDataDiskHas() {
        guard.brokerDisk("the broker's disk is full: 97.0% used, its max-disk-usage is 95%");

        assertThat(guard.hasRoomFor(0)).isFalse();
        assertThat(guard.reserve(1)).isFalse();
        assertThat(guard.isCritical()).isTrue();
        assertThat(guard.lacking()).isEqualTo("the broker's disk is full: 97.0% used, its max-disk-usage is 95%");

        guard.brokerDisk(null);
        assertThat(guard.hasRoomFor(0)).isTrue();
        assertThat(guard.isCritical()).isFalse();
        assertThat(guard.lacking()).startsWith("not enough free space in data");
    }
}
