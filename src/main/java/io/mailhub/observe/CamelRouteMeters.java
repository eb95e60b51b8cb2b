package io.mailhub.observe;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.apache.camel.CamelContext;
import org.apache.camel.api.management.ManagedCamelContext;
import org.apache.camel.api.management.mbean.ManagedRouteMBean;

/**
 * Camel's route statistics as meters: {@code mailhub_camel_route_exchanges_total}, {@code ..._failed_total} and
 * {@code ..._inflight}, tagged with the route id. Read when scraped from the counters Camel's management keeps anyway,
 * so they add nothing per exchange. A route a reload adds later gets its meters when it is added, and a route a reload
 * removes loses them; one reloaded under the same id keeps them, its counters starting again from 0 (which Prometheus
 * reads as a reset).
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
            bind(registry, managed, route.getRouteId());
        }
        var notifier = new org.apache.camel.support.SimpleEventNotifierSupport() {
            @Override
            public void notify(org.apache.camel.spi.CamelEvent event) {
                if (event instanceof org.apache.camel.spi.CamelEvent.RouteAddedEvent added) {
                    bind(registry, managed, added.getRoute().getRouteId());
                } else if (event instanceof org.apache.camel.spi.CamelEvent.RouteRemovedEvent removed) {
                    String id = removed.getRoute().getRouteId(); // a reload adds it again, with a RouteAddedEvent
                    for (String name : List.of("mailhub.camel.route.exchanges", "mailhub.camel.route.exchanges.failed",
                            "mailhub.camel.route.exchanges.inflight")) {
                        registry.find(name).tag("route", id).meters().forEach(registry::remove);
                    }
                }
            }

            @Override
            public boolean isEnabled(org.apache.camel.spi.CamelEvent event) {
                return event instanceof org.apache.camel.spi.CamelEvent.RouteAddedEvent
                        || event instanceof org.apache.camel.spi.CamelEvent.RouteRemovedEvent;
            }
        };
        camel.getManagementStrategy().addEventNotifier(notifier);
        org.apache.camel.support.service.ServiceHelper.startService(notifier); // added to a running context
    }

    private static void bind(MeterRegistry registry, ManagedCamelContext managed, String id) {
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
