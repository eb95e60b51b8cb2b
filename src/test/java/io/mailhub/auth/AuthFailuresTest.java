package io.mailhub.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class AuthFailuresTest {

    /** A clock the test moves by hand. */
    private static final class ManualClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final ManualClock clock = new ManualClock();
    private final AuthFailures failures = new AuthFailures(3, Duration.ofMinutes(15), Duration.ofMinutes(10), clock);
    private final InetAddress guesser = InetAddress.getLoopbackAddress();

    @Test
    void theFailureThatReachesTheLimitLocksTheAddressOutForTheLockoutTime() throws Exception {
        assertThat(failures.failed(guesser)).isFalse();
        assertThat(failures.failed(guesser)).isFalse();
        assertThat(failures.isLocked(guesser)).isFalse();
        assertThat(failures.failed(guesser)).isTrue();
        assertThat(failures.isLocked(guesser)).isTrue();
        assertThat(failures.isLocked(InetAddress.getByName("192.0.2.1"))).isFalse();

        clock.now = clock.now.plus(Duration.ofMinutes(9));
        assertThat(failures.isLocked(guesser)).isTrue();
        clock.now = clock.now.plus(Duration.ofMinutes(1));
        assertThat(failures.isLocked(guesser)).isFalse();
        assertThat(failures.lockedCount()).isZero();
    }

    @Test
    void failuresOlderThanTheWindowDoNotCount() {
        failures.failed(guesser);
        failures.failed(guesser);
        clock.now = clock.now.plus(Duration.ofMinutes(16));
        assertThat(failures.failed(guesser)).isFalse();
        assertThat(failures.failed(guesser)).isFalse();
        assertThat(failures.failed(guesser)).isTrue();
    }
}
