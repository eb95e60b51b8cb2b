package io.mailhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Messages are streamed, never held whole: a hub with a 256 MiB heap takes 20 concurrent 20 MB messages. */
class LargeMessageMemoryIT {

    private static final int CONCURRENT = 20;
    private static final int BLOCKS = 320; // 320 × 65,520 octets ≈ 20 MB

    @Test
    void aHubWith256MegabytesOfHeapAcceptsAndRelaysTwentyConcurrentTwentyMegabyteMessages() throws Exception {
        try (SmtpSink sink = SmtpSink.onFreePort().start();
                HubProcess hub = new HubProcess(HubProcess.itDir("memory"))) {
            hub.jvm("-Xmx256m").jvm("-XX:+ExitOnOutOfMemoryError")
                    .set("mailhub.relay.smarthost", "127.0.0.1:" + sink.port).start();

            ExecutorService pool = Executors.newFixedThreadPool(CONCURRENT);
            List<Future<String>> replies = new ArrayList<>();
            for (int i = 0; i < CONCURRENT; i++) {
                String subject = "large-" + i;
                replies.add(pool.submit(() -> {
                    try (SmtpClient c = new SmtpClient(hub.smtpPort)) {
                        return c.sendLarge("a@client.test", "b@remote.test", subject, BLOCKS);
                    }
                }));
            }
            pool.shutdown();
            for (Future<String> r : replies) {
                assertThat(r.get()).startsWith("250 2.0.0 Ok: queued as");
            }

            await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> sink.count() == CONCURRENT);
            // smtp-sink stores lines with LF endings: compare line counts, not octets, and never print 20 MB bodies
            long expectedLines = SmtpClient.largeBodyLines(BLOCKS);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                    sink.messages().stream().map(m -> m.body().lines().filter(SmtpClient::isLargeBodyLine).count())
                            .toList()).containsOnly(expectedLines));
            assertThat(hub.health()).contains("UP");
            assertThat(hub.log()).doesNotContain("OutOfMemoryError");
        }
    }
}
