package io.mailhub.bounce;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailhub.delivery.DeliveryEvents;
import io.mailhub.delivery.Suppressions;
import io.mailhub.model.BodyType;
import io.mailhub.model.Envelope;
import io.mailhub.model.EnvelopeHeaders;
import io.mailhub.model.MailAddress;
import io.mailhub.model.Recipient;
import io.mailhub.relay.SmtpRelayConstants;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReturnedMailTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T11:30:00Z"), ZoneOffset.UTC);
    private static final String ORIGINAL = "0KZ3X9QH2M7B4C";

    @TempDir
    Path dir;

    private final ReturnPath returnPath = new ReturnPath("bounces.shop.test",
            "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
    private final Suppressions suppressions = new Suppressions(null, CLOCK, null);
    private final DefaultCamelContext camel = new DefaultCamelContext();
    private DeliveryEvents events;

    @AfterEach
    void close() throws Exception {
        camel.close();
        if (events != null) {
            events.close();
        }
    }

    @Test
    void aReportOfAHardBounceIsRecordedSuppressesTheRecipientAndGoesNoFurther() throws Exception {
        ReturnedMail returned = returnedMail();
        Exchange x = exchange(DeliveryStatusReportTest.POSTFIX, returnPath.of(ORIGINAL));

        returned.process(x);

        assertThat(x.isRouteStop()).as("not routed, not delivered").isTrue();
        assertThat(suppressions.list()).singleElement().satisfies(s -> {
            assertThat(s.address()).isEqualTo("nobody@lmtp.test");
            assertThat(s.status()).isEqualTo("5.1.1");
            assertThat(s.by()).isEqualTo(ORIGINAL);
            assertThat(s.detail()).startsWith("550 5.1.1 <nobody@lmtp.test> User doesn't exist");
        });
        List<JsonNode> lines = lines();
        assertThat(lines).extracting(l -> l.path("event").asText() + " " + l.path("recipient").asText() + " "
                + l.path("action").asText()).containsExactly("returned nobody@lmtp.test failed",
                "suppressed nobody@lmtp.test ", "returned ann@lmtp.test delayed");
        assertThat(lines.get(0).path("queue_id").asText()).isEqualTo(ORIGINAL);
        assertThat(lines.get(0).path("report_queue_id").asText()).isEqualTo("4REPORT");
        assertThat(lines.get(0).path("reporting_mta").asText()).isEqualTo("mx.remote.test");
        assertThat(events.find(ORIGINAL)).extracting(DeliveryEvents.Event::event, DeliveryEvents.Event::status)
                .as("what the status endpoint shows").containsExactly(
                        org.assertj.core.groups.Tuple.tuple("returned", "5.1.1"),
                        org.assertj.core.groups.Tuple.tuple("returned", "4.2.2"));
    }

    @Test
    void whenThisHubDeliveredTheMessageAReportMayOnlyNameItsRecipients() throws Exception {
        ReturnedMail returned = returnedMail();
        events.note(CLOCK.instant(), ORIGINAL, "delivered", Map.of("recipient", "ann@lmtp.test", "status", "2.0.0",
                "reply", "250 2.0.0 Ok", "attempt", 1, "principal", "erp"));

        returned.process(exchange(DeliveryStatusReportTest.POSTFIX, returnPath.of(ORIGINAL)));

        assertThat(suppressions.list()).as("nobody@ was not a recipient of the message").isEmpty();
        assertThat(lines()).extracting(l -> l.path("event").asText() + " " + l.path("recipient").asText() + " "
                + l.path("principal").asText()).containsExactly("delivered ann@lmtp.test erp",
                "returned ann@lmtp.test erp");
    }

    @Test
    void aDelayOrAFullMailboxIsRecordedButSuppressesNobody() throws Exception {
        String delayedOnly = DeliveryStatusReportTest.POSTFIX.replace("Action: failed\r\nStatus: 5.1.1",
                "Action: failed\r\nStatus: 5.2.2");

        returnedMail().process(exchange(delayedOnly, returnPath.of(ORIGINAL)));

        assertThat(suppressions.list()).isEmpty();
        assertThat(lines()).extracting(l -> l.path("event").asText()).containsExactly("returned", "returned");
    }

    @Test
    void anAutomaticReplyIsLoggedAndDroppedAndOtherRecipientsOfTheSameMessageGoOn() throws Exception {
        Exchange x = exchange("Subject: Out of office\r\n\r\nBack on Monday.\r\n", returnPath.of(ORIGINAL),
                new MailAddress("ann", "remote.test"));

        returnedMail().process(x);

        assertThat(x.isRouteStop()).isFalse();
        assertThat(x.getMessage().getHeader(EnvelopeHeaders.RECIPIENTS, String.class)).contains("ann@remote.test")
                .doesNotContain("bounces.shop.test");
        assertThat(lines()).singleElement().satisfies(l -> {
            assertThat(l.path("event").asText()).isEqualTo("returned");
            assertThat(l.path("action").asText()).isEqualTo("not-a-report");
            assertThat(l.path("sender").asText()).isEqualTo("ooo@remote.test");
        });
        assertThat(suppressions.list()).isEmpty();
    }

    @Test
    void mailForOtherAddressesOrAHubWithoutAReturnPathIsLeftAlone() throws Exception {
        Exchange ordinary = exchange(DeliveryStatusReportTest.POSTFIX, new MailAddress("ann", "remote.test"));
        Exchange madeUp = exchange(DeliveryStatusReportTest.POSTFIX, new MailAddress("bounce-0kz3x9qh2m7b4c-aaaaaaaa",
                "bounces.shop.test"));
        Exchange withoutReturnPath = exchange(DeliveryStatusReportTest.POSTFIX, returnPath.of(ORIGINAL));

        returnedMail().process(ordinary);
        returnedMail().process(madeUp);
        new ReturnedMail(null, suppressions, events, CLOCK).process(withoutReturnPath);

        assertThat(List.of(ordinary, madeUp, withoutReturnPath)).noneMatch(Exchange::isRouteStop);
        assertThat(suppressions.list()).isEmpty();
        assertThat(Files.exists(dir.resolve("events.jsonl"))).isFalse();
    }

    private ReturnedMail returnedMail() {
        if (events == null) {
            events = new DeliveryEvents(dir.resolve("events.jsonl"));
        }
        return new ReturnedMail(returnPath, suppressions, events, CLOCK);
    }

    private Exchange exchange(String body, MailAddress... recipients) {
        List<Recipient> rcpts = new ArrayList<>();
        for (MailAddress a : recipients) {
            rcpts.add(Recipient.of(a));
        }
        MailAddress sender = body.contains("Out of office") ? new MailAddress("ooo", "remote.test") : null;
        Envelope e = new Envelope("4REPORT", sender, rcpts, null, null, BodyType.EIGHT_BIT_MIME, false,
                "192.0.2.25", "mx.remote.test", null, CLOCK.instant(), body.length());
        Map<String, Object> headers = new HashMap<>();
        EnvelopeHeaders.write(e, headers);
        Exchange x = new DefaultExchange(camel);
        x.getMessage().setHeaders(headers);
        x.getMessage().setBody(body.getBytes(StandardCharsets.UTF_8));
        assertThat(x.getMessage().getHeader(SmtpRelayConstants.RETURN_PATH)).isNull();
        return x;
    }

    private List<JsonNode> lines() throws Exception {
        events.close();
        List<JsonNode> lines = new ArrayList<>();
        for (String l : Files.readAllLines(dir.resolve("events.jsonl"))) {
            lines.add(JSON.readTree(l));
        }
        return lines;
    }
}
