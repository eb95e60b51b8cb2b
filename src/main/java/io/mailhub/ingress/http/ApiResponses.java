package io.mailhub.ingress.http;

import com.fasterxml.jackson.core.JsonGenerator;
import io.mailhub.model.MailAddress;
import io.mailhub.model.SmtpReply;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;

/** Writes the API's JSON: problem objects (RFC 9457) and the parts of success answers shared by the doors. */
final class ApiResponses {

    /** Where the problem types are described (also served by the hub at this path). */
    static final String PROBLEM_BASE = "/problems/";

    private ApiResponses() {}

    static JsonGenerator json(HttpServletResponse resp, int status, String contentType) throws IOException {
        resp.setStatus(status);
        resp.setContentType(contentType);
        resp.setHeader("Cache-Control", "no-store");
        return MessageJson.JSON.createGenerator(resp.getOutputStream());
    }

    /** Sends a body built beforehand (an answer whose headers depend on work done while it was written). */
    static void send(HttpServletResponse resp, int status, String contentType, byte[] body) throws IOException {
        resp.setStatus(status);
        resp.setContentType(contentType);
        resp.setHeader("Cache-Control", "no-store");
        resp.setContentLength(body.length);
        resp.getOutputStream().write(body);
    }

    static void problem(HttpServletResponse resp, ApiProblem p, String instance) throws IOException {
        if (p.retryAfter > 0) {
            resp.setHeader("Retry-After", Long.toString(p.retryAfter));
        }
        if (p.status == 401) {
            resp.setHeader("WWW-Authenticate", "Bearer realm=\"mailhub\"");
        }
        try (JsonGenerator g = json(resp, p.status, "application/problem+json")) {
            writeProblem(g, p, instance);
        }
    }

    static void writeProblem(JsonGenerator g, ApiProblem p, String instance) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", PROBLEM_BASE + p.type);
        g.writeStringField("title", p.title);
        g.writeNumberField("status", p.status);
        g.writeStringField("detail", p.detail() != null ? p.detail() : p.title);
        if (instance != null) {
            g.writeStringField("instance", instance);
        }
        g.writeStringField("enhanced_status", p.enhancedStatus);
        g.writeArrayFieldStart("errors");
        for (ApiProblem.FieldError e : p.errors) {
            g.writeStartObject();
            g.writeStringField("field", e.field());
            g.writeStringField("message", e.message());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    /** The outcome of one sent message: {@code id, message_id, submitted_at, accepted[], rejected[]}. */
    static void writeSent(JsonGenerator g, ApiSender.Sent s) throws IOException {
        g.writeStartObject();
        if (s.preview() != null) {
            g.writeBooleanField("sandbox", true);
        } else {
            g.writeStringField("id", s.queueId());
            g.writeStringField("message_id", s.messageId());
        }
        g.writeStringField("submitted_at", s.submittedAt().toString());
        g.writeArrayFieldStart("accepted");
        for (MailAddress a : s.accepted()) {
            g.writeString(a.toString());
        }
        g.writeEndArray();
        g.writeArrayFieldStart("rejected");
        for (Map.Entry<MailAddress, SmtpReply> r : s.rejected().entrySet()) {
            g.writeStartObject();
            g.writeStringField("email", r.getKey().toString());
            g.writeNumberField("code", r.getValue().code());
            g.writeStringField("enhanced", r.getValue().status());
            g.writeStringField("reason", String.join(" ", r.getValue().lines()));
            g.writeEndObject();
        }
        g.writeEndArray();
        if (s.preview() != null) {
            g.writeStringField("message", s.preview());
        }
        g.writeEndObject();
    }
}
