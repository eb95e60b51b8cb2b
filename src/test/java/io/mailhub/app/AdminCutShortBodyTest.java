package io.mailhub.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailhub.model.EnvelopeHeaders;
import io.mailhub.queue.EmbeddedBroker;
import io.mailhub.queue.LargeBodyCheck;
import io.mailhub.queue.QueueNames;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.Session;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API over HTTP on a message whose body the broker holds cut short (ADR 0032): reading it raw and bouncing it
 * (both through the rework that reroute uses too) answer {@code 409 body-cut-short} in problem JSON, and the message
 * stays in its queue.
 */
class AdminCutShortBodyTest {

    @TempDir
    Path dir;

    @Test
    void readingOrBouncingABodyCutShortAnswers409AndTheMessageStays() throws Exception {
        Files.writeString(dir.resolve("admins"), "ada:" + io.mailhub.auth.Passwords.hash("admin pass".toCharArray(), 4)
                + ":admin\n");
        int httpPort = InProcessHub.freePort();
        Map<String, String> values = InProcessHub.settings(dir, InProcessHub.freePort(), httpPort);
        values.put("mailhub.admin.users-file", dir.resolve("admins").toString());
        InProcessHub hub = InProcessHub.start(values);
        try {
            ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory(EmbeddedBroker.IN_VM_URL);
            try (cf; Connection c = cf.createConnection()) {
                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                BytesMessage m = s.createBytesMessage();
                m.writeBytes("Subject: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                m.setLongProperty(LargeBodyCheck.SENT_LENGTH, 1_500_000); // what Artemis records of a large message
                m.setStringProperty(EnvelopeHeaders.QUEUE_ID, "0000000000CUT1");
                m.setStringProperty(EnvelopeHeaders.SENDER, "a@client.test");
                s.createProducer(s.createQueue(QueueNames.DEAD)).send(m);
            }
            String base = "http://127.0.0.1:" + httpPort + "/admin/v1/messages/0000000000CUT1";
            await().atMost(Duration.ofSeconds(10)).until(() -> call("GET", base, null).statusCode() == 200);

            for (HttpResponse<String> r : java.util.List.of(call("GET", base + "/raw?reason=look", null),
                    call("POST", base + "/bounce", "{\"reason\": \"left the company\"}"))) {
                JsonNode problem = new ObjectMapper().readTree(r.body());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(409);
                assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                        .startsWith("application/problem+json"));
                assertThat(problem.get("type").asText()).endsWith("body-cut-short");
                assertThat(problem.get("detail").asText()).startsWith("body cut short: the broker holds 14 of the"
                        + " 1500000 octets sent").endsWith("; the message stays where it was");
            }
            assertThat(new ObjectMapper().readTree(call("GET", base, null).body()).toString())
                    .contains(QueueNames.DEAD);
        } finally {
            hub.stop();
        }
    }

    private static HttpResponse<String> call(String method, String url, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Basic "
                + Base64.getEncoder().encodeToString("ada:admin pass".getBytes(StandardCharsets.UTF_8)));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        return HttpClient.newHttpClient().send(b.method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
