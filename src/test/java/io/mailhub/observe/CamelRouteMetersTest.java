package io.mailhub.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

class CamelRouteMetersTest {

    @Test
    void aRouteAddedAfterStartGetsItsMetersAndARemovedRouteLosesThem() throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:first").routeId("first").log("first");
                }
            });
            camel.start();
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            new CamelRouteMeters(camel).bindTo(registry);
            assertThat(registry.find("mailhub.camel.route.exchanges").tag("route", "first").functionCounter())
                    .isNotNull();

            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:later").routeId("later").log("later");
                }
            });
            camel.createProducerTemplate().sendBody("direct:later", "x");

            assertThat(registry.find("mailhub.camel.route.exchanges").tag("route", "later").functionCounter().count())
                    .isEqualTo(1.0);
            assertThat(registry.find("mailhub.camel.route.exchanges.inflight").tag("route", "later").gauge())
                    .isNotNull();

            camel.getRouteController().stopRoute("later");
            camel.removeRoute("later");
            assertThat(registry.find("mailhub.camel.route.exchanges").tag("route", "later").functionCounter())
                    .isNull();
            assertThat(registry.find("mailhub.camel.route.exchanges").tag("route", "first").functionCounter())
                    .isNotNull();
        }
    }
}
