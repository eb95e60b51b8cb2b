package io.mailhub.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailhub.model.MailAddress;
import io.mailhub.model.Recipient;
import io.mailhub.model.SmtpReply;
import io.mailhub.relay.Blame;
import io.mailhub.relay.DeliveryReport;
import io.mailhub.relay.RecipientResult;
import io.mailhub.relay.RecipientStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeliveryMetersTest {

    static final Instant ARRIVAL = Instant.parse("2026-11-30T10:00:00Z");

    private static RecipientResult result(String local, RecipientStatus status, int code, String enhanced) {
        return new RecipientResult(Recipient.of(new MailAddress(local, "remote.test")), status,
                SmtpReply.of(code, enhanced, "text"), "mx.remote.test[192.0.2.1]:25", Blame.NONE, true);
    }

    private static DeliveryReport mixed() {
        return new DeliveryReport(List.of(result("ann", RecipientStatus.DELIVERED, 250, "2.0.0"),
                result("bob", RecipientStatus.DEFERRED, 451, "4.3.0"),
                result("cid", RecipientStatus.FAILED, 550, "5.1.1")));
    }

    private static double recipients(SimpleMeterRegistry r, String outcome, String dsnClass) {
        var c = r.find("mailhub.delivery.recipients").tag("outcome", outcome).tag("dsn_class", dsnClass).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void eachRecipientIsCountedByOutcomeAndStatusClassAndOnlyDeliveredOnesHaveADelay() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new DeliveryMeters(registry).record(mixed(), ARRIVAL, ARRIVAL.plusSeconds(90), false);

        assertThat(recipients(registry, "delivered", "2")).isEqualTo(1);
        assertThat(recipients(registry, "deferred", "4")).isEqualTo(1);
        assertThat(recipients(registry, "failed", "5")).isEqualTo(1);
        var delay = registry.find("mailhub.delivery.delay").timer();
        assertThat(delay.count()).isEqualTo(1);
        assertThat(delay.totalTime(java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(90);
    }

    @Test
    void deferredRecipientsWhoseLifetimeIsOverCountAsExpiredWithClassFive() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new DeliveryMeters(registry).record(mixed(), ARRIVAL, ARRIVAL.plus(Duration.ofDays(5)), true);

        assertThat(recipients(registry, "expired", "5")).isEqualTo(1);
        assertThat(recipients(registry, "deferred", "4")).isZero();
    }

    @Test
    void everyOutcomeIsPresentAtZeroBeforeAnyDelivery() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new DeliveryMeters(registry);

        assertThat(registry.find("mailhub.delivery.recipients").counters()).hasSize(3);
    }
}
