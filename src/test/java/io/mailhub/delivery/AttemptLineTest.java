package io.mailhub.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailhub.acceptance.MailAcceptance;
import io.mailhub.model.BodyType;
import io.mailhub.model.Envelope;
import io.mailhub.model.EnvelopeHeaders;
import io.mailhub.model.MailAddress;
import io.mailhub.model.Recipient;
import io.mailhub.relay.dns.MxHost;
import io.mailhub.relay.dns.MxResolution;
import io.mailhub.relay.dns.MxResolver;
import io.mailhub.testing.FakeSmtpServer;
import io.mailhub.testing.TestCertificates;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLSession;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A delivery attempt's event line as the delivery route writes it: a route named like the retry route hands a queued
 * message to the smtp-relay endpoint (MX lookup, STARTTLS with certificate verification) and deliveryOutcome, and the
 * line carries what the attempt measured, what the message carried from its acceptance, and the route's id.
 */
class AttemptLineTest {

    private static final Duration IN_QUEUE = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private final TestCertificates certs = TestCertificates.get();
    private FakeSmtpServer server;
    private DefaultCamelContext camel;
    private Path file;

    @BeforeEach
    void start() throws Exception {
        server = new FakeSmtpServer().startTls(certs.caSignedServer());
        file = dir.resolve("events.jsonl");
        DeliveryEvents events = new DeliveryEvents(file);
        MxHost mx = new MxHost("localhost", 10, List.of(InetAddress.getLoopbackAddress()));
        camel = new DefaultCamelContext();
        MxResolver dns = domain -> new MxResolution.Hosts(List.of(mx));
        camel.getRegistry().bind("dns", MxResolver.class, dns);
        DeliveryOutcome outcome = new DeliveryOutcome(RetrySchedule.parse("5m"), Duration.ofDays(5), null,
                Clock.systemUTC(), events);
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:retry").routeId("retry").to("direct:delivery");
                from("direct:delivery").routeId("delivery")
                        .to("smtp-relay:outbound?port=" + server.port() + "&mxResolver=#dns&heloName=hub.test"
                                + "&tlsPolicy=verify&tlsTrustAnchors=" + certs.caPem())
                        .process(outcome);
            }
        });
        camel.start();
    }

    @AfterEach
    void stop() throws Exception {
        camel.stop();
        server.close();
    }

    private JsonNode deliver(Map<String, Object> acceptanceFacts) throws Exception {
        Instant arrival = Instant.now().minus(IN_QUEUE);
        byte[] body = "Subject: hi\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII);
        Envelope e = new Envelope("3F7K2M", new MailAddress("billing", "shop.test"),
                List.of(Recipient.of(new MailAddress("ann", "remote.test"))), null, null, BodyType.SEVEN_BIT, false,
                "192.0.2.7", "client.test", "erp", arrival, body.length);
        Map<String, Object> headers = new HashMap<>(acceptanceFacts);
        EnvelopeHeaders.write(e, headers);
        headers.put(EnvelopeHeaders.ATTEMPT, 2);
        camel.createProducerTemplate().sendBodyAndHeaders("direct:retry", body, headers);
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(1);
        assertThat(EventSchemaTest.problems(lines.get(0))).as(lines.get(0)).isEmpty();
        return new ObjectMapper().readTree(lines.get(0));
    }

    @Test
    void theLineNamesTheNextHopItsTlsTheReplyTheDelaysAndTheRouteThatMadeTheAttempt() throws Exception {
        server.dataReply("250 2.6.0 Queued as 4XY");
        JsonNode line = deliver(Map.of(MailAcceptance.INGRESS, "http", EnvelopeHeaders.MESSAGE_ID, "3F7K2M@shop.test",
                EnvelopeHeaders.DKIM_SIGNED, "true", EnvelopeHeaders.DKIM_DOMAIN, "shop.test",
                EnvelopeHeaders.DKIM_SELECTORS, "rsa2026,ed2026"));

        SSLSession serverSide = server.tlsSessions().get(0);
        assertThat(line.get("event").asText()).isEqualTo("delivered");
        assertThat(line.get("attempt").asInt()).isEqualTo(3);
        assertThat(line.get("route_id").asText()).isEqualTo("retry");
        assertThat(line.get("next_hop").asText()).isEqualTo("localhost");
        assertThat(line.get("next_hop_ip").asText()).isEqualTo(InetAddress.getLoopbackAddress().getHostAddress());
        assertThat(line.get("mx_preference").asInt()).isEqualTo(10);
        assertThat(line.get("tls").asText()).isEqualTo(serverSide.getProtocol());
        assertThat(line.get("tls_cipher").asText()).isEqualTo(serverSide.getCipherSuite());
        assertThat(line.get("tls_verified").asBoolean()).isTrue();
        assertThat(line.get("reply").asText()).isEqualTo("250 2.6.0 Queued as 4XY");
        assertThat(line.get("reply_code").asInt()).isEqualTo(250);
        assertThat(line.get("reply_enhanced").asText()).isEqualTo("2.6.0");
        assertThat(line.get("message_id").asText()).isEqualTo("3F7K2M@shop.test");
        assertThat(line.get("door").asText()).isEqualTo("http");
        assertThat(line.get("client").asText()).isEqualTo("192.0.2.7");
        assertThat(line.get("sender").asText()).isEqualTo("billing@shop.test");
        assertThat(line.get("size").asLong()).isEqualTo(server.transactions().get(0).data().length());
        assertThat(line.get("dkim_signed").asBoolean()).isTrue();
        assertThat(line.get("dkim_domain").asText()).isEqualTo("shop.test");
        assertThat(line.get("dkim_selectors")).extracting(JsonNode::asText).containsExactly("rsa2026", "ed2026");

        double delay = line.get("delay").asDouble();
        JsonNode delays = line.get("delays");
        assertThat(delay).isGreaterThanOrEqualTo(IN_QUEUE.toSeconds());
        assertThat(delays.get("in_queue").asDouble()).isBetween((double) IN_QUEUE.toSeconds(), delay);
        assertThat(delays.get("connection_setup").asDouble()).isPositive();
        assertThat(delays.get("transmission").asDouble()).isPositive();
        assertThat(delays.get("in_queue").asDouble() + delays.get("connection_setup").asDouble()
                + delays.get("transmission").asDouble()).as("the parts fit in the whole").isLessThanOrEqualTo(delay);
        assertThat(delays.has("before_queue")).as("not measured, so not reported").isFalse();
    }

    @Test
    void aMessageQueuedWithoutAcceptanceFactsLeavesThemOut() throws Exception {
        JsonNode line = deliver(Map.of());

        assertThat(line.has("message_id")).isFalse();
        assertThat(line.has("door")).isFalse();
        assertThat(line.has("dkim_signed")).isFalse();
        assertThat(line.get("route_id").asText()).isEqualTo("retry");
        assertThat(line.get("tls_verified").asBoolean()).isTrue();
    }
}
