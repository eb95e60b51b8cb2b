package io.mailhub.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SuspensionsTest {

    @TempDir
    Path dir;

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-11-30T08:00:00Z"));
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };

    @Test
    void aSuspensionHoldsForItsTimeSurvivesARestartAndEndsByItself() throws Exception {
        Path file = dir.resolve("suspensions.json");
        Suspensions s = new Suspensions(file, clock);

        s.suspend("@Example.COM", Duration.ofMinutes(30), "their MX is down", "ops");

        Suspensions reloaded = new Suspensions(file, clock);
        assertThat(reloaded.of("example.com")).isNotNull();
        assertThat(reloaded.of("example.com").until()).isEqualTo(Instant.parse("2026-11-30T08:30:00Z"));
        assertThat(reloaded.of("example.com").reason()).isEqualTo("their MX is down");
        assertThat(reloaded.of("example.org")).isNull();
        now.set(Instant.parse("2026-11-30T08:30:00Z"));
        assertThat(reloaded.of("example.com")).as("ended").isNull();
        assertThat(reloaded.list()).isEmpty();
    }

    @Test
    void resumeLiftsASuspensionAndSaysWhenThereWasNone() throws Exception {
        Suspensions s = new Suspensions(dir.resolve("suspensions.json"), clock);
        s.suspend("example.com", Duration.ofHours(1), "maintenance", "ops");

        assertThat(s.resume("EXAMPLE.com")).isNotNull();
        assertThat(s.resume("example.com")).isNull();
        assertThat(new Suspensions(dir.resolve("suspensions.json"), clock).list()).isEmpty();
    }

    @Test
    void anInternationalDomainIsSuspendedByItsALabelsAsRecipientsAreCompared() throws Exception {
        Suspensions s = new Suspensions(null, clock);
        s.suspend("bücher.example", Duration.ofHours(1), "x", "ops");
        assertThat(s.of("xn--bcher-kva.example")).isNotNull();
    }

    @Test
    void aBadDomainOrDurationIsRefusedClearly() throws Exception {
        Suspensions s = new Suspensions(null, clock);
        assertThatThrownBy(() -> s.suspend("not a domain", Duration.ofHours(1), "x", "ops"))
                .hasMessageContaining("is not a domain name");
        assertThatThrownBy(() -> s.suspend("example.com", Duration.ofDays(31), "x", "ops"))
                .hasMessageContaining("at most 30 days");
        assertThatThrownBy(() -> s.suspend("example.com", Duration.ZERO, "x", "ops"))
                .hasMessageContaining("more than 0");
    }
}
