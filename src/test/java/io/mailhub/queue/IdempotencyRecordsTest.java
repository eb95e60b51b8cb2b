package io.mailhub.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailhub.testing.TestBroker;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Idempotency records in the real embedded broker, with the broker.xml the hub ships. */
class IdempotencyRecordsTest {

    @RegisterExtension
    final TestBroker broker = new TestBroker();

    @Test
    void theNewestRecordOfAKeyReplacesTheOlderOne() throws Exception {
        IdempotencyRecords records = new IdempotencyRecords(broker.cf());
        records.save("k1", "{\"done\":false}", Duration.ofHours(24));
        records.save("k2", "{\"other\":true}", Duration.ofHours(24));
        records.save("k1", "{\"done\":true}", Duration.ofHours(24));

        assertThat(records.loadAll()).containsOnly(
                java.util.Map.entry("k1", "{\"done\":true}"), java.util.Map.entry("k2", "{\"other\":true}"));
    }

    @Test
    void recordsOutliveABrokerRestart() throws Exception {
        new IdempotencyRecords(broker.cf()).save("k1", "kept", Duration.ofHours(24));

        broker.restart();

        assertThat(new IdempotencyRecords(broker.cf()).loadAll()).containsEntry("k1", "kept");
    }

    @Test
    void anExpiredRecordIsNotLoaded() throws Exception {
        IdempotencyRecords records = new IdempotencyRecords(broker.cf());
        records.save("old", "gone", Duration.ofMillis(200));
        records.save("new", "kept", Duration.ofHours(24));

        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(records.loadAll()).containsOnlyKeys("new"));
    }
}
