package io.mailhub.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailhub.queue.QueuedMail;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MailFilterTest {

    static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

    static QueuedMail mail(String queue, String state, String sender, List<String> rcpts, Duration age, int attempt) {
        return new QueuedMail(queue, state, "3F7K2M", sender, rcpts, 1200, NOW.minus(age), attempt,
                state.equals("deferred") ? NOW.plusSeconds(600) : null, "erp", "451 4.3.0 try later", null, "http",
                null);
    }

    @Test
    void everyGivenFieldMustMatchAndAddressesIgnoreCase() {
        QueuedMail m = mail("mail.outbound", "deferred", "Billing@Shop.test", List.of("ann@Partner.test"),
                Duration.ofMinutes(45), 3);

        assertThat(MailFilter.of(Map.of("sender", "billing@shop.test", "domain", "@partner.test")).matches(m, NOW))
                .isTrue();
        assertThat(MailFilter.of(Map.of("min_age", "30m", "max_age", "1h", "min_attempts", "3", "state", "deferred",
                "status", "4.3.0", "principal", "erp", "door", "http")).matches(m, NOW)).isTrue();
        assertThat(MailFilter.of(Map.of("min_age", "1h")).matches(m, NOW)).isFalse();
        assertThat(MailFilter.of(Map.of("recipient", "bob@partner.test")).matches(m, NOW)).isFalse();
        assertThat(MailFilter.of(Map.of("queue", "mail.hold")).matches(m, NOW)).isFalse();
    }

    @Test
    void aFilterNamingOnlyAQueueIsEmptyForTheAllRule() {
        assertThat(MailFilter.of(Map.of()).isEmpty()).isTrue();
        assertThat(MailFilter.of(Map.of("queue", "mail.outbound")).isEmpty()).isTrue();
        assertThat(MailFilter.of(Map.of("domain", "x.test")).isEmpty()).isFalse();
    }

    @Test
    void aBadValueNamesItsField() {
        assertThatThrownBy(() -> MailFilter.of(Map.of("min_age", "soon"))).hasMessageStartingWith("min_age must be");
        assertThatThrownBy(() -> MailFilter.of(Map.of("min_attempts", "-1"))).hasMessageStartingWith("min_attempts");
        assertThatThrownBy(() -> MailFilter.of(Map.of("state", "held"))).hasMessage("state must be waiting or deferred");
    }
}
