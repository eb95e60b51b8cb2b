package io.mailhub.ingress.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailhub.delivery.DeliveryEvents;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessageStateTest {

    private static final Instant T = Instant.parse("2026-12-01T11:00:00Z");

    private static DeliveryEvents.Event event(String what, String recipient, String status) {
        return new DeliveryEvents.Event(T, "0KZ3X9QH2M7B4C", what, recipient, status, null, "", what.equals("returned")
                ? 0 : 1, "erp", List.of(), null, Map.of());
    }

    @Test
    void aHardBounceReportedAfterDeliveryTurnsTheRecipientFailed() {
        assertThat(NativeApiServlet.state(List.of(), List.of(event("delivered", "ann@remote.test", "2.0.0"),
                event("returned", "ann@remote.test", "5.1.1")))).isEqualTo("failed");
        assertThat(NativeApiServlet.state(List.of(), List.of(event("delivered", "ann@remote.test", "2.0.0"),
                event("delivered", "bob@remote.test", "2.0.0"), event("returned", "ann@remote.test", "5.1.1"))))
                .isEqualTo("partly delivered");
    }

    @Test
    void aDelayReportedLaterLeavesTheDeliveryAsItWas() {
        assertThat(NativeApiServlet.state(List.of(), List.of(event("delivered", "ann@remote.test", "2.0.0"),
                event("returned", "ann@remote.test", "4.2.2")))).isEqualTo("delivered");
    }
}
