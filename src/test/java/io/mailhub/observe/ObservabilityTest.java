package io.mailhub.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

class ObservabilityTest {

    @Test
    void withMetricsOnTheRegistryServesPrometheusTextWithTheBuildInfo() {
        try (Observability o = new Observability(new MetricsSettings(true))) {
            Counter.builder("mailhub.messages.received").tag("door", "smtp").register(o.registry()).increment();

            assertThat(o.enabled()).isTrue();
            String text = ((PrometheusMeterRegistry) o.registry()).scrape();
            assertThat(text).contains("mailhub_messages_received_total{door=\"smtp\"} 1.0")
                    .containsPattern("mailhub_build_info\\{java=\"[^\"]+\",version=\"[^\"]+\"} 1")
                    .contains("jvm_memory_used_bytes");
        }
    }

    @Test
    void withMetricsOffEveryMeterCountsNothing() {
        try (Observability o = new Observability(new MetricsSettings(false))) {
            Counter c = Counter.builder("mailhub.messages.received").register(o.registry());
            c.increment();

            assertThat(o.enabled()).isFalse();
            assertThat(c.count()).isZero();
        }
    }
}
