package io.mailhub.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The doors' view of the queue on a real embedded broker. */
class ArtemisMailQueueTest {

    @TempDir
    Path dir;

    private EmbeddedBroker broker;
    private ActiveMQConnectionFactory cf;
    private ArtemisMailQueue queue;

    @BeforeEach
    void start() throws Exception {
        broker = new EmbeddedBroker("artemis/broker.xml", dir, false);
        broker.start();
        cf = new ActiveMQConnectionFactory(EmbeddedBroker.IN_VM_URL);
        queue = new ArtemisMailQueue(cf, cf, new StorageGuard(dir, 0), 1024 * 1024);
    }

    @AfterEach
    void stop() throws Exception {
        queue.close();
        cf.close();
        broker.stop();
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
}
