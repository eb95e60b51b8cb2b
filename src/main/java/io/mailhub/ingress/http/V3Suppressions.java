package io.mailhub.ingress.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.mailhub.auth.ApiKey;
import io.mailhub.delivery.Suppressions;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SendGrid's and Mailgun's bounce lists over the hub's suppression list, so their client libraries read and clean it:
 * SendGrid {@code GET /v3/suppression/bounces[/{email}]}, {@code DELETE /v3/suppression/bounces[/{email}]} (a body
 * {@code {"emails": [...]}} or {@code {"delete_all": true}}); Mailgun {@code GET /v3/{domain}/bounces[/{address}]},
 * {@code POST /v3/{domain}/bounces} (form field {@code address}, optional {@code error}), {@code DELETE
 * /v3/{domain}/bounces/{address}}. One list for the hub, whatever the domain; keys with {@code scope=all} only.
 */
final class V3Suppressions {

    private static final Logger LOG = LoggerFactory.getLogger("io.mailhub.ingress");
    static final Pattern SENDGRID = Pattern.compile("/suppression/bounces(?:/([^/]+))?");
    static final Pattern MAILGUN = Pattern.compile("/([A-Za-z0-9.-]+)/bounces(?:/([^/]+))?");
    private static final DateTimeFormatter RFC_2822 = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'UTC'",
            Locale.ROOT);

    private final ApiDoor door;
    private final Suppressions suppressions;

    V3Suppressions(ApiDoor door, Suppressions suppressions) {
        this.door = door;
        this.suppressions = suppressions;
    }

    /** Whether the path is one of the bounce lists (then {@link #handle} answers it). */
    boolean serves(String path) {
        return suppressions != null && (SENDGRID.matcher(path).matches() || MAILGUN.matcher(path).matches());
    }

    void handle(HttpServletRequest req, HttpServletResponse resp, String path) throws IOException {
        Matcher sg = SENDGRID.matcher(path);
        boolean sendGrid = sg.matches();
        try {
            ApiKey key = door.auth.authenticateManager(req);
            if (sendGrid) {
                sendGrid(req, resp, sg.group(1));
            } else {
                Matcher mg = MAILGUN.matcher(path);
                mg.matches();
                mailgun(req, resp, key, mg.group(2));
            }
        } catch (ApiProblem p) {
            ApiDoor.drainRest(req);
            error(resp, sendGrid, p);
        } catch (IllegalStateException e) { // the broker cannot store the change
            error(resp, sendGrid, new ApiProblem(503, "queue-unavailable", "Try again later", e.getMessage(),
                    List.of(), "4.3.0", 30));
        }
    }

    private static void error(HttpServletResponse resp, boolean sendGrid, ApiProblem p) throws IOException {
        if (sendGrid) {
            SendGridServlet.error(resp, p);
        } else {
            MailgunServlet.error(resp, p);
        }
    }

    private void sendGrid(HttpServletRequest req, HttpServletResponse resp, String email)
            throws IOException, ApiProblem {
        switch (req.getMethod()) {
            case "GET" -> {
                try (JsonGenerator g = ApiResponses.json(resp, 200, "application/json")) {
                    g.writeStartArray();
                    for (Suppressions.Suppression s : suppressions.list()) {
                        if (email == null || s.address().equalsIgnoreCase(email)) {
                            g.writeStartObject();
                            g.writeNumberField("created", s.since().getEpochSecond());
                            g.writeStringField("email", s.address());
                            g.writeStringField("reason", s.detail());
                            g.writeStringField("status", s.status());
                            g.writeEndObject();
                        }
                    }
                    g.writeEndArray();
                }
            }
            case "DELETE" -> {
                List<String> emails;
                if (email != null) {
                    emails = List.of(email);
                } else {
                    JsonNode body = AliasRequests.read(ApiDoor.limited(req, req.getInputStream(),
                            door.maxJsonRequest()));
                    emails = body.path("delete_all").asBoolean() ? suppressions.list().stream()
                            .map(Suppressions.Suppression::address).toList()
                            : java.util.stream.StreamSupport.stream(body.path("emails").spliterator(), false)
                                    .map(JsonNode::asText).toList();
                }
                for (String e : emails) {
                    remove(e);
                }
                resp.setStatus(204);
            }
            default -> throw new ApiProblem(405, "method-not-allowed", "Method not allowed", req.getMethod()
                    + " is not allowed on /v3/suppression/bounces", List.of(), "5.5.1", 0);
        }
    }

    private void mailgun(HttpServletRequest req, HttpServletResponse resp, ApiKey key, String address)
            throws IOException, ApiProblem {
        switch (req.getMethod()) {
            case "GET" -> {
                List<Suppressions.Suppression> list = suppressions.list().stream()
                        .filter(s -> address == null || s.address().equalsIgnoreCase(address)).toList();
                if (address != null && list.isEmpty()) {
                    message(resp, 404, "Address not found in bounces table", null);
                    return;
                }
                try (JsonGenerator g = ApiResponses.json(resp, 200, "application/json")) {
                    if (address != null) {
                        item(g, list.get(0));
                        return;
                    }
                    g.writeStartObject();
                    g.writeArrayFieldStart("items");
                    for (Suppressions.Suppression s : list) {
                        item(g, s);
                    }
                    g.writeEndArray();
                    String here = req.getRequestURL().toString();
                    g.writeObjectFieldStart("paging");
                    for (String page : List.of("first", "last", "next", "previous")) {
                        g.writeStringField(page, here + "?page=" + page);
                    }
                    g.writeEndObject();
                    g.writeEndObject();
                }
            }
            case "POST" -> {
                if (address != null) {
                    throw new ApiProblem(405, "method-not-allowed", "Method not allowed", "POST the address as a form"
                            + " field to /v3/{domain}/bounces", List.of(), "5.5.1", 0);
                }
                List<String[]> entries = new java.util.ArrayList<>(); // address, error
                String type = req.getContentType() == null ? "" : req.getContentType().toLowerCase(Locale.ROOT);
                if (type.startsWith("application/json")) { // mailgun.js: a JSON array of {address, code, error}
                    JsonNode body = AliasRequests.read(ApiDoor.limited(req, req.getInputStream(),
                            door.maxJsonRequest()));
                    for (JsonNode n : body.isArray() ? body : List.of(body)) {
                        entries.add(new String[] {n.path("address").asText(""), n.path("error").asText("")});
                    }
                } else {
                    entries.add(new String[] {req.getParameter("address"), req.getParameter("error")});
                }
                String last = null;
                for (String[] e : entries) {
                    if (e[0] == null || e[0].isBlank()) {
                        throw ApiProblem.invalid("address: missing", List.of(new ApiProblem.FieldError("address",
                                "missing")));
                    }
                    try {
                        last = suppressions.add(e[0], e[1] == null || e[1].isBlank() ? "added through the API by key "
                                + key.name() : e[1], "key " + key.name()).address();
                    } catch (IllegalArgumentException bad) {
                        throw ApiProblem.invalid("address: " + bad.getMessage(), List.of());
                    }
                    LOG.info("API key {} suppressed {}", key.name(), last);
                }
                message(resp, 200, entries.size() == 1 ? "Address has been added to the bounces table"
                        : entries.size() + " addresses have been added to the bounces table",
                        entries.size() == 1 ? last : null);
            }
            case "DELETE" -> {
                if (address == null || remove(address) == null) {
                    message(resp, 404, "Address not found in bounces table", null);
                    return;
                }
                message(resp, 200, "Bounced address has been removed", address);
            }
            default -> throw new ApiProblem(405, "method-not-allowed", "Method not allowed", req.getMethod()
                    + " is not allowed on the bounces table", List.of(), "5.5.1", 0);
        }
    }

    private Suppressions.Suppression remove(String address) throws ApiProblem {
        try {
            Suppressions.Suppression s = suppressions.remove(address);
            if (s != null) {
                LOG.info("unsuppressed {} through the API", s.address());
            }
            return s;
        } catch (IllegalArgumentException e) {
            throw ApiProblem.invalid(e.getMessage(), List.of());
        }
    }

    private static void item(JsonGenerator g, Suppressions.Suppression s) throws IOException {
        g.writeStartObject();
        g.writeStringField("address", s.address());
        g.writeStringField("code", s.detail().matches("\\d{3} .*") ? s.detail().substring(0, 3) : "550");
        g.writeStringField("error", s.detail());
        g.writeStringField("created_at", RFC_2822.format(s.since().atOffset(ZoneOffset.UTC)));
        g.writeEndObject();
    }

    private static void message(HttpServletResponse resp, int status, String message, String address)
            throws IOException {
        try (JsonGenerator g = ApiResponses.json(resp, status, "application/json")) {
            g.writeStartObject();
            g.writeStringField("message", message);
            if (address != null) {
                g.writeStringField("address", address);
            }
            g.writeEndObject();
        }
    }
}
