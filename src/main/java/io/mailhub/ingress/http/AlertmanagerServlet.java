package io.mailhub.ingress.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.samskivert.mustache.MustacheException;
import io.mailhub.acceptance.Door;
import io.mailhub.auth.ApiKey;
import io.mailhub.model.QueueIds;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/v1/webhooks/alertmanager/{receiver}} and {@code /grafana/{receiver}}: Alertmanager's webhook
 * (payload version 4) or Grafana's (version 1, the same fields and a few more; its HMAC signature checked when the
 * receiver has a {@code secret=}) becomes one mail
 * to the receiver's recipients ({@link AlertReceivers}), rendered by {@link AlertMail}, through the send API's checks
 * with the calling API key (its sender rule applies to the alert sender). 202 only after the durable enqueue; 503 when
 * the hub cannot store (Alertmanager retries 5xx); 400/422 problems for payloads it should not send again.
 *
 * <p>Threading and repeats: every mail of a group (receiver and group key) refers to one root Message-ID derived from
 * the group key ({@code In-Reply-To}, {@code References}), so mail clients show one thread; the mail's own
 * Message-ID and queue id derive from the group, the status, the alerts' fingerprints and the time the same
 * notification was first mailed ({@link AlertRepeats}), so a notification repeated within
 * {@code mailhub.alerts.dedup-window} of its first mail is stored once (the broker's duplicate detection; both outlive
 * a restart).
 */
