package io.mailhub.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code mailhub:webhook?attachmentsByReferenceOver=...} end to end: the hub runs in-process with a YAML routing route,
 * a real HTTP server of this test is the webhook (it answers 503 once, so the hub tries again), and the test fetches
 * the attachment link of the JSON from the hub's HTTP listener over real HTTP, as the receiving system would.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookAttachmentsByReferenceTest {

    /** Long enough for the webhook's second attempt (Retry-After: 1) to come before the links expire. */
    private static final Duration LIFETIME = Duration.ofSeconds(15);

    private Path dir;
    private HttpServer webhook;
    private final List<String> posts = new CopyOnWriteArrayList<>();
    private final AtomicInteger failuresLeft = new AtomicInteger(1);
    private final HttpClient http = HttpClient.newHttpClient();
    private InProcessHub hub;
    private int smtpPort;

    @BeforeAll
    void startHub() throws Exception {
        dir = Files.createTempDirectory("webhook-attachments");
        webhook = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        webhook.createContext("/hook", x -> {
            posts.add(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            boolean fail = failuresLeft.getAndDecrement() > 0;
            if (fail) {
                x.getResponseHeaders().add("Retry-After", "1");
            }
            x.sendResponseHeaders(fail ? 503 : 200, -1);
            x.close();
        });
        webhook.start();
        Path routes = Files.createDirectories(dir.resolve("routes"));
        Files.writeString(routes.resolve("routing.camel.yaml"), """
                - route:
                    id: routing
                    from:
                      uri: direct:routing
                      steps:
                        - to: "mailhub:webhook?url=http://127.0.0.1:%d/hook&attachmentsByReferenceOver=2KB"
                """.formatted(webhook.getAddress().getPort()));
        smtpPort = InProcessHub.freePort();
        int httpPort = InProcessHub.freePort();
        Map<String, String> values = InProcessHub.settings(dir, smtpPort, httpPort);
        values.put("mailhub.routes.dir", routes.toString());
        values.put("mailhub.webhook.attachment-url", "http://127.0.0.1:" + httpPort);
        values.put("mailhub.webhook.attachment-lifetime", LIFETIME.toSeconds() + "s");
        hub = InProcessHub.start(values);
    }

    @AfterAll
    void stopHub() throws Exception {
        hub.stop();
        webhook.stop(0);
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static String attachment(String type, String name, byte[] content) {
        return "--b1\r\nContent-Type: " + type + "; name=\"" + name + "\"\r\nContent-Disposition: attachment;"
                + " filename=\"" + name + "\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + Base64.getMimeEncoder().encodeToString(content) + "\r\n";
    }

    private HttpResponse<byte[]> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void theWebhookGetsALinkToTheLargeAttachmentThatServesItsBytesUntilItExpires() throws Exception {
        byte[] small = random(500, 11);
        byte[] large = random(40_000, 12);
        String message = "From: a@client.test\r\nTo: crm@hook.test\r\nSubject: files by reference\r\n"
                + "MIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\n"
                + "two files\r\n" + attachment("text/plain", "notes.txt", small)
                + attachment("application/pdf", "scan 7.pdf", large) + "--b1--\r\n";

        assertThat(InProcessHub.smtp(smtpPort, "a@client.test", List.of("crm@hook.test"), message))
                .startsWith("250 2.0.0");

        // 503 first: the hub tries again, and the second attempt carries the same link
        await().atMost(Duration.ofSeconds(14)).until(() -> posts.size() >= 2);
        Instant fetchedFrom = Instant.now();
        JsonNode first = new ObjectMapper().readTree(posts.get(0));
        JsonNode json = new ObjectMapper().readTree(posts.get(1));
        assertThat(json.at("/attachments/0/filename").asText()).isEqualTo("notes.txt");
        assertThat(Base64.getDecoder().decode(json.at("/attachments/0/content").asText())).isEqualTo(small);
        JsonNode linked = json.at("/attachments/1");
        assertThat(linked.has("content")).isFalse();
        assertThat(linked.get("filename").asText()).isEqualTo("scan 7.pdf");
        assertThat(linked.get("content_type").asText()).isEqualTo("application/pdf");
        assertThat(linked.get("size").asLong()).isEqualTo(large.length);
        String url = linked.get("url").asText();
        assertThat(first.at("/attachments/1/url").asText()).as("the retried webhook got the same link").isEqualTo(url);

        // the receiving system fetches the link from the running hub
        HttpResponse<byte[]> fetched = get(url);
        assertThat(fetched.statusCode()).isEqualTo(200);
        assertThat(fetched.body()).isEqualTo(large);
        String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(fetched.body()));
        assertThat(linked.get("sha256").asText()).isEqualTo(sha256);
        assertThat(fetched.headers().firstValue("Content-Type")).hasValue("application/pdf");
        assertThat(fetched.headers().firstValue("Content-Disposition").orElseThrow())
                .contains("filename=\"scan 7.pdf\"");
        assertThat(fetched.headers().firstValue("Repr-Digest")).hasValue("sha-256=:" + Base64.getEncoder()
                .encodeToString(HexFormat.of().parseHex(sha256)) + ":");
        assertThat(fetched.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");

        // a changed signature, or a later expiry with the old signature: 403
        String signature = url.substring(url.indexOf("&signature=") + 11);
        String other = (signature.charAt(0) == 'A' ? "B" : "A") + signature.substring(1);
        HttpResponse<byte[]> tampered = get(url.replace("&signature=" + signature, "&signature=" + other));
        long expires = Instant.parse(linked.get("expires_at").asText()).getEpochSecond();
        HttpResponse<byte[]> extended = get(url.replace("?expires=" + expires, "?expires=" + (expires + 86_400)));
        for (HttpResponse<byte[]> refused : List.of(tampered, extended)) {
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.headers().firstValue("Content-Type").orElseThrow())
                    .startsWith("application/problem+json");
            JsonNode problem = new ObjectMapper().readTree(refused.body());
            assertThat(problem.get("type").asText()).isEqualTo("/problems/link-invalid");
            assertThat(problem.get("status").asInt()).isEqualTo(403);
        }
        assertThat(Instant.ofEpochSecond(expires)).as("the link was fetched before its expiry").isAfter(fetchedFrom);

        // after the expiry: 410
        await().atMost(LIFETIME.plusSeconds(10)).pollInterval(Duration.ofMillis(500))
                .until(() -> get(url).statusCode() != 200);
        HttpResponse<byte[]> expired = get(url);
        assertThat(Instant.now()).isAfterOrEqualTo(Instant.ofEpochSecond(expires));
        assertThat(expired.statusCode()).isEqualTo(410);
        JsonNode problem = new ObjectMapper().readTree(expired.body());
        assertThat(problem.get("type").asText()).isEqualTo("/problems/link-expired");
        assertThat(problem.get("enhanced_status").asText()).isEqualTo("5.4.7");
    }
}
