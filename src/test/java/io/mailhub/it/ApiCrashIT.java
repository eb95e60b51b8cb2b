package io.mailhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * "202 means stored" for the HTTP door: 500 API requests, each with its own Idempotency-Key, are in flight when the hub
 * is killed with SIGKILL. After a restart the client sends every request again that got no answer, and some that did,
 * with the same keys. Every request ends with a 202, a repeated one with the first id, and every message reaches the
 * next hop exactly once: those stored before the kill whose answer was lost are not stored twice. The same holds for
 * the monitoring webhook door.
 */
class ApiCrashIT {

    private static final int REQUESTS = 500;
    private static final int ANSWERED_BEFORE_KILL = 50;

    record Answer(int status, String id, boolean replay) {}

    @Test
    void everyAnsweredRequestArrivesOnceAndRetriesWithTheSameKeyNeverDuplicate() throws Exception {
        killWhileAnswering("api-crash", (hub, key, n) -> {
            String body = "{\"from\": \"orders@erp.test\", \"to\": \"customer" + n + "@remote.test\", \"subject\":"
                    + " \"api-crash-" + n + "\", \"text\": \"order " + n + "\"}";
            return HttpRequest.newBuilder(URI.create(hub.url("/api/v1/messages"))).timeout(Duration.ofSeconds(60))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                    .header("Idempotency-Key", "order-" + n).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        }, true);
    }

    /**
     * The same for the Alertmanager webhook, which has no Idempotency-Key: Alertmanager posts a notification again when
     * it got no 2xx, and the hub knows it by its group key, status and alerts, also across the kill.
     */
    @Test
    void everyAlertNotificationIsMailedOnceThoughAlertmanagerPostsAgainAfterTheKill() throws Exception {
        killWhileAnswering("webhook-crash", (hub, key, n) -> {
            String body = "{\"version\": \"4\", \"status\": \"firing\", \"receiver\": \"ops\", \"groupKey\":"
                    + " \"{}:{alertname=\\\"crash-" + n + "\\\"}\", \"truncatedAlerts\": 0, \"groupLabels\":"
                    + " {\"alertname\": \"crash-" + n + "\"}, \"commonLabels\": {\"alertname\": \"crash-" + n + "\","
                    + " \"severity\": \"warning\"}, \"commonAnnotations\": {}, \"externalURL\": \"http://am.test\","
                    + " \"alerts\": [{\"status\": \"firing\", \"labels\": {\"alertname\": \"crash-" + n + "\","
                    + " \"severity\": \"warning\"}, \"annotations\": {}, \"startsAt\": \"2026-11-29T10:00:00Z\","
                    + " \"endsAt\": \"0001-01-01T00:00:00Z\", \"generatorURL\": \"\", \"fingerprint\": \"f" + n + "\"}]}";
            return HttpRequest.newBuilder(URI.create(hub.url("/api/v1/webhooks/alertmanager/ops")))
                    .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + key)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        }, false);
    }

    interface Requests {
        HttpRequest request(HubProcess hub, String key, int n);
    }

    private static void killWhileAnswering(String name, Requests requests, boolean replayHeader) throws Exception {
        SmtpSink sink = SmtpSink.onFreePort(); // not started yet: the next hop is down
        HubProcess hub = new HubProcess(HubProcess.itDir(name));
        String key = HubProcess.createApiKey(hub.workDir().resolve("keys"), "erp", "--from", "@erp.test,@ops.test");
        try (hub) {
            hub.set("mailhub.relay.smarthost", "127.0.0.1:" + sink.port).set("mailhub.retry.schedule", "1s")
                    .set("mailhub.relay.dead-destination-time", "1s")
                    .set("mailhub.alerts.to", "oncall@remote.test").set("mailhub.alerts.from", "alerts@ops.test")
                    .set("mailhub.api.keys-file", hub.workDir().resolve("keys")).start();
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10)).build();

            Map<Integer, Answer> first = new ConcurrentHashMap<>();
            AtomicInteger answered = new AtomicInteger();
            List<CompletableFuture<?>> inFlight = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                int n = i;
                inFlight.add(client.sendAsync(requests.request(hub, key, n), HttpResponse.BodyHandlers.ofString())
                        .thenAccept(r -> {
                            first.put(n, answer(r));
                            answered.incrementAndGet();
                        }));
            }
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
                    .until(() -> answered.get() >= ANSWERED_BEFORE_KILL);
            hub.kill();
            CompletableFuture.allOf(inFlight.stream().map(f -> f.exceptionally(e -> null))
                    .toArray(CompletableFuture[]::new)).join();
            Map<Integer, Answer> accepted = first.entrySet().stream().filter(e -> e.getValue().status() == 202)
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
            assertThat(accepted.size()).as("answered before the kill").isBetween(ANSWERED_BEFORE_KILL, REQUESTS - 1);
            assertThat(first.values()).allMatch(a -> a.status() == 202, "nothing but 202 before the kill");

            hub.start();
            Map<Integer, Answer> retried = new ConcurrentHashMap<>();
            for (int i = 0; i < REQUESTS; i++) {
                if (!accepted.containsKey(i) || i % 10 == 0) { // every unanswered one, and some answered ones
                    retried.put(i, answer(client.send(requests.request(hub, key, i),
                            HttpResponse.BodyHandlers.ofString())));
                }
            }
            assertThat(retried.values()).allMatch(a -> a.status() == 202, "every retry gets 202");
            retried.forEach((n, a) -> {
                if (accepted.containsKey(n)) {
                    if (replayHeader) {
                        assertThat(a.replay()).as("request %d answered before the kill is replayed", n).isTrue();
                    }
                    assertThat(a.id()).as("request %d answered before the kill keeps its id", n)
                            .isEqualTo(accepted.get(n).id());
                }
            });

            sink.start();
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> sink.count() >= REQUESTS);
            // a duplicate would arrive with the next retry round (1 s): the count must hold past it
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(30)).until(() -> sink.count() == REQUESTS);
            Map<String, Long> arrivals = sink.arrivalsBySubject();
            assertThat(arrivals).hasSize(REQUESTS);
            assertThat(arrivals.values()).allMatch(c -> c == 1, "each message arrives once");
        } finally {
            sink.close();
        }
    }

    private static Answer answer(HttpResponse<String> r) {
        String id = null;
        if (r.statusCode() == 202) {
            try {
                id = new ObjectMapper().readTree(r.body()).get("id").asText();
            } catch (java.io.IOException e) {
                throw new AssertionError(r.body(), e);
            }
        }
        return new Answer(r.statusCode(), id, r.headers().firstValue("Idempotent-Replay").isPresent());
    }
}
