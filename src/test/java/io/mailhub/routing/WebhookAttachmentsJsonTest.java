package io.mailhub.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailhub.model.BodyType;
import io.mailhub.model.Envelope;
import io.mailhub.model.EnvelopeHeaders;
import io.mailhub.model.MailAddress;
import io.mailhub.model.Recipient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The webhook's parsed JSON with attachmentsByReferenceOver: small attachments inline, large ones linked. */
class WebhookAttachmentsJsonTest {

    private static final String BASE = "http://hub.example:8080";

    @TempDir
    Path dir;

    private final CamelContext camel = new DefaultCamelContext();
    private final AttachmentStoreTest.TestClock clock =
            new AttachmentStoreTest.TestClock(Instant.parse("2026-03-02T09:15:05Z"));
    private final byte[] small = random(300, 1);
    private final byte[] large = random(5_000, 2);

    @AfterEach
    void close() throws Exception {
        camel.close();
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static String part(String type, String name, byte[] content) {
        return "--b1\r\nContent-Type: " + type + "; name=\"" + name + "\"\r\nContent-Disposition: attachment;"
                + " filename=\"" + name + "\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + Base64.getMimeEncoder().encodeToString(content) + "\r\n";
    }

    private byte[] message() {
        return ("From: a@client.test\r\nTo: crm@hook.test\r\nSubject: two files\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain\r\n\r\n"
                + "see attached\r\n" + part("text/csv", "small.csv", small)
                + part("application/pdf", "large.pdf", large)
                + "--b1--\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private JsonNode parsed(Egress.ByReference byReference) throws Exception {
        Envelope e = new Envelope("01JQ8Z3K7M2XQF", new MailAddress("a", "client.test"),
                List.of(Recipient.of(new MailAddress("crm", "hook.test"))), null, null, BodyType.SEVEN_BIT, false,
                "192.0.2.7", "client.test", null, clock.instant(), -1);
        Exchange exchange = new DefaultExchange(camel);
        EnvelopeHeaders.write(e, exchange.getMessage().getHeaders());
        exchange.getMessage().setHeader(MailhubHeaders.INGRESS, "smtp");
        return new ObjectMapper().readTree(Egress.parsed(e, exchange, message(), byReference));
    }

    @Test
    void withoutTheOptionEveryAttachmentIsInlineAsBefore() throws Exception {
        JsonNode json = parsed(null);

        assertThat(json.get("attachments")).hasSize(2);
        assertThat(Base64.getDecoder().decode(json.at("/attachments/0/content").asText())).isEqualTo(small);
        assertThat(Base64.getDecoder().decode(json.at("/attachments/1/content").asText())).isEqualTo(large);
        assertThat(json.at("/attachments/1/size").asLong()).isEqualTo(large.length);
        assertThat(json.at("/attachments/1").has("url")).isFalse();
        assertThat(json.get("text").asText()).isEqualTo("see attached");
    }

    @Test
    void anAttachmentOverTheThresholdIsStoredAndLinkedAndOneBelowItStaysInline() throws Exception {
        AttachmentStore store = AttachmentStore.open(dir, Duration.ofDays(7), () -> BASE, clock);

        JsonNode json = parsed(new Egress.ByReference(store, 1024));

        JsonNode inline = json.at("/attachments/0");
        assertThat(inline.get("filename").asText()).isEqualTo("small.csv");
        assertThat(inline.get("content_type").asText()).isEqualTo("text/csv");
        assertThat(Base64.getDecoder().decode(inline.get("content").asText())).isEqualTo(small);
        assertThat(inline.has("url")).isFalse();

        JsonNode linked = json.at("/attachments/1");
        assertThat(linked.has("content")).as("no content when linked").isFalse();
        assertThat(linked.get("filename").asText()).isEqualTo("large.pdf");
        assertThat(linked.get("content_type").asText()).isEqualTo("application/pdf");
        assertThat(linked.get("size").asLong()).isEqualTo(large.length);
        assertThat(linked.get("sha256").asText()).isEqualTo(HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(large)));
        assertThat(Instant.parse(linked.get("expires_at").asText()))
                .isEqualTo(clock.instant().plus(Duration.ofDays(7)));
        String url = linked.get("url").asText();
        assertThat(url).matches(java.util.regex.Pattern.quote(BASE) + "/api/v1/attachments/[A-Za-z0-9_-]{43}"
                + "\\?expires=" + Instant.parse(linked.get("expires_at").asText()).getEpochSecond()
                + "&signature=[A-Za-z0-9_-]{43}");

        String token = url.substring(url.lastIndexOf('/') + 1, url.indexOf('?'));
        String query = url.substring(url.indexOf('?') + 1);
        AttachmentStore.Lookup found = store.lookup(token, query.split("&")[0].substring(8),
                query.split("&")[1].substring(10));
        assertThat(found.status()).isEqualTo(AttachmentStore.Status.FOUND);
        assertThat(Files.readAllBytes(found.content())).as("stored before the JSON is handed over").isEqualTo(large);
        assertThat(parsed(new Egress.ByReference(store, 1024)).at("/attachments/1/url").asText())
                .as("the JSON of a retried webhook links the same file").isEqualTo(url);
    }

    @Test
    void anAttachmentOfExactlyTheThresholdStaysInline() throws Exception {
        AttachmentStore store = AttachmentStore.open(dir, Duration.ofDays(7), () -> BASE, clock);

        JsonNode json = parsed(new Egress.ByReference(store, large.length));

        assertThat(Base64.getDecoder().decode(json.at("/attachments/1/content").asText())).isEqualTo(large);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("refs", "link.key");
        }
    }

    @Test
    void theOptionIsCheckedWhenTheRouteLoads() {
        camel.addComponent("mailhub", new MailhubComponent());

        MailhubEndpoint on = camel.getEndpoint("mailhub:webhook?url=http://crm.test/hook"
                + "&attachmentsByReferenceOver=512KB", MailhubEndpoint.class);
        MailhubEndpoint off = camel.getEndpoint("mailhub:webhook?url=http://crm.test/hook", MailhubEndpoint.class);

        assertThat(on.referenceOver()).isEqualTo(512 * 1024);
        assertThat(off.referenceOver()).isEqualTo(-1);
        assertThatThrownBy(() -> camel.getEndpoint("mailhub:webhook?url=http://crm.test/hook"
                + "&attachmentsByReferenceOver=lots")).hasStackTraceContaining("attachmentsByReferenceOver=lots must be"
                        + " off or a size");
        assertThatThrownBy(() -> camel.getEndpoint("mailhub:webhook?url=http://crm.test/hook&format=raw"
                + "&attachmentsByReferenceOver=1MB")).hasStackTraceContaining("works with format=parsed only");
    }
}
