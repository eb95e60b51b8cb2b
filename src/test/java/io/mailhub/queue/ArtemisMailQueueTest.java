package io.mailhub.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailhub.model.BodyType;
import io.mailhub.model.Envelope;
import io.mailhub.model.MailAddress;
import io.mailhub.model.MessageContent;
import io.mailhub.model.Recipient;
import io.mailhub.testing.TestBroker;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The doors' view of the queue on a real embedded broker. */
class ArtemisMailQueueTest {

    /** Stands for the embedded broker's critical I/O errors: one happens while each message is being stored. */
    private final java.util.concurrent.atomic.AtomicLong criticalErrors = new java.util.concurrent.atomic.AtomicLong();

    @RegisterExtension
    final TestBroker broker = new TestBroker().withPlugin(
            new org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin() {
                @Override
                public void beforeSend(org.apache.activemq.artemis.core.server.ServerSession session,
                        org.apache.activemq.artemis.core.transaction.Transaction tx,
                        org.apache.activemq.artemis.api.core.Message message, boolean direct,
                        boolean noAutoCreateQueue) {
                    if (failWhileStoring) {
                        criticalErrors.incrementAndGet();
                    }
                }
            });

    private volatile boolean failWhileStoring;

    private ArtemisMailQueue queue;

    @BeforeEach
    void start() throws Exception {
        queue = new ArtemisMailQueue(broker.cf(), broker.cf(), new StorageGuard(broker.dir(), 0), 1024 * 1024,
                criticalErrors::get);
    }

    @AfterEach
    void stop() throws Exception {
        queue.close();
    }

    @Test
    void theFirstRequestsThatArriveTogetherAreAllReadyWhileOneOfThemConnects() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(50);
        try {
            List<Callable<MailQueue.Readiness>> checks = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                checks.add(() -> queue.readiness(0));
            }
            List<MailQueue.Readiness> answers = new ArrayList<>();
            for (Future<MailQueue.Readiness> f : pool.invokeAll(checks)) {
                answers.add(f.get());
            }

            assertThat(answers).containsOnly(MailQueue.Readiness.READY);
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void aMessageStoredWhileTheBrokerMetACriticalIoErrorIsRefusedWhateverTheBrokerAnswered() throws Exception {
        failWhileStoring = true;

        assertThatThrownBy(() -> queue.enqueue(envelope("01CRITICAL0001"), MessageContent.of(
                "Subject: x\r\n\r\nhi\r\n".getBytes(StandardCharsets.US_ASCII)), Map.of()))
                .isInstanceOf(QueueException.class).hasMessageContaining("critical I/O error while storing it");

        failWhileStoring = false;
        queue.enqueue(envelope("01CRITICAL0002"), MessageContent.of(
                "Subject: y\r\n\r\nhi\r\n".getBytes(StandardCharsets.US_ASCII)), Map.of());
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
                broker.broker().server().locateQueue(QueueNames.INCOMING).getMessageCount())
                .as("the refused one is kept too (Artemis took it: the documented window); the next one goes through")
                .isEqualTo(2));
    }

    private static Envelope envelope(String queueId) {
        return new Envelope(queueId, new MailAddress("a", "client.test"),
                List.of(Recipient.of(new MailAddress("b", "remote.test"))), null, null, BodyType.SEVEN_BIT, false,
                null, null, null, Instant.now(), -1);
    }
}
