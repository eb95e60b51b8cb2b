package io.mailhub.ingress.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.mailhub.auth.ApiKey;
import io.mailhub.ingress.http.MessageRequest.Address;
import io.mailhub.ingress.http.MessageRequest.Header;
import io.mailhub.ingress.http.MessageRequest.Template;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SendGrid's v3 send API, {@code POST /v3/mail/send}: each personalization is a message of its own (its to/cc/bcc,
 * subject, headers, {@code dynamic_template_data} as the template model, {@code substitutions} applied to subject and
 * content, {@code custom_args} as metadata, {@code send_at}); {@code content} gives text and HTML,
 * {@code template_id} a template of {@code config/templates/}, {@code categories} the tags,
 * {@code mail_settings.sandbox_mode.enable} the sandbox. Answers 202 with {@code X-Message-Id} and no body, errors as
 * {@code {"errors":[{"message","field","help"}]}}. Tracking, {@code asm}, {@code ip_pool_name} and {@code batch_id} are
 * ignored.
 */
final class SendGridServlet {

    private final ApiDoor door;

    SendGridServlet(ApiDoor door) {
        this.door = door;
    }

    void send(HttpServletRequest req, HttpServletResponse resp, ApiKey key) throws ApiProblem, IOException {
        JsonNode b = AliasRequests.read(ApiDoor.limited(req, req.getInputStream(), door.maxJsonRequest()));
        door.sender.checkReady(0);
        AliasRequests a = new AliasRequests(door.spoolDirectory);
        Address from = a.addressObject(b.get("from"), "from");
        List<Address> replyTo = new ArrayList<>();
        if (b.hasNonNull("reply_to")) {
            Address r = a.addressObject(b.get("reply_to"), "reply_to");
            if (r != null) {
                replyTo.add(r);
            }
        }
        replyTo.addAll(a.addressObjects(b.get("reply_to_list"), "reply_to_list"));
        String text = null;
        String html = null;
        JsonNode content = b.path("content");
        for (int i = 0; i < content.size(); i++) {
            String type = content.get(i).path("type").asText("");
            if (type.equalsIgnoreCase("text/plain")) {
                text = content.get(i).path("value").asText();
            } else if (type.equalsIgnoreCase("text/html")) {
                html = content.get(i).path("value").asText();
            } else {
                a.errors.add(new ApiProblem.FieldError("content[" + i + "].type", "must be text/plain or text/html"));
            }
        }
        JsonNode attachments = b.path("attachments");
        for (int i = 0; i < attachments.size(); i++) {
            JsonNode at = attachments.get(i);
            a.attachment(at.path("filename").asText(null), at.path("type").asText(null),
                    at.path("content").asText(null), at.path("content_id").asText(null),
                    at.path("disposition").asText(null), "attachments[" + i + "]");
        }
        List<Header> headers = AliasRequests.headers(b.path("headers"));
        a.checkHeaders(headers, "headers.");
        List<String> tags = new ArrayList<>();
        b.path("categories").forEach(c -> tags.add(c.asText()));
        boolean sandbox = b.path("mail_settings").path("sandbox_mode").path("enable").asBoolean(false);
        JsonNode personalizations = b.path("personalizations");
        if (!personalizations.isArray() || personalizations.isEmpty()) {
            a.errors.add(new ApiProblem.FieldError("personalizations", "at least one personalization is required"));
        }
        List<MessageRequest> messages = new ArrayList<>();
        for (int i = 0; i < personalizations.size(); i++) {
            JsonNode p = personalizations.get(i);
            String f = "personalizations[" + i + "]";
            Map<String, String> substitutions = AliasRequests.strings(p.path("substitutions"));
            List<Header> pHeaders = new ArrayList<>(headers);
            List<Header> own = AliasRequests.headers(p.path("headers"));
            a.checkHeaders(own, f + ".headers.");
            pHeaders.addAll(own);
            Map<String, String> metadata = new LinkedHashMap<>(AliasRequests.strings(b.path("custom_args")));
            metadata.putAll(AliasRequests.strings(p.path("custom_args")));
            long sendAt = p.path("send_at").asLong(b.path("send_at").asLong(0));
            String subject = p.path("subject").asText(b.path("subject").asText(null));
            Template template = b.hasNonNull("template_id") ? new Template(b.get("template_id").asText(),
                    AliasRequests.model(p.path("dynamic_template_data"))) : null;
            messages.add(new MessageRequest(from, a.addressObjects(p.get("to"), f + ".to"),
                    a.addressObjects(p.get("cc"), f + ".cc"), a.addressObjects(p.get("bcc"), f + ".bcc"), replyTo,
                    null, substitute(subject, substitutions), substitute(text, substitutions),
                    substitute(html, substitutions), pHeaders, List.copyOf(a.attachments), template, List.of(), tags,
                    metadata, null, sendAt > 0 ? Instant.ofEpochSecond(sendAt) : null, null, sandbox));
        }
        a.check();
        door.takeRate(key, messages.size(), resp);
        List<ApiSender.Sent> sent = door.sender.sendAll(messages, key, door.origin(req, key));
        String firstId = sent.isEmpty() ? null : sent.get(0).queueId();
        if (firstId != null) {
            resp.setHeader("X-Message-Id", firstId);
        }
        resp.setStatus(sandbox ? 200 : 202);
    }

    /** SendGrid's legacy substitutions: each key replaced by its value wherever it appears. */
    private static String substitute(String text, Map<String, String> substitutions) {
        if (text == null || substitutions.isEmpty()) {
            return text;
        }
        String out = text;
        for (Map.Entry<String, String> s : substitutions.entrySet()) {
            out = out.replace(s.getKey(), s.getValue());
        }
        return out;
    }

    static void error(HttpServletResponse resp, ApiProblem p) throws IOException {
        if (p.retryAfter > 0) {
            resp.setHeader("Retry-After", Long.toString(p.retryAfter));
        }
        try (JsonGenerator g = ApiResponses.json(resp, p.status == 422 ? 400 : p.status, "application/json")) {
            g.writeStartObject();
            g.writeArrayFieldStart("errors");
            if (p.errors.isEmpty()) {
                writeError(g, p.detail(), null);
            }
            for (ApiProblem.FieldError e : p.errors) {
                writeError(g, e.message(), e.field());
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    private static void writeError(JsonGenerator g, String message, String field) throws IOException {
        g.writeStartObject();
        g.writeStringField("message", message);
        if (field == null) {
            g.writeNullField("field");
        } else {
            g.writeStringField("field", field);
        }
        g.writeNullField("help");
        g.writeEndObject();
    }
}
