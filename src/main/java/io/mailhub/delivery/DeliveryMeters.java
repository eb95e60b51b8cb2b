package io.mailhub.delivery;

import io.mailhub.relay.DeliveryReport;
import io.mailhub.relay.RecipientResult;
import io.mailhub.relay.RecipientStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Delivery outcomes as meters: {@code mailhub_delivery_recipients_total{outcome,dsn_class}} per recipient and attempt
 * (outcome {@code delivered}, {@code deferred}, {@code failed}, {@code expired}; dsn_class the first digit of the
 * status code: 2, 4 or 5) and {@code mailhub_delivery_delay_seconds}, arrival to delivery, for delivered recipients.
 */
public final class DeliveryMeters {

    private final MeterRegistry registry;
    private final Map<String, Counter> recipients = new ConcurrentHashMap<>();
    private final Timer delay;

    public static DeliveryMeters none() {
        return new DeliveryMeters(new CompositeMeterRegistry());
    }

    public DeliveryMeters(MeterRegistry registry) {
        this.registry = registry;
        delay = Timer.builder("mailhub.delivery.delay")
                .description("Time from a message's arrival to its delivery, per delivered recipient")
                .serviceLevelObjectives(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(30),
                        Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(15), Duration.ofHours(1),
                        Duration.ofHours(4), Duration.ofDays(1), Duration.ofDays(5))
                .register(registry);
        for (String outcome : new String[] {"delivered", "deferred", "failed"}) { // present at 0 from the start
            counter(outcome, outcome.equals("delivered") ? "2" : outcome.equals("deferred") ? "4" : "5");
        }
    }

    /** One attempt's results; {@code expired}: the deferred recipients have failed for good (lifetime over). */
    void record(DeliveryReport report, Instant arrival, Instant now, boolean expired) {
        for (RecipientResult r : report.results()) {
            String outcome = switch (r.status()) {
                case DELIVERED -> "delivered";
                case DEFERRED -> expired ? "expired" : "deferred";
                case FAILED -> "failed";
            };
            String status = r.statusCode();
            String dsnClass = status != null && !status.isEmpty() ? status.substring(0, 1)
                    : r.status() == RecipientStatus.DELIVERED ? "2" : r.status() == RecipientStatus.DEFERRED ? "4" : "5";
            counter(outcome, expired && r.status() == RecipientStatus.DEFERRED ? "5" : dsnClass).increment();
            if (r.status() == RecipientStatus.DELIVERED) {
                delay.record(Duration.between(arrival, now).isNegative() ? Duration.ZERO : Duration.between(arrival, now));
            }
        }
    }

    private Counter counter(String outcome, String dsnClass) {
        return recipients.computeIfAbsent(outcome + "/" + dsnClass, k -> Counter.builder("mailhub.delivery.recipients")
                .description("Recipients per delivery attempt, by outcome and DSN status class")
                .tag("outcome", outcome)
                .tag("dsn_class", dsnClass)
                .register(registry));
    }
}
