package io.mailhub.ingress.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders the mail of an Alertmanager notification (webhook payload version 4) with Mustache templates: {@code
 * alert/alertmanager.subject}, {@code .text} and {@code .html} from the templates directory ({@code
 * config/templates/alert/}) when there, else the packaged ones. The model: {@code status}, {@code STATUS},
 * {@code isFiring}, {@code receiver}, {@code groupKey}, {@code externalURL}, {@code truncatedAlerts}, {@code firing},
 * {@code resolved} (counts), {@code alertname}, {@code severity}, {@code commonLabels}, {@code commonAnnotations},
 * {@code groupLabels} (lists of {@code name}/{@code value}) and {@code alerts} (each with {@code status},
 * {@code STATUS}, {@code labels}, {@code annotations}, {@code hasAnnotations}, {@code summary}, {@code description},
 * {@code startsAt}, {@code endsAt} (absent while firing), {@code generatorURL}, {@code silenceURL},
 * {@code dashboardURL}, {@code panelURL}, {@code valueString} (Grafana's), {@code fingerprint}).
 */
final class AlertMail {

    record Rendered(String subject, String text, String html) {}

    private static final Mustache.Compiler PLAIN = Mustache.compiler().escapeHTML(false).defaultValue("").emptyStringIsFalse(true);
    private static final Mustache.Compiler HTML = Mustache.compiler().escapeHTML(true).defaultValue("").emptyStringIsFalse(true);

    private final Path directory;

    /** @param directory the templates directory ({@code <config dir>/templates}) */
    AlertMail(Path directory) {
        this.directory = directory;
    }

    Rendered render(Map<String, Object> model) throws IOException, MustacheException {
        return new Rendered(PLAIN.compile(template("subject")).execute(model).strip().replaceAll("[\\r\\n]+", " "),
                PLAIN.compile(template("text")).execute(model), HTML.compile(template("html")).execute(model));
    }

    private String template(String part) throws IOException {
        Path own = directory.resolve("alert").resolve("alertmanager." + part);
        if (Files.isRegularFile(own)) {
            return Files.readString(own, StandardCharsets.UTF_8);
        }
        try (InputStream in = AlertMail.class.getResourceAsStream("/alert/alertmanager." + part)) {
            if (in == null) {
                throw new IOException("the packaged template alert/alertmanager." + part + " is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The template model of a payload (already checked: status, alerts). */
    static Map<String, Object> model(JsonNode p) {
        Map<String, Object> m = new LinkedHashMap<>();
        String status = p.path("status").asText();
        m.put("status", status);
        m.put("STATUS", status.toUpperCase(Locale.ROOT));
        m.put("isFiring", status.equals("firing"));
        m.put("receiver", p.path("receiver").asText());
        m.put("groupKey", p.path("groupKey").asText());
        m.put("externalURL", p.path("externalURL").asText(""));
        m.put("truncatedAlerts", p.path("truncatedAlerts").asInt(0) > 0 ? p.path("truncatedAlerts").asInt() : "");
        m.put("commonLabels", pairs(p.path("commonLabels")));
        m.put("commonAnnotations", pairs(p.path("commonAnnotations")));
        m.put("groupLabels", pairs(p.path("groupLabels")));
        List<Map<String, Object>> alerts = new ArrayList<>();
        int firing = 0;
        for (JsonNode a : p.path("alerts")) {
            Map<String, Object> x = new LinkedHashMap<>();
            String s = a.path("status").asText();
            firing += s.equals("firing") ? 1 : 0;
            x.put("status", s);
            x.put("STATUS", s.toUpperCase(Locale.ROOT));
            x.put("labels", pairs(a.path("labels")));
            List<Map<String, String>> annotations = pairs(a.path("annotations"));
            x.put("annotations", annotations);
            x.put("hasAnnotations", !annotations.isEmpty());
            x.put("summary", a.path("annotations").path("summary").asText(""));
            x.put("description", a.path("annotations").path("description").asText(""));
            x.put("startsAt", a.path("startsAt").asText(""));
            String ends = a.path("endsAt").asText("");
            x.put("endsAt", ends.startsWith("0001-") ? "" : ends);
            for (String link : List.of("generatorURL", "silenceURL", "dashboardURL", "panelURL", "fingerprint",
                    "valueString")) {
                x.put(link, a.path(link).asText(""));
            }
            alerts.add(x);
        }
        m.put("alerts", alerts);
        m.put("firing", firing > 0 ? firing : "");
        m.put("resolved", alerts.size() - firing > 0 ? alerts.size() - firing : "");
        m.put("alertname", firstOf(p, "alertname"));
        m.put("severity", firstOf(p, "severity"));
        return m;
    }

    /** A label from the common labels, the group labels or else the first alert. */
    private static String firstOf(JsonNode p, String label) {
        for (JsonNode labels : List.of(p.path("commonLabels"), p.path("groupLabels"),
                p.path("alerts").path(0).path("labels"))) {
            if (labels.hasNonNull(label)) {
                return labels.get(label).asText();
            }
        }
        return "";
    }

    private static List<Map<String, String>> pairs(JsonNode object) {
        List<Map<String, String>> list = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            list.add(Map.of("name", e.getKey(), "value", e.getValue().asText()));
        }
        return list;
    }
}
