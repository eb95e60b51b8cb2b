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
    Path dir; // the real broker's journal

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

    /** Records kept in a map, as the broker's last-value queue keeps them: the newest per key. */
    private final java.util.Map<String, String> stored = new java.util.concurrent.ConcurrentHashMap<>();
    private final Suspensions.Records inAMap = Suspensions.Records.of((key, value, ttl) -> stored.put(key, value),
            prefix -> java.util.Map.copyOf(stored));

    @Test
    void aSuspensionHoldsForItsTimeSurvivesARestartAndEndsByItself() throws Exception {
        Suspensions s = Suspensions.shared(inAMap, clock);

        s.suspend("@Example.COM", Duration.ofMinutes(30), "their MX is down", "ops");

        Suspensions reloaded = Suspensions.shared(inAMap, clock);
        reloaded.refresh();
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
        Suspensions s = Suspensions.shared(inAMap, clock);
        s.suspend("example.com", Duration.ofHours(1), "maintenance", "ops");

        assertThat(s.resume("EXAMPLE.com")).isNotNull();
        assertThat(s.resume("example.com")).isNull();
        Suspensions reloaded = Suspensions.shared(inAMap, clock);
        reloaded.refresh();
        assertThat(reloaded.list()).isEmpty();
    }

    @Test
    void anInternationalDomainIsSuspendedByItsALabelsAsRecipientsAreCompared() throws Exception {
        Suspensions s = Suspensions.inMemory(clock);
        s.suspend("bücher.example", Duration.ofHours(1), "x", "ops");
        assertThat(s.of("xn--bcher-kva.example")).isNotNull();
    }

    @Test
    void aBadDomainOrDurationIsRefusedClearly() throws Exception {
        Suspensions s = Suspensions.inMemory(clock);
        assertThatThrownBy(() -> s.suspend("not a domain", Duration.ofHours(1), "x", "ops"))
                .hasMessageContaining("is not a domain name");
        assertThatThrownBy(() -> s.suspend("example.com", Duration.ofDays(31), "x", "ops"))
                .hasMessageContaining("at most 30 days");
        assertThatThrownBy(() -> s.suspend("example.com", Duration.ZERO, "x", "ops"))
                .hasMessageContaining("more than 0");
    }

    /** Two hubs' suspensions on one real embedded broker (the hub's broker.xml), through its records. */
    private Suspensions.Records brokerRecords(io.mailhub.queue.IdempotencyRecords records) {
        return Suspensions.Records.of(records::save, records::loadAll);
    }

    @Test
    void hubsOnOneBrokerHoldTheSameSuspensionsAndALiftBySomeOtherHubReachesThemAll() throws Exception {
        io.mailhub.queue.EmbeddedBroker broker = new io.mailhub.queue.EmbeddedBroker("artemis/broker.xml", dir, false);
        broker.start();
        try (var cf = new org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory(
                io.mailhub.queue.EmbeddedBroker.IN_VM_URL)) {
            var records = new io.mailhub.queue.IdempotencyRecords(cf, io.mailhub.queue.IdempotencyRecords.SUSPENSIONS);
            Suspensions hubA = Suspensions.shared(brokerRecords(records), clock);
            Suspensions hubB = Suspensions.shared(brokerRecords(records), clock);

            hubA.suspend("example.com", Duration.ofHours(1), "they asked us to pause", "ops");
            assertThat(hubB.of("example.com")).as("not read yet").isNull();
            hubB.refresh();
            assertThat(hubB.of("example.com")).isNotNull().extracting(Suspensions.Suspension::reason)
                    .isEqualTo("they asked us to pause");

            assertThat(hubB.resume("example.com")).isNotNull();
            hubA.refresh();
            assertThat(hubA.of("example.com")).as("lifted by hub B").isNull();

            hubB.suspend("example.org", Duration.ofMinutes(10), "maintenance", "ops");
            Suspensions restarted = Suspensions.shared(brokerRecords(records), clock);
            restarted.refresh();
            assertThat(restarted.list()).extracting(Suspensions.Suspension::domain).containsExactly("example.org");
            assertThat(new io.mailhub.queue.IdempotencyRecords(cf).loadAll()).as("the API's records are apart")
                    .isEmpty();
        } finally {
            broker.stop();
        }
    }

    @Test
    void aSuspensionTheBrokerCannotStoreIsRefusedAndNotHeld() {
        Suspensions s = Suspensions.shared(new Suspensions.Records() {
            @Override
            public void save(String key, String value, Duration ttl) throws Exception {
                throw new IllegalStateException("broker down");
            }

            @Override
            public java.util.Map<String, String> load(String prefix) throws Exception {
                throw new IllegalStateException("broker down");
            }
        }, clock);

        assertThatThrownBy(() -> s.suspend("example.com", Duration.ofHours(1), "x", "ops"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("cannot store the suspension of"
                        + " example.com in the broker");
        assertThat(s.of("example.com")).isNull();
        assertThatThrownBy(s::refresh).isInstanceOf(java.io.IOException.class);
    }
}
