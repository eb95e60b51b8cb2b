package io.mailhub.bounce;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailhub.model.EnvelopeHeaders;
import io.mailhub.relay.SmtpRelayConstants;
import io.mailhub.routing.MailhubHeaders;
import java.nio.charset.StandardCharsets;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

class ReturnPathStampTest {

    private final ReturnPath returnPath = new ReturnPath("bounces.shop.test",
            "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
    private final ReturnPathStamp stamp = new ReturnPathStamp(returnPath, "http"::equals);

    @Test
    void apiMailIsRelayedWithTheHubsReturnPathOthersKeepTheirSender() throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            Exchange api = exchange(camel, "http", "billing@shop.test");
            Exchange smtp = exchange(camel, "smtp", "billing@shop.test");
            Exchange bounce = exchange(camel, "http", "");
            smtp.getMessage().setHeader(SmtpRelayConstants.RETURN_PATH, "left@over.test"); // from an earlier attempt

            stamp.process(api);
            stamp.process(smtp);
            stamp.process(bounce);

            assertThat(api.getMessage().getHeader(SmtpRelayConstants.RETURN_PATH, String.class))
                    .isEqualTo(returnPath.of("0KZ3X9QH2M7B4C").toString());
            assertThat(api.getMessage().getHeader(EnvelopeHeaders.SENDER)).as("the queued envelope keeps its sender")
                    .isEqualTo("billing@shop.test");
            assertThat(smtp.getMessage().getHeader(SmtpRelayConstants.RETURN_PATH)).isNull();
            assertThat(bounce.getMessage().getHeader(SmtpRelayConstants.RETURN_PATH)).as("null sender").isNull();
        }
    }

    @Test
    void withoutAReturnPathNothingChanges() throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            Exchange api = exchange(camel, "http", "billing@shop.test");
            new ReturnPathStamp(null, door -> true).process(api);
            assertThat(api.getMessage().getHeader(SmtpRelayConstants.RETURN_PATH)).isNull();
        }
    }

    private static Exchange exchange(DefaultCamelContext camel, String door, String sender) {
        Exchange x = new DefaultExchange(camel);
        x.getMessage().setHeader(EnvelopeHeaders.QUEUE_ID, "0KZ3X9QH2M7B4C");
        x.getMessage().setHeader(EnvelopeHeaders.SENDER, sender);
        x.getMessage().setHeader(MailhubHeaders.INGRESS, door);
        return x;
    }
}
