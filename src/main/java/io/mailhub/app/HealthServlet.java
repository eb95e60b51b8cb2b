package io.mailhub.app;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collection;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;

/**
 * {@code /observe/health} (every check), {@code /observe/health/live} and {@code /observe/health/ready}: Camel's health
 * checks (context, routes, consumers) and the hub's own (listeners, queue, broker), as JSON: {@code {"status":"UP"}},
 * with the checks that are DOWN (message and details) when it is DOWN, with {@code ?exposureLevel=full} every check.
 * HTTP 200 when UP, 503 when DOWN: what
 * Kubernetes probes read.
 */
final class HealthServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final JsonFactory JSON = new JsonFactory();

    private final transient CamelContext camel;

    HealthServlet(CamelContext camel) {
        this.camel = camel;
    }

    /** "full": every check is called and returned (Camel's default level leaves out those that are UP). */
    private Collection<HealthCheck.Result> results(String path) {
        return switch (path) {
            case "/live" -> HealthCheckHelper.invokeLiveness(camel, "full");
            case "/ready" -> HealthCheckHelper.invokeReadiness(camel, "full");
            default -> HealthCheckHelper.invoke(camel, "full");
        };
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getPathInfo() == null ? "" : req.getPathInfo();
        if (!path.isEmpty() && !path.equals("/") && !path.equals("/live") && !path.equals("/ready")) {
            resp.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        Collection<HealthCheck.Result> results;
        try {
            results = results(path);
        } catch (RuntimeException e) {
            // Camel's route check meets a route a reload is replacing (its status is null for a moment): ask again
            try {
                results = results(path);
            } catch (RuntimeException again) {
                resp.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
                resp.setContentType("application/json");
                resp.setHeader("Cache-Control", "no-store");
                try (JsonGenerator g = JSON.createGenerator(resp.getOutputStream())) {
                    g.writeStartObject();
                    g.writeStringField("status", "DOWN");
                    g.writeStringField("error", "the health checks failed: " + again);
                    g.writeEndObject();
                }
                return;
            }
        }
        boolean up = results.stream().allMatch(r -> r.getState() != HealthCheck.State.DOWN);
        boolean full = "full".equals(req.getParameter("exposureLevel"));
        resp.setStatus(up ? HttpServletResponse.SC_OK : HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        resp.setContentType("application/json");
        resp.setHeader("Cache-Control", "no-store");
        try (JsonGenerator g = JSON.createGenerator(resp.getOutputStream())) {
            g.writeStartObject();
            g.writeStringField("status", up ? "UP" : "DOWN");
            if (full || !up) { // without "full", only the checks that are DOWN: why the hub is not UP
                g.writeArrayFieldStart("checks");
                for (HealthCheck.Result r : results) {
                    if (!full && r.getState() != HealthCheck.State.DOWN) {
                        continue;
                    }
                    g.writeStartObject();
                    g.writeStringField("name", r.getCheck().getId());
                    g.writeStringField("status", r.getState().name());
                    if (r.getMessage().isPresent()) {
                        g.writeStringField("message", r.getMessage().get());
                    }
                    for (Map.Entry<String, Object> d : r.getDetails().entrySet()) {
                        boolean ours = d.getKey().indexOf('.') < 0; // Camel's own details are dotted counters
                        if (ours && (d.getValue() instanceof Number || d.getValue() instanceof Boolean
                                || d.getValue() instanceof String)) {
                            g.writeObjectField(d.getKey(), d.getValue());
                        }
                    }
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        }
    }
}
