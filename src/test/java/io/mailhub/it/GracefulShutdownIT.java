package io.mailhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM while six swaks clients keep sending: every message the hub answered 250 is delivered exactly once after a
 * restart, no message is delivered twice, and a client that is refused hears a 4xx (never a 250 for mail that is then
 * lost), and the hub stops completely: queue closed, embedded broker stopped, before the JVM exits.
 */
class GracefulShutdownIT {

    @Test
    void sigtermUnderLoadLosesNothingAcknowledgedAndDeliversNothingTwice() throws Exception {
        try (SmtpSink sink = SmtpSink.onFreePort().start(); HubProcess hub = new HubProcess(HubProcess.itDir("sigterm"))) {
            hub.set("mailhub.relay.smarthost", "127.0.0.1:" + sink.port)
                    .set("mailhub.relay.trusted-networks", "127.0.0.0/8").start();
            List<String> acknowledged = new CopyOnWriteArrayList<>();
            List<String> refusals = new CopyOnWriteArrayList<>();
            AtomicBoolean sending = new AtomicBoolean(true);
            AtomicBoolean stopped = new AtomicBoolean(false);
            java.util.concurrent.atomic.AtomicInteger triedAfterStop = new java.util.concurrent.atomic.AtomicInteger();
            ExecutorService clients = Executors.newFixedThreadPool(6);
            for (int c = 0; c < 6; c++) {
                int client = c;
                clients.submit(() -> {
                    for (int i = 0; sending.get(); i++) {
                        String rcpt = "c" + client + "-" + i + "@remote.test";
                        boolean afterStop = stopped.get();
                        Swaks.Result r = Swaks.run(hub.smtpPort, "-f", "load@shop.test", "-t", rcpt);
                        if (afterStop) {
                            triedAfterStop.incrementAndGet();
                        }
                        if (r.transcript().contains("queued as")) {
                            acknowledged.add(rcpt);
                        } else { // swaks marks a refusing reply "<**"; a refused connection has none
                            r.transcript().lines().map(String::strip).filter(l -> l.startsWith("<**")).findFirst()
                                    .ifPresent(refusals::add);
                        }
                    }
                    return null;
                });
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= 30);

            hub.stop(); // SIGTERM, and wait for the orderly stop
            int atStop = acknowledged.size();
            stopped.set(true);
            // the clients keep trying against the stopped hub: connection refused, never a 250
            await().atMost(Duration.ofSeconds(30)).until(() -> triedAfterStop.get() >= 6);
            sending.set(false);
            clients.shutdown();
            assertThat(clients.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
            assertThat(acknowledged).hasSize(atStop);
            assertThat(hub.log()).doesNotContain("Exception in thread");
            // the last stop step ran to its end: the JVM did not exit as soon as Camel's own shutdown hook returned
            assertThat(hub.log()).contains("embedded Artemis broker stopped", "stopped: queue closed, broker stopped");

            hub.start();
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                    assertThat(sink.arrivalsByRecipient().keySet()).containsAll(acknowledged));
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(sink.arrivalsByRecipient()).allSatisfy((rcpt, n) -> assertThat(n).as(rcpt).isEqualTo(1L)));
            assertThat(refusals).allSatisfy(r -> assertThat(r).matches("<\\*\\*\\s*4\\d\\d .*"));
        }
    }

}
