package io.mailhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * "250 means stored": with the next hop down, 500 messages are accepted, the hub is killed with SIGKILL and
 * restarted, the next hop comes up, and every accepted message arrives exactly once. The hub runs the production
 * journal (ASYNCIO through libaio), so a kill -9 hits the journal operators run.
 */
class CrashRecoveryIT {

    private static final int MESSAGES = 500;
    private static final int SESSIONS = 10;

    @Test
    void everyAcceptedMessageArrivesExactlyOnceAfterAKillNineAndRestart() throws Exception {
        SmtpSink sink = SmtpSink.onFreePort(); // not started yet: the next hop is down
        try (HubProcess hub = new HubProcess(HubProcess.itDir("crash"))) {
            hub.set("mailhub.relay.smarthost", "127.0.0.1:" + sink.port).set("mailhub.retry.schedule", "1s")
                    .set("mailhub.relay.dead-destination-time", "1s")
                    .withAsyncIoJournal()
                    .start();
            // the production journal: the native library loaded (no advice to install it), ASYNCIO unless the file
            // system of the work directory cannot do O_DIRECT (then the hub says so)
            assertThat(hub.log()).doesNotContain("install libaio")
                    .containsAnyOf("(journal ASYNCIO in ", "does not support ASYNCIO");

            Set<String> accepted = sendConcurrently(hub.smtpPort);
            assertThat(accepted).hasSize(MESSAGES);

            hub.kill();
            hub.start();
            sink.start();

            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> sink.count() >= MESSAGES);
            // a duplicate would arrive with the next retry round (1 s): the count must hold past it
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(30)).until(() -> sink.count() == MESSAGES);
            Map<String, Long> arrivals = sink.arrivalsBySubject();
            assertThat(arrivals.keySet()).containsExactlyInAnyOrderElementsOf(accepted);
            assertThat(arrivals.values()).allMatch(n -> n == 1, "each message arrives once");
        } finally {
            sink.close();
        }
    }

    private static Set<String> sendConcurrently(int port) throws Exception {
        Set<String> accepted = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(SESSIONS);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int s = 0; s < SESSIONS; s++) {
                int session = s;
                done.add(pool.submit(() -> {
                    try (SmtpClient c = new SmtpClient(port)) {
                        for (int i = 0; i < MESSAGES / SESSIONS; i++) {
                            String subject = "crash-" + session + "-" + i;
                            String reply = c.send("a@client.test", "b@remote.test", subject, "body " + subject);
                            if (reply.startsWith("250 ")) {
                                accepted.add(subject);
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        return accepted;
    }
}