final class AlertmanagerServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger("io.mailhub.ingress");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final long MAX_PAYLOAD = 4L * 1024 * 1024;

    private final transient ApiDoor door;
    private final transient AlertReceivers receivers;
    private final transient AlertMail mail;
    private final transient AlertSettings settings;
    private final transient Clock clock;

    AlertmanagerServlet(ApiDoor door, AlertSettings settings, java.nio.file.Path templates, Clock clock) {
        this.door = door;
        this.settings = settings;
        this.receivers = new AlertReceivers(settings);
        this.mail = new AlertMail(templates);
        this.clock = clock;
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getPathInfo() == null ? "" : req.getPathInfo();
        try {
            if (!path.matches("/(alertmanager|grafana)/[A-Za-z0-9._-]{1,100}")) {
                throw new ApiProblem(404, "not-found", "No such webhook", "POST " + req.getRequestURI() + " is not a"
                        + " webhook (/api/v1/webhooks/alertmanager/RECEIVER or /api/v1/webhooks/grafana/RECEIVER)",
                        List.of(), "5.5.1", 0);
            }
            ApiKey key = door.auth.authenticateWebhook(req);
            boolean grafana = path.startsWith("/grafana/");
            String receiver = path.substring(path.indexOf('/', 1) + 1);
            byte[] body = ApiDoor.limited(req, req.getInputStream(), MAX_PAYLOAD).readAllBytes();
            JsonNode payload = read(new ByteArrayInputStream(body), grafana ? "1" : "4");
            send(req, resp, key, grafana ? "grafana" : "alertmanager", receiver, payload, body);
        } catch (ApiProblem p) {
            door.refused(Door.WEBHOOK.label(), p);
            ApiDoor.drainRest(req);
            ApiResponses.problem(resp, p, req.getRequestURI());
        } catch (LimitedInputStream.TooLarge e) {
            ApiProblem p = LimitedInputStream.tooLarge(e.limit);
            door.refused(Door.WEBHOOK.label(), p);
            ApiResponses.problem(resp, p, req.getRequestURI());
        } catch (RuntimeException e) { // as the native API does: a problem, never a bare 500 page
            LOG.error("{} {} failed", req.getMethod(), req.getRequestURI(), e);
            if (!resp.isCommitted()) {
                ApiResponses.problem(resp, new ApiProblem(500, "internal-error", "The hub failed", e.toString(),
                        List.of(), "4.3.0", 0), req.getRequestURI());
            }
        }
    }

    /** The payload, checked: Alertmanager's version 4, or Grafana's version 1 (the same fields and a few more). */
    private static JsonNode read(InputStream in, String version) throws ApiProblem, IOException {
        JsonNode p;
        try {
            p = MAPPER.readTree(in);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw ApiProblem.invalid("the body is not JSON: " + e.getOriginalMessage(), List.of());
        }
        List<ApiProblem.FieldError> errors = new ArrayList<>();
        if (p == null || !p.isObject()) {
            throw ApiProblem.invalid("the body must be Alertmanager's webhook payload, a JSON object", List.of());
        }
        if (!p.path("version").asText().equals(version)) {
            errors.add(new ApiProblem.FieldError("version", "must be \"" + version + "\" ("
                    + (version.equals("4") ? "Alertmanager's" : "Grafana's") + " webhook payload)"));
        }
        if (!List.of("firing", "resolved").contains(p.path("status").asText())) {
            errors.add(new ApiProblem.FieldError("status", "must be firing or resolved"));
        }
        if (!p.path("groupKey").isTextual()) {
            errors.add(new ApiProblem.FieldError("groupKey", "must be a string"));
        }
        if (!p.path("alerts").isArray() || p.path("alerts").isEmpty()) {
            errors.add(new ApiProblem.FieldError("alerts", "must be a non-empty array"));
        } else {
            for (int i = 0; i < p.path("alerts").size(); i++) {
                JsonNode a = p.path("alerts").get(i);
                if (!a.path("labels").isObject() || !List.of("firing", "resolved").contains(a.path("status").asText())) {
                    errors.add(new ApiProblem.FieldError("alerts[" + i + "]", "needs labels and a status"));
                }
            }
        }
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid("not a webhook payload of " + (version.equals("4") ? "Alertmanager (version 4)"
                    : "Grafana (version 1)"), errors);
        }
        return p;
    }

    private void send(HttpServletRequest req, HttpServletResponse resp, ApiKey key, String source, String receiver,
            JsonNode p, byte[] body) throws ApiProblem, IOException {
        List<Map<String, String>> labelSets = new ArrayList<>();
        labelSets.add(strings(p.path("commonLabels")));
        p.path("alerts").forEach(a -> labelSets.add(strings(a.path("labels"))));
        AlertReceivers.Route route = receivers.route(receiver, labelSets);
        if (source.equals("grafana") && route.secret() != null) {
            GrafanaSignature.check(req, body, route.secret(), clock);
        }
        if (route.to().isEmpty()) {
            throw ApiProblem.unprocessable("no-recipients", "The receiver has no recipients", "receiver '" + receiver
                    + "' is not in mailhub.alerts.receivers-file and mailhub.alerts.to is empty", List.of(), "5.5.1");
        }
        if (route.from() == null) {
            throw ApiProblem.unprocessable("missing-sender", "The receiver has no sender", "give receiver '" + receiver
                    + "' a from= in mailhub.alerts.receivers-file, or set mailhub.alerts.from", List.of(), "5.5.1");
        }
        AlertMail.Rendered r;
        try {
            r = mail.render(AlertMail.model(p));
        } catch (MustacheException e) {
            throw ApiProblem.unprocessable("template-error", "The template does not render", "alert template: "
                    + e.getMessage(), List.of(), "5.6.0");
        }
        String group = source + "\0" + receiver + "\0" + p.path("groupKey").asText();
        TreeSet<String> fingerprints = new TreeSet<>();
        p.path("alerts").forEach(a -> fingerprints.add(a.path("fingerprint").asText(a.path("labels").toString())
                + "/" + a.path("status").asText()));
        String notification = "alert\0" + group + "\0" + p.path("status").asText() + "\0"
                + String.join(",", fingerprints);
        door.takeRate(key, 1, resp);
        door.sender.checkReady(0);
        String repeatKey = hash(notification);
        AlertRepeats.Mailed mailed = door.alertRepeats.firstMailed(repeatKey, settings.dedupWindow());
        if (mailed.answer() != null) {
            LOG.info("webhook {}/{}: {} {} alert(s) of group {}: a repeat within mailhub.alerts.dedup-window of the"
                    + " mail of {}, not mailed again", source, receiver, p.path("status").asText(),
                    p.path("alerts").size(), hash(group), java.time.Instant.ofEpochMilli(mailed.first()));
            ApiResponses.send(resp, 202, "application/json", mailed.answer().getBytes(StandardCharsets.UTF_8));
            return;
        }
        String seed = notification + "\0" + mailed.first();
        String domain = route.from().substring(route.from().lastIndexOf('@') + 1).replaceAll("[<>\\s]", "");
        String root = "<alerts." + hash(group) + "@" + domain + ">";
        String own = "<alert." + hash(seed) + "@" + domain + ">";

        ByteArrayOutputStream json = new ByteArrayOutputStream();
        try (JsonGenerator g = MAPPER.getFactory().createGenerator(json)) {
            g.writeStartObject();
            g.writeStringField("from", route.from());
            g.writeArrayFieldStart("to");
            for (String t : route.to()) {
                g.writeString(t);
            }
            g.writeEndArray();
            g.writeStringField("subject", r.subject());
            g.writeStringField("text", r.text());
            g.writeStringField("html", r.html());
            g.writeObjectFieldStart("headers");
            g.writeStringField("Message-ID", own);
            g.writeStringField("In-Reply-To", root);
            g.writeStringField("References", root);
            g.writeStringField(source.equals("grafana") ? "X-Grafana-Receiver" : "X-Alertmanager-Receiver", receiver);
            g.writeEndObject();
            g.writeArrayFieldStart("tags");
            g.writeString(source);
            g.writeString(p.path("status").asText());
            g.writeEndArray();
            g.writeEndObject();
        }
        MessageRequest m = MessageJson.parse(new ByteArrayInputStream(json.toByteArray()), door.spoolDirectory);
        List<ApiSender.Sent> sent = door.sender.send(m, key, door.origin(req, key, Door.WEBHOOK),
                n -> QueueIds.derived(seed + "\0" + n));
        LOG.info("webhook {}/{}: {} {} alert(s) of group {} queued as {}", source, receiver, p.path("status").asText(),
                p.path("alerts").size(), hash(group), sent.get(0).queueId());
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        try (JsonGenerator g = MessageJson.JSON.createGenerator(answer)) {
            ApiResponses.writeSent(g, sent.get(0));
        }
        door.alertRepeats.answered(repeatKey, mailed.first(), settings.dedupWindow(),
                answer.toString(StandardCharsets.UTF_8));
        ApiResponses.send(resp, 202, "application/json", answer.toByteArray());
    }

    private static Map<String, String> strings(JsonNode object) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            m.put(e.getKey(), e.getValue().asText());
        }
        return m;
    }

    private static String hash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
