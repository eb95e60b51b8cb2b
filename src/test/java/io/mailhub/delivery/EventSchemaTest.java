package io.mailhub.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.mailhub.model.BodyType;
import io.mailhub.model.Envelope;
import io.mailhub.model.MailAddress;
import io.mailhub.model.Recipient;
import io.mailhub.model.SmtpReply;
import io.mailhub.relay.AttemptTimes;
import io.mailhub.relay.Blame;
import io.mailhub.relay.DeliveryReport;
import io.mailhub.relay.NextHop;
import io.mailhub.relay.RecipientResult;
import io.mailhub.relay.RecipientStatus;
import io.mailhub.relay.TlsSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of line the event log writes validates against docs/events.schema.json, and a wrong line does not. */
class EventSchemaTest {

    static final Instant NOW = Instant.parse("2026-11-30T10:00:00Z");
    static final Schema SCHEMA = schema();

    @TempDir
    Path dir;

    static Schema schema() {
        try {
            return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                    .getSchema(Files.readString(Path.of("docs/events.schema.json")), InputFormat.JSON);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> problems(String line) {
        return SCHEMA.validate(line, InputFormat.JSON).stream().map(Object::toString).toList();
    }

    @Test
    void everyLineTheLogWritesValidates() throws Exception {
        Path file = dir.resolve("events.jsonl");
        DeliveryEvents events = new DeliveryEvents(file);
        List<String> tapped = new ArrayList<>();
        events.withTap(tapped::add);
        Envelope e = new Envelope("3F7K2M", new MailAddress("billing", "shop.test"),
                List.of(Recipient.of(new MailAddress("ann", "remote.test"))), null, null, BodyType.SEVEN_BIT, false,
                "192.0.2.7", "client.test", "erp", NOW, 1200);
        events.record(e, new DeliveryReport(List.of(new RecipientResult(Recipient.of(new MailAddress("ann",
                "remote.test")), RecipientStatus.FAILED, SmtpReply.of(554, "5.4.7", "delivery time expired"), null,
                Blame.NONE, false))), 9, NOW, "invoice", "{\"order\":1}", true);
        Map<String, Object> received = new LinkedHashMap<>();
        received.put("door", "http");
        received.put("principal", "erp");
        received.put("client", "192.0.2.7");
        received.put("sender", "billing@shop.test");
        received.put("recipients", List.of("ann@remote.test"));
        received.put("message_id", "3F7K2M@shop.test");
        received.put("size", 1200L);
        events.note(NOW, "3F7K2M", "received", received);
        events.note(NOW, null, "rejected", Map.of("door", "smtp", "client", "192.0.2.8", "sender", "",
                "recipients", List.of("x@remote.test"), "code", 554, "enhanced", "5.4.6", "reply", "554 5.4.6 loop"));
        events.note(NOW, "3F7K2M", "bounced", Map.of("notice_queue_id", "4A", "action", "failure",
                "recipients", List.of("ann@remote.test"), "size", 3000));
        events.note(NOW, "3F7K2M", "held", Map.of("queue", "mail.hold", "by", "routing route"));
        events.note(NOW, "3F7K2M", "dead_lettered", Map.of("reason", "double_bounce"));
        events.note(NOW, null, "admin_hold", Map.of("user", "olga", "filter", Map.of("domain", "x.test"),
                "reason", "asked", "count", 3, "affected", 3));
        events.note(NOW, "3F7K2M", "rerouted", Map.of("by", "olga", "reason", "their MX moved"));
        events.note(NOW, "3F7K2M", "suspended", Map.of("domain", "remote.test", "until", NOW.plusSeconds(3600)
                .toString(), "reason", "maintenance", "recipients", List.of("ann@remote.test")));
        events.note(NOW, "3F7K2M", "suppressed", Map.of("recipient", "nobody@remote.test", "status", "5.1.1"));
        events.returned(NOW, "3F7K2M", "nobody@remote.test", "failed", "5.1.1", "550 5.1.1 User unknown",
                "mx.remote.test", "erp", Map.of("reporting_mta", "mx.remote.test", "report_queue_id", "4B"));
        events.note(NOW, "3F7K2M", "returned", Map.of("action", "not-a-report", "sender", "ooo@remote.test",
                "report_queue_id", "4C"));
        events.note(NOW, null, "admin_bounce", Map.of("user", "olga", "filter", Map.of("queue_id", "3F7K2M"),
                "reason", "left the company", "count", 1, "affected", 1));
        events.close();

        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(13).isEqualTo(tapped);
        assertThat(new ObjectMapper().readTree(lines.get(0)).path("event").asText()).isEqualTo("expired");
        for (String line : lines) {
            assertThat(problems(line)).as(line).isEmpty();
        }
    }

    @Test
    void anAttemptLineWithEveryFieldOfTheRelayAndTheAcceptanceValidates() throws Exception {
        Path file = dir.resolve("events.jsonl");
        DeliveryEvents events = new DeliveryEvents(file);
        Envelope e = new Envelope("3F7K2M", null, List.of(Recipient.of(new MailAddress("ann", "remote.test"))), null,
                null, BodyType.SEVEN_BIT, false, "192.0.2.7", "client.test", "erp", NOW.minusSeconds(75), 1200);
        RecipientResult deferred = new RecipientResult(Recipient.of(new MailAddress("ann", "remote.test")),
                RecipientStatus.DEFERRED, SmtpReply.of(451, "4.7.1", "greylisted"), "mx.remote.test[192.0.2.1]:25",
                Blame.RECIPIENT, true, new NextHop("mx.remote.test", "192.0.2.1", 10,
                        new TlsSession("TLSv1.3", "TLS_AES_256_GCM_SHA384", false)),
                new AttemptTimes(Duration.ofMillis(74_200), Duration.ofMillis(310), Duration.ofMillis(45)));
        events.record(e, new DeliveryReport(List.of(deferred)), 1, NOW, null, null, false,
                new AttemptFacts("dispatch", "http", "3F7K2M@shop.test", true, "shop.test", List.of("rsa", "ed")));
        events.close();

        String line = Files.readAllLines(file).get(0);
        assertThat(problems(line)).as(line).isEmpty();
        com.fasterxml.jackson.databind.JsonNode n = new ObjectMapper().readTree(line);
        assertThat(n.get("sender").asText()).as("the null sender").isEmpty();
        assertThat(n.get("reply_code").asInt()).isEqualTo(451);
        assertThat(n.get("reply_enhanced").asText()).isEqualTo("4.7.1");
        assertThat(n.get("delay").asDouble()).isEqualTo(75.0);
        assertThat(n.get("delays").get("in_queue").asDouble()).isEqualTo(74.2);
        assertThat(n.get("delays").get("connection_setup").asDouble()).isEqualTo(0.31);
        assertThat(n.get("delays").get("transmission").asDouble()).isEqualTo(0.045);
        assertThat(n.get("mx_preference").asInt()).isEqualTo(10);
        assertThat(n.get("tls_verified").asBoolean()).isFalse();
        assertThat(n.get("route_id").asText()).isEqualTo("dispatch");
        assertThat(n.get("dkim_selectors")).extracting(com.fasterxml.jackson.databind.JsonNode::asText)
                .containsExactly("rsa", "ed");
    }

    @Test
    void anAttemptLineWithANewFieldOfTheWrongKindIsRefused() {
        String attempt = "{\"time\":\"2026-11-30T10:00:00Z\",\"queue_id\":\"3F\",\"event\":\"delivered\","
                + "\"recipient\":\"ann@remote.test\",\"status\":\"2.0.0\",\"reply\":\"250 ok\",\"attempt\":1";
        assertThat(problems(attempt + "}")).isEmpty();
        assertThat(problems(attempt + ",\"tls_verified\":\"yes\"}")).isNotEmpty();
        assertThat(problems(attempt + ",\"reply_enhanced\":\"2.0\"}")).isNotEmpty();
        assertThat(problems(attempt + ",\"delays\":{\"before_queue\":1.5}}")).isNotEmpty();
        assertThat(problems(attempt + ",\"mx_preference\":70000}")).isNotEmpty();
    }

    @Test
    void aLineWithAnUnknownEventOrWithoutItsRequiredFieldsIsRefusedByTheSchema() {
        assertThat(problems("{\"time\":\"2026-11-30T10:00:00Z\",\"event\":\"teleported\"}")).isNotEmpty();
        assertThat(problems("{\"time\":\"2026-11-30T10:00:00Z\",\"event\":\"received\",\"queue_id\":\"3F\"}"))
                .isNotEmpty();
        assertThat(problems("{\"time\":\"2026-11-30T10:00:00Z\",\"event\":\"held\",\"queue_id\":\"3F\",\"by\":\"x\","
                + "\"colour\":\"red\"}")).isNotEmpty();
    }
}
