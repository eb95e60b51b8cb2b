package io.mailhub.observe;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.servlet.http.HttpServlet;
import org.apache.camel.CamelContext;

/**
 * The hub's meter registry: Prometheus' when metrics are on, else a composite with no registry behind it, whose meters
 * do nothing (what "metrics off" costs: a method call per event). Adds what belongs to no stage: the JVM's meters,
 * {@code mailhub_build_info} and Camel's route counters.
 */
public final class Observability implements AutoCloseable {

    private final MeterRegistry registry;
    private final PrometheusMeterRegistry prometheus;
    private JvmGcMetrics gc;

    public Observability(MetricsSettings settings) {
        if (settings.enabled()) {
            prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            registry = prometheus;
            new ClassLoaderMetrics().bindTo(registry);
            new JvmMemoryMetrics().bindTo(registry);
            gc = new JvmGcMetrics();
            gc.bindTo(registry);
            new JvmThreadMetrics().bindTo(registry);
            new UptimeMetrics().bindTo(registry);
            new FileDescriptorMetrics().bindTo(registry);
            Gauge.builder("mailhub.build.info", () -> 1)
                    .description("The running hub's version (value 1)")
                    .tag("version", version())
                    .tag("java", System.getProperty("java.version"))
                    .register(registry);
        } else {
            prometheus = null;
            registry = new CompositeMeterRegistry();
        }
    }

    /** Where the stages register their meters. */
    public MeterRegistry registry() {
        return registry;
    }

    public boolean enabled() {
        return prometheus != null;
    }

    /** Adds Camel's per-route counters (read from Camel's route statistics when scraped: nothing per exchange). */
    public void watch(CamelContext camel) {
        if (enabled()) {
            new CamelRouteMeters(camel).bindTo(registry);
        }
    }

    /** The {@code /observe/metrics} servlet (404 while metrics are off). */
    public HttpServlet servlet() {
        return new MetricsServlet(prometheus);
    }

    static String version() {
        String v = Observability.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    @Override
    public void close() {
        if (gc != null) {
            gc.close();
        }
        registry.close();
    }
}
