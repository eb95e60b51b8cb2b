package io.mailhub.ingress.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.mailhub.auth.ApiKey;
import io.mailhub.delivery.Suppressions;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.ZoneOffset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Postmark's suppressions API over the hub's suppression list, so its client libraries manage it unchanged:
 * {@code GET /message-streams/{stream}/suppressions/dump}, {@code POST /message-streams/{stream}/suppressions} and
 * {@code POST /message-streams/{stream}/suppressions/delete} (each {@code {"Suppressions": [{"EmailAddress"}]}},
 * answered per address with {@code Status} {@code Suppressed}, {@code Deleted} or {@code Failed} and a
 * {@code Message}). The hub has one list, whatever the stream; only keys with {@code scope=all} may use it.
 */
final class PostmarkSuppressionsServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger("io.mailhub.ingress");

    private final transient ApiDoor door;
    private final transient Suppressions suppressions;

    PostmarkSuppressionsServlet(ApiDoor door, Suppressions suppressions) {
        this.door = door;
        this.suppressions = suppressions;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String[] p = (req.getPathInfo() == null ? "" : req.getPathInfo()).split("/", -1); // "", stream, suppressions, ..
        String action = p.length == 3 && p[2].equals("suppressions") ? "add"
                : p.length == 4 && p[2].equals("suppressions") ? p[3] : "";
        try {
            ApiKey key = door.auth.authenticateManager(req);
            if (req.getMethod().equals("GET") && action.equals("dump")) {
                dump(resp);
            } else if (req.getMethod().equals("POST") && (action.equals("add") || action.equals("delete"))) {
                JsonNode body = AliasRequests.read(ApiDoor.limited(req, req.getInputStream(), door.maxJsonRequest()));
                change(resp, key, body.path("Suppressions"), action.equals("add"));
            } else {
                ApiDoor.drainRest(req);
                PostmarkServlet.error(resp, 404, 404, "no such endpoint: " + req.getMethod() + " " + req.getRequestURI());
            }
        } catch (ApiProblem problem) {
            ApiDoor.drainRest(req);
            PostmarkServlet.error(resp, problem);
        } catch (IllegalStateException e) { // the broker cannot store the change
            PostmarkServlet.error(resp, 503, 500, e.getMessage());
        }
    }

    private void dump(HttpServletResponse resp) throws IOException {
        try (JsonGenerator g = ApiResponses.json(resp, 200, "application/json")) {
            g.writeStartObject();
            g.writeArrayFieldStart("Suppressions");
            for (Suppressions.Suppression s : suppressions.list()) {
                g.writeStartObject();
                g.writeStringField("EmailAddress", s.address());
                g.writeStringField("SuppressionReason", s.reason().equals("manual") ? "ManualSuppression"
                        : "HardBounce");
                g.writeStringField("Origin", s.reason().equals("manual") ? "Customer" : "Recipient");
                g.writeStringField("CreatedAt", s.since().atOffset(ZoneOffset.UTC).toString());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    private void change(HttpServletResponse resp, ApiKey key, JsonNode list, boolean add) throws IOException,
            ApiProblem {
        if (!list.isArray() || list.isEmpty()) {
            throw ApiProblem.invalid("Suppressions: a non-empty array of {\"EmailAddress\": ...} is expected",
                    java.util.List.of());
        }
        try (JsonGenerator g = ApiResponses.json(resp, 200, "application/json")) {
            g.writeStartObject();
            g.writeArrayFieldStart("Suppressions");
            for (JsonNode item : list) {
                String address = item.path("EmailAddress").asText("");
                String failure = null;
                try {
                    if (add) {
                        suppressions.add(address, "added through the API by key " + key.name(), "key " + key.name());
                    } else if (suppressions.remove(address) == null) {
                        failure = "The address is not suppressed.";
                    }
                } catch (IllegalArgumentException e) {
                    failure = "An invalid email address was provided.";
                }
                if (failure == null) {
                    LOG.info("API key {} {} {}", key.name(), add ? "suppressed" : "unsuppressed", address);
                }
                g.writeStartObject();
                g.writeStringField("EmailAddress", address);
                g.writeStringField("Status", failure != null ? "Failed" : add ? "Suppressed" : "Deleted");
                if (failure == null) {
                    g.writeNullField("Message");
                } else {
                    g.writeStringField("Message", failure);
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }
}
