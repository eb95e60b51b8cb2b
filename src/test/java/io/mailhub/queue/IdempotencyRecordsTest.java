package io.mailhub.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Idempotency records in the real embedded broker, with the broker.xml the hub ships. */
class IdempotencyRecordsTest {

    @TempDir
    Path dir;

    private EmbeddedBroker broker;
    private ActiveMQConnectionFactory cf;

    @BeforeEach
    void start() throws Exception {
        broker = new EmbeddedBroker("artemis/broker.xml", dir, false);
        broker.start();
        cf = new ActiveMQConnectionFactory(EmbeddedBroker.IN_VM_URL);
    }

    @AfterEach
    void stop() throws Exception {
        cf.close();
        broker.stop();
    }

    @Test
    void theNewestRecordOfAKeyReplacesTheOlderOne() throws Exception {
        IdempotencyRecords records = new IdempotencyRecords(cf);
        records.save("k1", "{\"done\":false}", Duration.ofHours(24));
        records.save("k2", "{\"other\":true}", Duration.ofHours(24));
        records.save("k1", "{\"done\":true}", Duration.ofHours(24));

        assertThat(records.loadAll()).containsOnly(
                java.util.Map.entry("k1", "{\"done\":true}"), java.util.Map.entry("k2", "{\"other\":true}"));
    }

    @Test
    void recordsOutliveABrokerRestart() throws Exception {
        new IdempotencyRecords(cf).save("k1", "kept", Duration.ofHours(24));
        cf.close();
        broker.stop();

        broker = new EmbeddedBroker("artemis/broker.xml", dir, false);
        broker.start();
        cf = new ActiveMQConnectionFactory(EmbeddedBroker.IN_VM_URL);

        assertThat(new IdempotencyRecords(cf).loadAll()).containsEntry("k1", "kept");
    }

    @Test
    void anExpiredRecordIsNotLoaded() throws Exception {
        IdempotencyRecords records = new IdempotencyRecords(cf);
        records.save("old", "gone", Duration.ofMillis(200));
        records.save("new", "kept", Duration.ofHours(24));

        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(records.loadAll()).containsOnlyKeys("new"));
    }
}
