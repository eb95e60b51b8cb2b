package io.mailhub.ingress.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.mailhub.acceptance.Door;
import io.mailhub.acceptance.Decision;
import io.mailhub.acceptance.EnvelopeCheck;
import io.mailhub.acceptance.Origin;
import io.mailhub.acceptance.Submission;
import io.mailhub.auth.ApiKey;
import io.mailhub.cleanup.HeaderFieldFilter;
import io.mailhub.delivery.DeliveryEvents;
import io.mailhub.dkim.MessageHeader;
import io.mailhub.model.BodyType;
import io.mailhub.model.MailAddress;
import io.mailhub.model.MessageContent;
import io.mailhub.model.Recipient;
import io.mailhub.model.SmtpPath;
import io.mailhub.model.SmtpReply;
import io.mailhub.model.SyntaxException;
import io.mailhub.queue.MailQueueAdmin;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The native API under {@code /api/v1}: {@code POST /messages} (JSON), {@code POST /messages/batch} (up to 500,
 * results in request order), {@code POST /messages/raw} ({@code message/rfc822}, envelope in {@code Mail-From} and
 * {@code Rcpt-To}), {@code GET /messages/{id}} (where it is). 202 only once the message is on the broker's disk.
 */
final class NativeApiServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger("io.mailhub.ingress");
    static final int BATCH_LIMIT = 500;

    private final transient ApiDoor door;

    NativeApiServlet(ApiDoor door) {
        this.door = door;
    }

    /** What an endpoint does once the request is authenticated; it writes the answer itself. */
    private interface Action {
        void run(ApiKey key) throws ApiProblem, IOException;
    }

    /**
     * What a POST endpoint does with its body: the request's own stream, or with an Idempotency-Key the body read
     * ahead; {@code queueIds} gives the n-th message's queue id ({@code null}: new ids).
     */
    private interface Post {
        void run(ApiKey key, InputStream body, HttpServletResponse resp, IntFunction<String> queueIds)
                throws ApiProblem, IOException;
    }

    private void handle(HttpServletRequest req, HttpServletResponse resp, Action action) throws IOException {
        try {
            ApiKey key = door.auth.authenticateSender(req);
            action.run(key);
        } catch (ApiProblem p) {
            door.refused(Door.HTTP.label(), p);
            if (!resp.isCommitted()) {
                ApiDoor.drainRest(req);
                ApiResponses.problem(resp, p, req.getRequestURI());
            }
        } catch (LimitedInputStream.TooLarge e) {
            ApiProblem p = LimitedInputStream.tooLarge(e.limit);
            door.refused(Door.HTTP.label(), p);
            ApiResponses.problem(resp, p, req.getRequestURI());
        } catch (RuntimeException e) {
            LOG.error("{} {} failed", req.getMethod(), req.getRequestURI(), e);
            if (!resp.isCommitted()) {
                ApiResponses.problem(resp, new ApiProblem(500, "internal-error", "The hub failed", e.toString(),
                        List.of(), "4.3.0", 0), req.getRequestURI());
            }
        }
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getPathInfo() == null ? "" : req.getPathInfo();
        switch (path) {
            case "/messages" -> handle(req, resp, key -> post(req, resp, key, (k, in, r, ids) -> single(req, r, k, in,
                    ids)));
            case "/messages/batch" -> handle(req, resp, key -> post(req, resp, key, (k, in, r, ids) -> batch(req, r,
                    k, in, ids)));
            case "/messages/raw" -> handle(req, resp, key -> post(req, resp, key, (k, in, r, ids) -> raw(req, r, k,
                    in, ids)));
            default -> notFound(req, resp);
        }
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws ServletException, IOException {
        switch (req.getMethod()) {
            case "GET", "HEAD", "POST", "OPTIONS" -> super.service(req, resp);
            default -> {
                resp.setHeader("Allow", "GET, POST");
                ApiResponses.problem(resp, new ApiProblem(405, "method-not-allowed", "Method not allowed",
                        req.getMethod() + " is not a method of the API (GET, POST)", List.of(), "5.5.1", 0),
                        req.getRequestURI());
            }
        }
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getPathInfo() == null ? "" : req.getPathInfo();
        if (path.startsWith("/messages/") && path.indexOf('/', 10) < 0 && path.length() > 10) {
            handle(req, resp, key -> status(resp, key, path.substring(10)));
        } else {
            notFound(req, resp);
        }
    }

    private static void notFound(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        ApiResponses.problem(resp, new ApiProblem(404, "not-found", "No such resource", req.getMethod() + " "
                + req.getRequestURI() + " is not part of the API", List.of(), "5.5.1", 0), req.getRequestURI());
    }

    /**
     * Runs a POST endpoint, with an Idempotency-Key once only: the body is read ahead and hashed, a repeated request
     * gets the first answer again ({@code Idempotent-Replay: true}), and the answer is stored once given.
     */
    private void post(HttpServletRequest req, HttpServletResponse resp, ApiKey key, Post endpoint)
            throws ApiProblem, IOException {
        String idempotencyKey = req.getHeader("Idempotency-Key");
        if (idempotencyKey == null) {
            endpoint.run(key, req.getInputStream(), resp, null);
            return;
        }
        idempotencyKey = idempotencyKey.strip();
        Idempotency.checkKey(idempotencyKey); // before the body is read
        door.sender.checkReady(Math.max(0, req.getContentLengthLong()));
        SpooledBody body = SpooledBody.read(ApiDoor.limited(req, req.getInputStream(), maxBatchRequest()),
                door.spoolDirectory, door.spoolThreshold);
        try (MessageContent content = body.content()) {
            Idempotency.Begin begin = door.idempotency.begin(key, idempotencyKey, body.hash());
            if (begin.replay() != null) {
                Idempotency.Record r = begin.replay();
                resp.setHeader("Idempotent-Replay", "true");
                resp.setHeader("Cache-Control", "no-store");
                if (r.location() != null) {
                    resp.setHeader("Location", r.location());
                }
                resp.setStatus(r.status());
                resp.setContentType(r.status() < 300 ? "application/json" : "application/problem+json");
                resp.getOutputStream().write(r.body().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                return;
            }
            CapturedResponse captured = new CapturedResponse(resp);
            try (InputStream in = content.openStream()) {
                endpoint.run(key, in, captured, n -> begin.queueId(n));
            } catch (ApiProblem p) {
                door.refused(Door.HTTP.label(), p);
                ApiResponses.problem(captured, p, req.getRequestURI());
            } catch (IOException | RuntimeException e) {
                door.idempotency.complete(begin.scope(), body.hash(), 500, null, null);
                throw e;
            }
            door.idempotency.complete(begin.scope(), body.hash(), captured.status(), captured.body(),
                    captured.location());
            captured.send();
        }
    }

    static void requireJson(HttpServletRequest req) throws ApiProblem {
        String type = req.getContentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new ApiProblem(415, "unsupported-media-type", "The body must be JSON", "Content-Type must be"
                    + " application/json, not " + type, List.of(), "5.6.0", 0);
        }
    }

    private void single(HttpServletRequest req, HttpServletResponse resp, ApiKey key, InputStream body,
            IntFunction<String> queueIds) throws ApiProblem, IOException {
        requireJson(req);
        door.sender.checkReady(Math.max(0, req.getContentLengthLong()));
        MessageRequest m = MessageJson.parse(ApiDoor.limited(req, body, door.maxJsonRequest()), door.spoolDirectory);
        try {
            door.takeRate(key, Math.max(1, m.recipients().size()), resp);
        } catch (ApiProblem p) {
            m.discard();
            throw p;
        }
        List<ApiSender.Sent> sent = door.sender.send(m, key, door.origin(req, key), queueIds);
        boolean sandbox = m.sandbox();
        if (sent.size() == 1 && m.recipients().isEmpty()) {
            if (!sandbox) {
                resp.setHeader("Location", req.getContextPath() + "/api/v1/messages/" + sent.get(0).queueId());
            }
            try (JsonGenerator g = ApiResponses.json(resp, sandbox ? 200 : 202, "application/json")) {
                ApiResponses.writeSent(g, sent.get(0));
            }
            return;
        }
        try (JsonGenerator g = ApiResponses.json(resp, sandbox ? 200 : 202, "application/json")) {
            g.writeStartObject();
            g.writeArrayFieldStart("messages");
            for (ApiSender.Sent s : sent) {
                ApiResponses.writeSent(g, s);
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    private void batch(HttpServletRequest req, HttpServletResponse resp, ApiKey key, InputStream body,
            IntFunction<String> queueIds) throws ApiProblem, IOException {
        requireJson(req);
        door.sender.checkReady(0);
        List<Object> items = new ArrayList<>(); // a MessageRequest, or the ApiProblem of an item that did not parse
        try (JsonParser p = MessageJson.JSON.createParser(ApiDoor.limited(req, body, maxBatchRequest()))) {
            if (p.nextToken() != JsonToken.START_OBJECT || p.nextToken() != JsonToken.FIELD_NAME
                    || !"messages".equals(p.currentName()) || p.nextToken() != JsonToken.START_ARRAY) {
                throw ApiProblem.invalid("the body must be {\"messages\": [message, ...]}", List.of());
            }
            int i = 0;
            while (p.nextToken() != JsonToken.END_ARRAY) {
                if (i == BATCH_LIMIT) {
                    discard(items);
                    throw ApiProblem.unprocessable("batch-too-large", "The batch is too large", "a batch holds at most "
                            + BATCH_LIMIT + " messages", List.of(), "5.5.3");
                }
                if (p.currentToken() != JsonToken.START_OBJECT) {
                    items.add(ApiProblem.invalid("messages[" + i + "]", "must be a message object"));
                    p.skipChildren();
                } else {
                    try {
                        items.add(MessageJson.parseObject(p, "messages[" + i + "].", door.spoolDirectory));
                    } catch (ApiProblem e) {
                        items.add(e);
                    }
                }
                i++;
            }
            if (p.nextToken() != JsonToken.END_OBJECT) {
                discard(items);
                throw ApiProblem.invalid("the body must be {\"messages\": [...]} and nothing else", List.of());
            }
        } catch (JsonParseException e) {
            discard(items);
            throw ApiProblem.invalid("the body is not valid JSON: " + e.getOriginalMessage(), List.of());
        }
        // built first: the items' RateLimit headers must be set before the answer is committed
        java.io.ByteArrayOutputStream answer = new java.io.ByteArrayOutputStream();
        try (JsonGenerator g = MessageJson.JSON.createGenerator(answer)) {
            g.writeStartObject();
            g.writeArrayFieldStart("results");
            int index = 0;
            for (Object item : items) {
                int item0 = index++;
                g.writeStartObject();
                if (item instanceof ApiProblem problem) {
                    door.refused(Door.HTTP.label(), problem);
                    g.writeNumberField("status", problem.status);
                    g.writeFieldName("error");
                    ApiResponses.writeProblem(g, problem, null);
                } else {
                    MessageRequest m = (MessageRequest) item;
                    try {
                        door.takeRate(key, Math.max(1, m.recipients().size()), resp);
                        List<ApiSender.Sent> sent = door.sender.send(m, key, door.origin(req, key),
                                queueIds == null ? null : n -> queueIds.apply(item0 * MessageJson.MAX_PERSONALS + n));
                        g.writeNumberField("status", m.sandbox() ? 200 : 202);
                        g.writeArrayFieldStart("messages");
                        for (ApiSender.Sent s : sent) {
                            ApiResponses.writeSent(g, s);
                        }
                        g.writeEndArray();
                    } catch (ApiProblem problem) {
                        m.discard();
                        door.refused(Door.HTTP.label(), problem);
                        g.writeNumberField("status", problem.status);
                        g.writeFieldName("error");
                        ApiResponses.writeProblem(g, problem, null);
                    }
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        ApiResponses.send(resp, 200, "application/json", answer.toByteArray());
    }

    /** A batch may hold up to four times the largest message. */
    private long maxBatchRequest() {
        return door.maxJsonRequest() * 4;
    }

    private static void discard(List<Object> items) {
        for (Object o : items) {
            if (o instanceof MessageRequest m) {
                m.discard();
            }
        }
    }

    private void raw(HttpServletRequest req, HttpServletResponse resp, ApiKey key, InputStream body,
            IntFunction<String> queueIds) throws ApiProblem, IOException {
        String type = req.getContentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("message/rfc822")) {
            throw new ApiProblem(415, "unsupported-media-type", "The body must be a message", "Content-Type must be"
                    + " message/rfc822, not " + type, List.of(), "5.6.0", 0);
        }
        door.takeRate(key, 1, resp);
        List<String> rcptTo = new ArrayList<>();
        for (String h : Collections.list(req.getHeaders("Rcpt-To"))) {
            rcptTo.addAll(MessageJson.splitAddressList(h));
        }
        RawSend.Result r = new RawSend(door).send(req, key, body, req.getHeader("Mail-From"), rcptTo,
                queueIds == null ? null : queueIds.apply(0), false);
        resp.setHeader("Location", req.getContextPath() + "/api/v1/messages/" + r.queueId());
        try (JsonGenerator g = ApiResponses.json(resp, 202, "application/json")) {
            ApiResponses.writeSent(g, new ApiSender.Sent(r.queueId(), r.messageId(), door.clock.instant(), r.accepted(),
                    r.rejected(), null));
        }
    }

    private void status(HttpServletResponse resp, ApiKey key, String id) throws ApiProblem, IOException {
        if (!id.matches("[0-9A-Z]{1,32}")) {
            throw new ApiProblem(404, "not-found", "No such message", "'" + id + "' is not a message id", List.of(),
                    "5.5.1", 0);
        }
        List<MailQueueAdmin.Found> queued;
        try {
            queued = door.queues == null ? List.of() : door.queues.find(id);
        } catch (Exception e) {
            throw new ApiProblem(503, "queue-unavailable", "The queue cannot be read now", e.toString(), List.of(),
                    "4.3.0", 30);
        }
        List<DeliveryEvents.Event> events = door.events == null ? List.of() : door.events.find(id);
        // a report that came back later to another hub does not know the key: it neither proves nor denies
        boolean mine = queued.stream().allMatch(f -> key.name().equals(f.principal()))
                && events.stream().allMatch(e -> e.principal() == null && e.event().equals("returned")
                        || key.name().equals(e.principal()))
                && (!queued.isEmpty() || events.stream().anyMatch(e -> key.name().equals(e.principal())));
        if ((queued.isEmpty() && events.isEmpty()) || !mine) {
            throw new ApiProblem(404, "not-found", "No such message", "no message " + id + " of API key " + key.name()
                    + " is queued or in the delivery log", List.of(), "5.5.1", 0);
        }
        try (JsonGenerator g = ApiResponses.json(resp, 200, "application/json")) {
            g.writeStartObject();
            g.writeStringField("id", id);
            g.writeStringField("state", state(queued, events));
            g.writeArrayFieldStart("queued");
            for (MailQueueAdmin.Found f : queued) {
                g.writeStartObject();
                g.writeStringField("queue", f.queue());
                g.writeStringField("state", f.state());
                g.writeNumberField("attempts", f.attempt());
                if (f.nextAttempt() != null) {
                    g.writeStringField("next_attempt", f.nextAttempt().toString());
                }
                g.writeArrayFieldStart("recipients");
                for (String r : f.recipients()) {
                    g.writeString(r);
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("events");
            for (DeliveryEvents.Event e : events) {
                g.writeStartObject();
                g.writeStringField("time", e.time().toString());
                g.writeStringField("event", e.event());
                g.writeStringField("recipient", e.recipient());
                g.writeStringField("status", e.status());
                g.writeStringField("reply", e.reply());
                if (e.remoteMta() != null) {
                    g.writeStringField("remote_mta", e.remoteMta());
                }
                if (e.event().equals("returned")) { // a report after delivery: no attempt of ours
                    g.writeStringField("action", String.valueOf(e.details().get("action")));
                } else {
                    g.writeNumberField("attempt", e.attempt());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    /** One word for where the message is: queued, deferred, held, dead, delivered, failed or partly delivered. */
    static String state(List<MailQueueAdmin.Found> queued, List<DeliveryEvents.Event> events) {
        for (MailQueueAdmin.Found f : queued) {
            switch (f.queue()) {
                case "mail.hold" -> {
                    return "held";
                }
                case "mail.dead" -> {
                    return "dead";
                }
                case "mail.outbound" -> {
                    return "deferred";
                }
                default -> {
                    // keep looking: mail.incoming or mail.bounce
                }
            }
        }
        if (!queued.isEmpty()) {
            return queued.stream().anyMatch(f -> f.queue().equals("mail.incoming")) ? "queued" : "failed";
        }
        Map<String, String> last = new LinkedHashMap<>();
        // a failure reported later (a bounce to the return path) overrides the delivery before it
        events.forEach(e -> last.put(e.recipient(), e.event().equals("returned")
                ? (e.status().startsWith("5") ? "failed" : last.getOrDefault(e.recipient(), "delivered"))
                : e.event()));
        boolean anyDelivered = last.containsValue("delivered");
        boolean anyFailed = last.containsValue("failed");
        return anyDelivered && anyFailed ? "partly delivered" : anyDelivered ? "delivered" : anyFailed ? "failed"
                : "deferred";
    }
}
