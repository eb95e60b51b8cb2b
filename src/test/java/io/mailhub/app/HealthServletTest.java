package io.mailhub.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.impl.health.AbstractHealthCheck;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

/** The health endpoints answer JSON even when a check throws (as Camel's route check does mid-reload). */
class HealthServletTest {

    /** A check that throws {@code failures} times, then says UP. */
    static final class Flaky extends AbstractHealthCheck {
        final AtomicInteger failures;

        Flaky(String id, int failures) {
            super(id);
            this.failures = new AtomicInteger(failures);
        }

        @Override
        protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
            if (failures.getAndDecrement() > 0) {
                throw new NullPointerException("status is null"); // Camel's RouteHealthCheck while a route is swapped
            }
            builder.up();
        }
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aCheckThatThrowsOnceIsAskedAgainAndOneThatKeepsThrowingMakesAJsonDown() throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.start();
            HealthCheckRegistry registry = HealthCheckRegistry.get(camel);
            Flaky once = new Flaky("swapped-route", 1);
            registry.register(once);
            Server jetty = new Server();
            ServerConnector connector = new ServerConnector(jetty);
            connector.setHost("127.0.0.1");
            jetty.addConnector(connector);
            ServletContextHandler context = new ServletContextHandler();
            context.addServlet(new ServletHolder(new HealthServlet(camel)), "/observe/health/*");
            jetty.setHandler(context);
            jetty.start();
            try {
                int port = connector.getLocalPort();
                HttpResponse<String> first = get(port, "/observe/health?exposureLevel=full");
                assertThat(first.statusCode()).isEqualTo(200);
                assertThat(first.headers().firstValue("Content-Type")).hasValueSatisfying(
                        t -> assertThat(t).startsWith("application/json"));
                assertThat(first.body()).contains("\"status\":\"UP\"").contains("swapped-route");

                registry.register(new Flaky("broken", Integer.MAX_VALUE));
                HttpResponse<String> broken = get(port, "/observe/health");
                assertThat(broken.statusCode()).isEqualTo(503);
                assertThat(broken.body()).startsWith("{\"status\":\"DOWN\",\"error\":\"the health checks failed: ")
                        .contains("status is null");
                assertThat(get(port, "/observe/health/nowhere").statusCode()).isEqualTo(404);
            } finally {
                jetty.stop();
            }
        }
    }
}
