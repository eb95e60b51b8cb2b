package io.mailhub.observe;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.function.ToDoubleFunction;
import org.apache.camel.CamelContext;
import org.apache.camel.api.management.ManagedCamelContext;
import org.apache.camel.api.management.mbean.ManagedRouteMBean;

/**
 * Camel's route statistics as meters: {@code mailhub_camel_route_exchanges_total}, {@code ..._failed_total} and
 * {@code ..._inflight}, tagged with the route id. Read when scraped from the counters Camel's management keeps anyway,
 * so they add nothing per exchange. The routes are those present at start; a route a reload adds later is not listed
 * (one that is reloaded under the same id is, its counters starting again from 0, which Prometheus reads as a reset).
 */
final class CamelRouteMeters implements MeterBinder {

    private final CamelContext camel;

    CamelRouteMeters(CamelContext camel) {
        this.camel = camel;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        ManagedCamelContext managed = camel.getCamelContextExtension().getContextPlugin(ManagedCamelContext.class);
        if (managed == null) {
            return; // management off: Camel keeps no statistics to read
        }
        for (var route : camel.getRoutes()) {
            String id = route.getRouteId();
            counter(registry, "mailhub.camel.route.exchanges", "Exchanges a route completed or failed", id, managed,
                    ManagedRouteMBean::getExchangesTotal);
            counter(registry, "mailhub.camel.route.exchanges.failed", "Exchanges that failed in a route", id, managed,
                    ManagedRouteMBean::getExchangesFailed);
            Gauge.builder("mailhub.camel.route.exchanges.inflight", managed, m -> read(m, id,
                            ManagedRouteMBean::getExchangesInflight))
                    .description("Exchanges in a route now")
                    .tag("route", id)
                    .register(registry);
        }
    }

    private static void counter(MeterRegistry registry, String name, String help, String id, ManagedCamelContext managed,
            ToDoubleFunction<ManagedRouteMBean> value) {
        FunctionCounter.builder(name, managed, m -> read(m, id, value))
                .description(help)
                .tag("route", id)
                .register(registry);
    }

    private static double read(ManagedCamelContext managed, String id, ToDoubleFunction<ManagedRouteMBean> value) {
        ManagedRouteMBean route = managed.getManagedRoute(id);
        return route == null ? 0 : value.applyAsDouble(route);
    }
}
