package io.mailhub.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailhub.model.BodyType;
import io.mailhub.model.Envelope;
import io.mailhub.model.MailAddress;
import io.mailhub.model.Recipient;
import io.mailhub.model.SmtpReply;
import io.mailhub.relay.AttemptTimes;
import io.mailhub.relay.Blame;
import io.mailhub.relay.NextHop;
import io.mailhub.relay.DeliveryReport;
import io.mailhub.relay.RecipientResult;
import io.mailhub.relay.RecipientStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The delivery event log: one JSON line per recipient and attempt, found again by queue id. */
class DeliveryEventsTest {

    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

    @TempDir
    Path dir;

    private static Envelope envelope(String queueId) {
        return new Envelope(queueId, new MailAddress("billing", "shop.test"),
                List.of(Recipient.of(new MailAddress("ann", "remote.test"))), null, null, BodyType.SEVEN_BIT, false,
                "127.0.0.1", null, "shop-key", NOW, -1);
    }

    private static DeliveryReport delivered() {
        return new DeliveryReport(List.of(new RecipientResult(Recipient.of(new MailAddress("ann", "remote.test")),
                RecipientStatus.DELIVERED, SmtpReply.of(250, "2.0.0", "Ok"), "mx.remote.test[192.0.2.1]:25",
                Blame.NONE, true)));
    }

    @Test
    void theTagsAndMetadataOfAnApiMessageAreInEveryLineAndFoundAgainAfterARestart() throws Exception {
        Path file = dir.resolve("events.jsonl");
        DeliveryEvents events = new DeliveryEvents(file);
        events.record(envelope("Q1"), delivered(), 1, NOW, "invoice,eu", "{\"order\":\"4711\"}");
        events.close();

        JsonNode line = new ObjectMapper().readTree(Files.readAllLines(file, StandardCharsets.UTF_8).get(0));
        assertThat(line.get("queue_id").asText()).isEqualTo("Q1");
        assertThat(line.get("event").asText()).isEqualTo("delivered");
        assertThat(line.get("principal").asText()).isEqualTo("shop-key");
        assertThat(line.get("tags")).extracting(JsonNode::asText).containsExactly("invoice", "eu");
        assertThat(line.get("metadata").get("order").asText()).isEqualTo("4711");

        DeliveryEvents.Event found = new DeliveryEvents(file).find("Q1").get(0);
        assertThat(found.tags()).containsExactly("invoice", "eu");
        assertThat(found.metadata()).isEqualTo("{\"order\":\"4711\"}");
        assertThat(found.remoteMta()).isEqualTo("mx.remote.test[192.0.2.1]:25");
    }

    @Test
    void theFieldsBeyondTheCoreOnesAreFoundAgainAfterARestart() throws Exception {
        Path file = dir.resolve("events.jsonl");
        DeliveryEvents events = new DeliveryEvents(file);
        DeliveryReport report = delivered().map(r -> r.with(new NextHop("mx.remote.test", "192.0.2.1", 5, null),
                new AttemptTimes(Duration.ofSeconds(3), Duration.ofMillis(120), Duration.ofMillis(80))));
        events.record(envelope("Q4"), report, 1, NOW.plusSeconds(4), null, null, false,
                new AttemptFacts("dispatch", "smtp", "x@shop.test", false, null, List.of()));
        events.close();

        DeliveryEvents.Event found = new DeliveryEvents(file).find("Q4").get(0);
        assertThat(found.details()).containsEntry("next_hop", "mx.remote.test").containsEntry("next_hop_ip", "192.0.2.1")
                .containsEntry("mx_preference", 5).containsEntry("route_id", "dispatch").containsEntry("door", "smtp")
                .containsEntry("message_id", "x@shop.test").containsEntry("dkim_signed", false)
                .containsEntry("delay", 4.0).containsEntry("reply_code", 250).containsEntry("sender", "billing@shop.test")
                .doesNotContainKeys("tls", "tls_cipher", "dkim_domain", "size");
        assertThat(found.details().get("delays")).isEqualTo(java.util.Map.of("in_queue", 3.0, "connection_setup", 0.12,
                "transmission", 0.08));
        assertThat(found.details()).isEqualTo(events.find("Q4").get(0).details());
    }

    @Test
    void aMessageWithoutTagsOrMetadataWritesNeither() throws Exception {
        Path file = dir.resolve("events.jsonl");
        DeliveryEvents events = new DeliveryEvents(file);
        events.record(envelope("Q2"), delivered(), 1, NOW);
        events.close();

        JsonNode line = new ObjectMapper().readTree(Files.readAllLines(file, StandardCharsets.UTF_8).get(0));
        assertThat(line.has("tags")).isFalse();
        assertThat(line.has("metadata")).isFalse();
        assertThat(events.find("Q2")).hasSize(1);
    }

    @Test
    void metadataARouteSetToSomethingOtherThanJsonIsKeptAsText() throws Exception {
        Path file = dir.resolve("events.jsonl");
        DeliveryEvents events = new DeliveryEvents(file);
        events.record(envelope("Q3"), delivered(), 1, NOW, null, "not json");
        events.close();

        JsonNode line = new ObjectMapper().readTree(Files.readAllLines(file, StandardCharsets.UTF_8).get(0));
        assertThat(line.get("metadata").asText()).isEqualTo("not json");
    }

    @Test
    void aNotesFieldsOfEveryKindAreWrittenAsTheObjectMapperWritesThem() throws Exception {
        Path file = dir.resolve("events.jsonl");
        DeliveryEvents events = new DeliveryEvents(file);
        java.util.Map<String, Object> nested = new java.util.LinkedHashMap<>();
        nested.put("in_queue", 1.25);
        nested.put("missing", null);
        java.util.Map<String, Object> fields = new java.util.LinkedHashMap<>();
        fields.put("text", "a \"quoted\" line\n");
        fields.put("int", 7);
        fields.put("long", 12_345_678_901L);
        fields.put("double", 0.5);
        fields.put("flag", true);
        fields.put("list", List.of("a", 2, false));
        fields.put("map", nested);
        fields.put("decimal", new java.math.BigDecimal("1.50"));
        fields.put("left out", null);
        events.note(NOW, "Q3", "admin_test", fields);
        events.close();

        ObjectMapper mapper = new ObjectMapper();
        JsonNode line = mapper.readTree(Files.readAllLines(file, StandardCharsets.UTF_8).get(0));
        java.util.Map<String, Object> expected = new java.util.LinkedHashMap<>();
        expected.put("time", NOW.toString());
        expected.put("queue_id", "Q3");
        expected.put("event", "admin_test");
        fields.forEach((k, v) -> {
            if (v != null) {
                expected.put(k, v);
            }
        });
        assertThat(line).isEqualTo(mapper.readTree(mapper.writeValueAsString(expected)));
    }
}
