package io.mailhub.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailhub.testing.TestBroker;
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

    @RegisterExtension
    final TestBroker broker = new TestBroker();

    private ArtemisMailQueue queue;

    @BeforeEach
    void start() throws Exception {
        queue = new ArtemisMailQueue(broker.cf(), broker.cf(), new StorageGuard(broker.dir(), 0), 1024 * 1024);
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
}
