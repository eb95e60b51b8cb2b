package io.mailhub.ingress.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.mailhub.auth.ApiKey;
import io.mailhub.ingress.http.MessageRequest.Address;
import io.mailhub.ingress.http.MessageRequest.Header;
import io.mailhub.ingress.http.MessageRequest.Template;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Postmark's send API, so its client libraries work with a base-URL change: {@code POST /email}, {@code /email/batch},
 * {@code /email/withTemplate}, {@code /email/batchWithTemplates}; the key in {@code X-Postmark-Server-Token} (or any
 * header the native API takes); the token {@code POSTMARK_API_TEST} builds and checks without sending. Answers in
 * Postmark's shape: 200 with {@code To, SubmittedAt, MessageID, ErrorCode, Message}; errors with their
 * {@code ErrorCode} (10 bad key, 300 invalid request, 400 sender not allowed, 406 inactive recipient, 429 rate, 1101
 * no such template).
 * {@code MessageStream} becomes the route. {@code TrackOpens}, {@code TrackLinks} and {@code InlineCss} are ignored.
 */
final class PostmarkServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger("io.mailhub.ingress");
    static final String TEST_TOKEN = "POSTMARK_API_TEST";

    private final transient ApiDoor door;

    PostmarkServlet(ApiDoor door) {
        this.door = door;
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getServletPath() + (req.getPathInfo() == null ? "" : req.getPathInfo());
        boolean test = TEST_TOKEN.equals(req.getHeader("X-Postmark-Server-Token"));
        try {
            ApiKey key = test ? null : door.auth.authenticateSender(req);
            // the test token needs no key: its requests are held to a small size (they are read whole)
            JsonNode body = AliasRequests.read(ApiDoor.limited(req, req.getInputStream(),
                    test ? TEST_LIMIT : door.maxJsonRequest()));
            switch (path) {
                case "/email" -> single(req, resp, key, body, false, test);
                case "/email/withTemplate" -> single(req, resp, key, body, true, test);
                case "/email/batch" -> batch(req, resp, key, body, false, test);
                case "/email/batchWithTemplates" -> batch(req, resp, key, body.path("Messages"), true, test);
                default -> error(resp, 404, 404, "no such endpoint: " + path);
            }
        } catch (ApiProblem p) {
            ApiDoor.drainRest(req);
            error(resp, p);
        } catch (RuntimeException e) {
            LOG.error("POST {} failed", path, e);
            error(resp, 500, 500, "internal error: " + e);
        }
    }

    /** The largest request sent with the test token (which validates without a key). */
    static final long TEST_LIMIT = 1024 * 1024;

    private void single(HttpServletRequest req, HttpServletResponse resp, ApiKey key, JsonNode body, boolean template,
            boolean test) throws ApiProblem, IOException {
        door.sender.checkReady(0);
        MessageRequest m = request(body, template, test);
        Result r = send(req, resp, key, m, test);
        try (JsonGenerator g = ApiResponses.json(resp, 200, "application/json")) {
            r.write(g);
        }
    }

    private void batch(HttpServletRequest req, HttpServletResponse resp, ApiKey key, JsonNode list, boolean template,
            boolean test) throws ApiProblem, IOException {
        if (!list.isArray()) {
            throw ApiProblem.invalid("the body must be a JSON array of messages", List.of());
        }
        if (list.size() > NativeApiServlet.BATCH_LIMIT) {
            throw ApiProblem.unprocessable("batch-too-large", "The batch is too large", "a batch holds at most "
                    + NativeApiServlet.BATCH_LIMIT + " messages", List.of(), "5.5.3");
        }
        door.sender.checkReady(0);
        List<Result> results = new ArrayList<>();
        for (JsonNode item : list) {
            try {
                results.add(send(req, resp, key, request(item, template, test), test));
            } catch (ApiProblem p) {
                results.add(Result.failed(item.path("To").asText(""), p));
            }
        }
        try (JsonGenerator g = ApiResponses.json(resp, 200, "application/json")) {
            g.writeStartArray();
            for (Result r : results) {
                r.write(g);
            }
            g.writeEndArray();
        }
    }

    private Result send(HttpServletRequest req, HttpServletResponse resp, ApiKey key, MessageRequest m, boolean test)
            throws ApiProblem {
        List<ApiSender.Sent> sent;
        if (test) { // Postmark's test token: checked and built, never sent, by no key in particular
            sent = door.sender.test(m);
        } else {
            door.takeRate(key, 1, resp);
            sent = door.sender.send(m, key, door.origin(req, key));
        }
        ApiSender.Sent s = sent.get(0);
        String to = String.join(", ", s.accepted().stream().map(Object::toString).toList());
        return new Result(to, s.submittedAt().toString(), s.queueId() == null ? "" : s.queueId(), 0, "OK");
    }

    private MessageRequest request(JsonNode b, boolean template, boolean test) throws ApiProblem {
        AliasRequests a = new AliasRequests(door.spoolDirectory);
        List<Address> from = a.addressList(b.path("From").asText(null), "From");
        List<Header> headers = AliasRequests.headers(b.path("Headers"));
        a.checkHeaders(headers, "Headers.");
        JsonNode attachments = b.path("Attachments");
        for (int i = 0; i < attachments.size(); i++) {
            JsonNode at = attachments.get(i);
            String cid = at.path("ContentID").asText(null);
            if (cid != null && cid.startsWith("cid:")) {
                cid = cid.substring(4);
            }
            a.attachment(at.path("Name").asText(null), at.path("ContentType").asText(null),
                    at.path("Content").asText(null), cid, null, "Attachments[" + i + "]");
        }
        Template t = null;
        if (template) {
            String id = b.hasNonNull("TemplateAlias") ? b.get("TemplateAlias").asText() : b.path("TemplateId").asText(null);
            if (id == null) {
                a.errors.add(new ApiProblem.FieldError("TemplateId", "TemplateId or TemplateAlias is required"));
            } else {
                t = new Template(id, AliasRequests.model(b.path("TemplateModel")));
            }
        }
        List<String> tags = b.hasNonNull("Tag") ? List.of(b.get("Tag").asText()) : List.of();
        MessageRequest m = new MessageRequest(from.isEmpty() ? null : from.get(0), a.addressList(b.path("To").asText(null),
                "To"), a.addressList(b.path("Cc").asText(null), "Cc"), a.addressList(b.path("Bcc").asText(null), "Bcc"),
                a.addressList(b.path("ReplyTo").asText(null), "ReplyTo"), null, b.path("Subject").asText(null),
                b.path("TextBody").asText(null), b.path("HtmlBody").asText(null), headers, List.copyOf(a.attachments),
                t, List.of(), tags, AliasRequests.strings(b.path("Metadata")),
                b.hasNonNull("MessageStream") && !b.get("MessageStream").asText().equals("outbound")
                        ? b.get("MessageStream").asText() : null, null, null, test);
        a.check();
        return m;
    }

    /** One message's answer in Postmark's shape. */
    private record Result(String to, String submittedAt, String messageId, int errorCode, String message) {
        static Result failed(String to, ApiProblem p) {
            return new Result(to, null, null, PostmarkServlet.errorCode(p), p.type.equals("recipients-suppressed")
                    ? inactive(p) : p.detail());
        }

        void write(JsonGenerator g) throws IOException {
            g.writeStartObject();
            g.writeStringField("To", to);
            if (submittedAt != null) {
                g.writeStringField("SubmittedAt", submittedAt);
                g.writeStringField("MessageID", messageId);
            }
            g.writeNumberField("ErrorCode", errorCode);
            g.writeStringField("Message", message);
            g.writeEndObject();
        }
    }

    static int errorCode(ApiProblem p) {
        return switch (p.type) {
            case "unauthorized", "locked-out" -> 10;
            case "sender-not-allowed", "scope-not-allowed" -> 400;
            case "rate-limited" -> 429;
            case "template-not-found" -> 1101;
            case "recipients-suppressed" -> 406; // Postmark's "marked as inactive"
            case "queue-unavailable", "insufficient-storage", "temporary-failure", "internal-error" -> 500;
            default -> 300;
        };
    }

    static void error(HttpServletResponse resp, ApiProblem p) throws IOException {
        int status = switch (p.status) {
            case 400, 403, 413 -> 422; // Postmark answers request problems with 422
            default -> p.status;
        };
        if (p.retryAfter > 0) {
            resp.setHeader("Retry-After", Long.toString(p.retryAfter));
        }
        error(resp, status, errorCode(p), p.type.equals("recipients-suppressed") ? inactive(p) : p.detail()
                + (p.errors.isEmpty() ? "" : " (" + p.errors.get(0).field() + ": " + p.errors.get(0).message() + ")"));
    }

    /**
     * Postmark's own words for inactive recipients, which its client libraries read the addresses from
     * ({@code InactiveRecipientsError.recipients} in postmark.js): "Found inactive addresses: a, b. Inactive ...".
     */
    static String inactive(ApiProblem p) {
        java.util.Set<String> addresses = new java.util.LinkedHashSet<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<([^<>\\s]+@[^<>\\s]+)>: " + java.util.regex
                .Pattern.quote(io.mailhub.delivery.SuppressionHook.MARKER)).matcher(p.detail() + " " + p.errors.stream()
                .map(ApiProblem.FieldError::message).collect(java.util.stream.Collectors.joining(" ")));
        while (m.find()) {
            addresses.add(m.group(1));
        }
        return "You tried to send to recipient(s) that have been marked as inactive. Found inactive addresses: "
                + String.join(", ", addresses) + ". Inactive recipients are ones that have generated a hard bounce, a"
                + " spam complaint, or a manual suppression.";
    }

    static void error(HttpServletResponse resp, int status, int code, String message) throws IOException {
        try (JsonGenerator g = ApiResponses.json(resp, status, "application/json")) {
            g.writeStartObject();
            g.writeNumberField("ErrorCode", code);
            g.writeStringField("Message", message);
            g.writeEndObject();
        }
    }
}
