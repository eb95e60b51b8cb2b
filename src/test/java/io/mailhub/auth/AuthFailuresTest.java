package io.mailhub.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailhub.testing.ManualClock;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AuthFailuresTest {

    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
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

        clock.advance(Duration.ofMinutes(9));
        assertThat(failures.isLocked(guesser)).isTrue();
        clock.advance(Duration.ofMinutes(1));
        assertThat(failures.isLocked(guesser)).isFalse();
        assertThat(failures.lockedCount()).isZero();
    }

    @Test
    void failuresOlderThanTheWindowDoNotCount() {
        failures.failed(guesser);
        failures.failed(guesser);
        clock.advance(Duration.ofMinutes(16));
        assertThat(failures.failed(guesser)).isFalse();
        assertThat(failures.failed(guesser)).isFalse();
        assertThat(failures.failed(guesser)).isTrue();
    }
}
