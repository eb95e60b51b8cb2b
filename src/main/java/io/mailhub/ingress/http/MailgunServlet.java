package io.mailhub.ingress.http;

import com.fasterxml.jackson.core.JsonGenerator;
import io.mailhub.auth.ApiKey;
import io.mailhub.ingress.http.MessageRequest.Address;
import io.mailhub.ingress.http.MessageRequest.Header;
import io.mailhub.ingress.http.MessageRequest.Template;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.Part;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Mailgun's send API: {@code POST /v3/{domain}/messages} (a form: {@code from, to, cc, bcc, subject, text, html,
 * attachment, inline, h:Header, v:variable, o:tag, o:testmode, o:deliverytime, template, t:variables}) and
 * {@code /v3/{domain}/messages.mime} ({@code to} and the MIME {@code message}), HTTP Basic with the key as password
 * ({@code api:KEY}). Answers 200 {@code {"id": "<message-id>", "message": "Queued. Thank you."}}, errors as
 * {@code {"message": ...}}. The domain of the path is not checked: the key's sender rules are. Tracking, DKIM and
 * other {@code o:} options are ignored.
 */
final class MailgunServlet {

    private final ApiDoor door;

    MailgunServlet(ApiDoor door) {
        this.door = door;
    }

    void send(HttpServletRequest req, HttpServletResponse resp, ApiKey key, boolean mime)
            throws ApiProblem, IOException {
        door.sender.checkReady(Math.max(0, req.getContentLengthLong()));
        if (req.getContentLengthLong() > door.maxMultipartRequest()) {
            throw LimitedInputStream.tooLarge(door.maxMultipartRequest());
        }
        Map<String, List<String>> fields = new LinkedHashMap<>();
        AliasRequests a = new AliasRequests(door.spoolDirectory);
        Part message = null;
        try {
            for (Part p : req.getParts()) {
                if (p.getSubmittedFileName() != null) {
                    if (mime && p.getName().equals("message")) {
                        message = p;
                    } else if (p.getName().equals("attachment") || p.getName().equals("inline")) {
                        try (InputStream in = p.getInputStream()) {
                            boolean inline = p.getName().equals("inline");
                            a.attachment(p.getSubmittedFileName(), p.getContentType(), in,
                                    inline ? p.getSubmittedFileName() : null, inline ? "inline" : null);
                        }
                    }
                } else {
                    try (InputStream in = p.getInputStream()) {
                        fields.computeIfAbsent(p.getName(), k -> new ArrayList<>())
                                .add(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                    }
                }
            }
        } catch (ServletException | IllegalStateException e) {
            a.attachments.forEach(x -> x.content().close());
            if (String.valueOf(e.getMessage()).contains("exceeds")) { // Jetty: "Request exceeds maxRequestSize"
                throw LimitedInputStream.tooLarge(door.maxMultipartRequest());
            }
            throw ApiProblem.invalid("the body must be multipart/form-data: " + e.getMessage(), List.of());
        }
        if (mime) {
            mime(req, resp, key, message, fields);
            return;
        }
        List<Header> headers = new ArrayList<>();
        Map<String, String> vars = new LinkedHashMap<>();
        List<Address> replyTo = new ArrayList<>();
        fields.forEach((name, values) -> {
            if (name.equalsIgnoreCase("h:Reply-To")) { // Mailgun has no field of its own for it
                values.forEach(v -> replyTo.addAll(a.addressList(v, name)));
            } else if (name.startsWith("h:")) {
                values.forEach(v -> headers.add(new Header(name.substring(2), v)));
            } else if (name.startsWith("v:")) {
                vars.put(name.substring(2), values.get(0));
            }
        });
        a.checkHeaders(headers, "h:");
        List<Address> from = a.addressList(first(fields, "from"), "from");
        boolean test = testMode(fields);
        Instant deliverAt = null;
        if (first(fields, "o:deliverytime") != null) {
            try {
                deliverAt = ZonedDateTime.parse(first(fields, "o:deliverytime"), DateTimeFormatter.RFC_1123_DATE_TIME)
                        .toInstant();
            } catch (DateTimeParseException e) {
                a.errors.add(new ApiProblem.FieldError("o:deliverytime", "must be an RFC 2822 date"));
            }
        }
        Template template = null;
        if (first(fields, "template") != null) {
            Map<String, Object> model = new LinkedHashMap<>(vars);
            if (first(fields, "t:variables") != null) {
                try {
                    model.putAll(AliasRequests.model(AliasRequests.MAPPER.readTree(first(fields, "t:variables"))));
                } catch (IOException e) {
                    a.errors.add(new ApiProblem.FieldError("t:variables", "is not a JSON object"));
                }
            }
            template = new Template(first(fields, "template"), model);
        }
        MessageRequest m = new MessageRequest(from.isEmpty() ? null : from.get(0), all(a, fields, "to"),
                all(a, fields, "cc"), all(a, fields, "bcc"), replyTo, null, first(fields, "subject"),
                first(fields, "text"), first(fields, "html"), headers, List.copyOf(a.attachments), template, List.of(),
                fields.getOrDefault("o:tag", List.of()), vars, null, deliverAt, null, test);
        a.check();
        door.takeRate(key, 1, resp);
        ApiSender.Sent s = door.sender.send(m, key, door.origin(req, key)).get(0);
        answer(resp, s.messageId() == null ? "" : "<" + s.messageId() + ">",
                test ? "Test mode: not sent." : "Queued. Thank you.");
    }

    /** {@code messages.mime}: the MIME message as it is, to the {@code to} addresses. */
    private void mime(HttpServletRequest req, HttpServletResponse resp, ApiKey key, Part message,
            Map<String, List<String>> fields) throws ApiProblem, IOException {
        if (message == null) {
            throw ApiProblem.invalid("message", "the MIME message (a file part named message) is required");
        }
        door.takeRate(key, 1, resp);
        List<String> to = new ArrayList<>();
        fields.getOrDefault("to", List.of()).forEach(v -> to.addAll(MessageJson.splitAddressList(v)));
        boolean test = testMode(fields);
        try (InputStream in = message.getInputStream()) {
            RawSend.Result r = new RawSend(door).send(req, key, in, null, to, null, test);
            answer(resp, r.messageId() == null ? "" : "<" + r.messageId() + ">",
                    test ? "Test mode: not sent." : "Queued. Thank you.");
        }
    }

    private static void answer(HttpServletResponse resp, String id, String text) throws IOException {
        try (JsonGenerator g = ApiResponses.json(resp, 200, "application/json")) {
            g.writeStartObject();
            g.writeStringField("id", id);
            g.writeStringField("message", text);
            g.writeEndObject();
        }
    }

    /** {@code o:testmode=yes}: checked, built and answered as usual, never queued. */
    private static boolean testMode(Map<String, List<String>> fields) {
        String v = first(fields, "o:testmode");
        return "yes".equalsIgnoreCase(v) || "true".equalsIgnoreCase(v);
    }

    private static String first(Map<String, List<String>> fields, String name) {
        List<String> v = fields.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static List<Address> all(AliasRequests a, Map<String, List<String>> fields, String name) {
        List<Address> list = new ArrayList<>();
        for (String v : fields.getOrDefault(name, List.of())) {
            list.addAll(a.addressList(v, name));
        }
        return list;
    }

    static void error(HttpServletResponse resp, ApiProblem p) throws IOException {
        if (p.retryAfter > 0) {
            resp.setHeader("Retry-After", Long.toString(p.retryAfter));
        }
        int status = p.status == 422 ? 400 : p.status;
        try (JsonGenerator g = ApiResponses.json(resp, status, "application/json")) {
            g.writeStartObject();
            g.writeStringField("message", p.detail()
                    + (p.errors.isEmpty() ? "" : " (" + p.errors.get(0).field() + ": " + p.errors.get(0).message() + ")"));
            g.writeEndObject();
        }
    }
}
