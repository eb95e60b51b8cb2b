package io.mailhub.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailhub.testing.FakeSmtpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The policy route is changed while 2,000 messages flow through the hub: a broken version is refused (logged, shown in
 * the health details) and the running route stays; a valid version takes over. Every message arrives exactly once, and
 * every one carries the field one version of the route added: none passed without its rules.
 */
class RouteReloadTest {

    private static final int MESSAGES = 2_000;

    @TempDir
    Path dir;

    private static String policy(String version) {
        return """
                - route:
                    id: policy
                    from:
                      uri: direct:policy
                      steps:
                        - to: "mailhub:header?name=X-Version&value=VERSION"
                """.replace("VERSION", version);
    }

    @Test
    void aBrokenChangeIsRefusedAValidOneTakesOverAndNoMessageIsLostOrPassesWithoutItsRules() throws Exception {
        Path routes = Files.createDirectories(dir.resolve("routes"));
        Path file = routes.resolve("policy.camel.yaml");
        Files.writeString(file, policy("1"));
        int smtpPort = InProcessHub.freePort();
        int httpPort = InProcessHub.freePort();
        try (FakeSmtpServer nextHop = new FakeSmtpServer()) {
            Map<String, String> values = InProcessHub.settings(dir, smtpPort, httpPort);
            values.put("mailhub.relay.smarthost", "127.0.0.1:" + nextHop.port());
            values.put("mailhub.routes.dir", routes.toString());
            InProcessHub hub = InProcessHub.start(values);
            try {
                AtomicInteger sent = new AtomicInteger();
                ExecutorService clients = Executors.newFixedThreadPool(4);
                Future<?>[] running = new Future<?>[4];
                for (int c = 0; c < 4; c++) {
                    running[c] = clients.submit(() -> {
                        for (int n = sent.getAndIncrement(); n < MESSAGES; n = sent.getAndIncrement()) {
                            send(smtpPort, n);
                        }
                        return null;
                    });
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> sent.get() > 400);
                Files.writeString(file, policy("1").replace("mailhub:header?", "mailhub:header?bogus=1&"));
                await().atMost(Duration.ofSeconds(10)).until(() -> reloadHealth(httpPort).path("refusals").asInt() == 1);
                assertThat(reloadHealth(httpPort).path("refused").asText()).startsWith(file + ":6: ")
                        .contains("bogus");

                await().atMost(Duration.ofSeconds(60)).until(() -> sent.get() > 1000);
                Files.writeString(file, policy("2"));
                await().atMost(Duration.ofSeconds(10)).until(() -> reloadHealth(httpPort).path("reloads").asInt() == 1);
                int sentBeforeV2 = sent.get();
                assertThat(reloadHealth(httpPort).has("refused")).as("a valid change clears the refusal").isFalse();
                for (Future<?> f : running) {
                    f.get();
                }
                clients.shutdown();

                Path audit = dir.resolve("data").resolve("audit.jsonl");
                List<String> records = Files.readAllLines(audit);
                assertThat(records).hasSize(2);
                assertThat(records.get(0)).contains("\"action\":\"config_reload\"").contains("\"result\":\"refused: ")
                        .contains("bogus");
                assertThat(records.get(1)).contains("\"action\":\"config_reload\"").contains("\"result\":\"loaded\"")
                        .contains("policy.camel.yaml");
                assertThat(io.mailhub.admin.AuditLog.verify(audit)).isNull();

                await().atMost(Duration.ofSeconds(120)).until(() -> nextHop.transactions().size() >= MESSAGES);
                Map<String, String> versionBySubject = nextHop.transactions().stream().collect(Collectors.toMap(
                        t -> field(t.data(), "Subject"), t -> field(t.data(), "X-Version"), (a, b) -> "twice"));
                assertThat(versionBySubject).hasSize(MESSAGES);
                assertThat(versionBySubject.values()).as("every message passed one version of the route, once")
                        .allMatch(v -> v.equals("1") || v.equals("2"));
                Map<String, Long> counts = versionBySubject.values().stream()
                        .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
                assertThat(counts.get("1")).isGreaterThan(400);
                assertThat(counts.get("2")).isGreaterThan(0);
                for (int n = sentBeforeV2 + 10; n < MESSAGES; n++) { // sent well after the reload
                    assertThat(versionBySubject.get("reload " + n)).as("message %d", n).isEqualTo("2");
                }
            } finally {
                hub.stop();
            }
        }
    }

    private static String field(String data, String name) {
        for (String line : data.split("\r\n")) {
            if (line.startsWith(name + ": ")) {
                return line.substring(name.length() + 2);
            }
            if (line.isEmpty()) {
                break;
            }
        }
        return "";
    }

    private static JsonNode reloadHealth(int httpPort) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + httpPort + "/observe/health?exposureLevel=full")).build(), HttpResponse.BodyHandlers.ofString());
        for (JsonNode check : new ObjectMapper().readTree(r.body()).path("checks")) {
            if (check.path("name").asText().equals("routes-reload")) {
                return check;
            }
        }
        throw new AssertionError("no routes-reload check in " + r.body());
    }

    private static void send(int port, int n) throws Exception {
        assertThat(InProcessHub.smtp(port, "a@client.test", List.of("b@remote.test"), "Subject: reload " + n
                + "\r\n\r\nbody\r\n")).as("message %d", n).startsWith("250 2.0.0");
    }
}
