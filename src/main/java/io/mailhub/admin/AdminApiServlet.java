package io.mailhub.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mailhub.delivery.DeliveryEvents;
import io.mailhub.delivery.Suspensions;
import io.mailhub.queue.QueuedMail;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /admin/v1}: the queue administration API (HTTP Basic with the admin users file; roles viewer, operator,
 * admin). Reads: {@code GET /queues} (summary and qshape), {@code GET /messages} (filter and paging),
 * {@code GET /messages/{id}}, {@code GET /messages/{id}/raw} (admin role, audited), {@code GET /suspensions}.
 * Actions (operator): {@code POST /actions/{flush|hold|release|delete|requeue-dead|bounce|reroute}} with
 * {@code {"filter":{...},"all":bool,"dry_run":bool,"reason":"...","next_hop":"..."}},
 * {@code POST /messages/{id}/{action}}, {@code POST /suspensions} ({@code {"domain","duration","reason"}}) and
 * {@code DELETE /suspensions/{domain}} (resume, and retry its deferred mail now). Every action is written to the audit
 * log before the answer. Errors are RFC 9457 problem objects.
 */
public final class AdminApiServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger("io.mailhub.admin");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY = 64 * 1024;

    private final transient AdminUsers users;
    private final transient QueueView view;
    private final transient QueueActions actions;
    private final transient AuditLog audit;
    private final transient DeliveryEvents events;
    private final transient Suspensions suspensions;

    /**
     * @param users the admin users, or {@code null}: every call is refused (no {@code mailhub.admin.users-file})
     * @param suspensions the suspended destinations, or {@code null}: suspend and resume are not offered
     */
    public AdminApiServlet(AdminUsers users, QueueView view, QueueActions actions, AuditLog audit,
            DeliveryEvents events, Suspensions suspensions) {
        this.users = users;
        this.view = view;
        this.actions = actions;
        this.audit = audit;
        this.events = events;
        this.suspensions = suspensions;
    }

    public AdminApiServlet(AdminUsers users, QueueView view, QueueActions actions, AuditLog audit,
            DeliveryEvents events) {
        this(users, view, actions, audit, events, null);
    }

    /** A refusal with its HTTP status. */
    static final class Problem extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;
        final String type;

        Problem(int status, String type, String detail) {
            super(detail);
            this.status = status;
            this.type = type;
        }
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getPathInfo() == null ? "/" : req.getPathInfo();
        try {
            AdminUsers.AdminUser user = authenticate(req);
            Object answer = route(req, path, user);
            if (answer instanceof RawMessage raw) {
                resp.setStatus(200);
                resp.setContentType("message/rfc822");
                resp.setHeader("Cache-Control", "no-store");
                resp.setContentLength(raw.bytes().length);
                resp.getOutputStream().write(raw.bytes());
                return;
            }
            send(resp, 200, answer);
        } catch (Problem p) {
            problem(resp, p, req.getRequestURI());
        } catch (IllegalArgumentException e) {
            problem(resp, new Problem(400, "invalid-request", e.getMessage()), req.getRequestURI());
        } catch (IllegalStateException e) {
            problem(resp, new Problem(503, "broker-unavailable", e.getMessage()), req.getRequestURI());
        } catch (Exception e) {
            LOG.error("admin API {} {} failed", req.getMethod(), path, e);
            problem(resp, new Problem(500, "internal-error", e.toString()), req.getRequestURI());
        }
    }

    private Object route(HttpServletRequest req, String path, AdminUsers.AdminUser user) throws Exception {
        String[] p = path.substring(1).split("/", -1);
        String method = req.getMethod();
        if (method.equals("GET") && path.equals("/queues")) {
            return summary(req);
        }
        if (method.equals("GET") && path.equals("/messages")) {
            return list(req);
        }
        if (method.equals("GET") && p.length == 2 && p[0].equals("messages")) {
            return inspect(p[1]);
        }
        if (method.equals("GET") && p.length == 3 && p[0].equals("messages") && p[2].equals("raw")) {
            require(user, Role.ADMIN);
            return raw(req, user, p[1]);
        }
        if (p[0].equals("suspensions")) {
            return suspensions(req, user, method, p);
        }
        if (method.equals("POST") && p.length == 2 && p[0].equals("actions")) {
            require(user, Role.OPERATOR);
            return bulk(req, user, p[1]);
        }
        if (method.equals("POST") && p.length == 3 && p[0].equals("messages")) {
            require(user, Role.OPERATOR);
            return single(req, user, p[1], p[2]);
        }
        boolean known = path.equals("/queues") || path.equals("/messages") || p[0].equals("messages")
                || p[0].equals("actions") || p[0].equals("suspensions");
        throw known ? new Problem(405, "method-not-allowed", method + " is not allowed on " + path)
                : new Problem(404, "not-found", "no admin resource " + path);
    }

    // ---- reads ----

    private ObjectNode summary(HttpServletRequest req) throws Exception {
        ObjectNode out = JSON.createObjectNode();
        ArrayNode queues = out.putArray("queues");
        for (QueueView.QueueSummary s : view.summary()) {
            ObjectNode q = queues.addObject();
            q.put("name", s.name());
            q.put("messages", s.messages());
            q.put("deferred", s.deferred());
            q.put("bytes", s.bytes());
            q.put("oldest_age_seconds", s.oldest().toSeconds());
        }
        String shaped = req.getParameter("shape") == null ? "mail.outbound" : req.getParameter("shape");
        if (!view.knows(shaped)) {
            throw new IllegalArgumentException("shape: unknown queue " + shaped);
        }
        QueueView.Shape shape = view.shape(shaped, 20);
        ObjectNode s = out.putObject("shape");
        s.put("queue", shape.queue());
        ArrayNode buckets = s.putArray("buckets");
        buckets.add("T");
        for (int b : QueueView.BUCKETS) {
            buckets.add(Integer.toString(b));
        }
        buckets.add(QueueView.BUCKETS[QueueView.BUCKETS.length - 1] + "+");
        ArrayNode domains = s.putArray("domains");
        shape.domains().forEach((d, counts) -> {
            ObjectNode row = domains.addObject();
            row.put("domain", d);
            ArrayNode c = row.putArray("counts");
            for (int n : counts) {
                c.add(n);
            }
        });
        return out;
    }

    private ObjectNode list(HttpServletRequest req) throws Exception {
        List<String> unknown = new ArrayList<>();
        for (String name : req.getParameterMap().keySet()) {
            if (!MailFilter.FIELDS.contains(name) && !name.equals("limit") && !name.equals("offset")) {
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown parameter(s) " + unknown + "; filters are "
                    + MailFilter.FIELDS + ", paging limit and offset");
        }
        MailFilter filter = MailFilter.of(req::getParameter);
        checkQueue(filter);
        int limit = number(req.getParameter("limit"), 100, 1, 10_000, "limit");
        int offset = number(req.getParameter("offset"), 0, 0, Integer.MAX_VALUE, "offset");
        List<QueuedMail> found = view.find(filter);
        ObjectNode out = JSON.createObjectNode();
        out.put("total", found.size());
        out.put("offset", offset);
        out.put("limit", limit);
        ArrayNode messages = out.putArray("messages");
        for (int i = offset; i < Math.min(found.size(), offset + limit); i++) {
            messages.add(postqueueJson(found.get(i)));
        }
        return out;
    }

    private ObjectNode inspect(String queueId) throws Exception {
        List<QueuedMail> parts = view.find(MailFilter.ALL.withQueueId(queueId));
        List<DeliveryEvents.Event> history = events == null ? List.of() : events.find(queueId);
        if (parts.isEmpty() && history.isEmpty()) {
            throw new Problem(404, "not-found", queueId + " is not queued and has no delivery events");
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("queue_id", queueId);
        ArrayNode queued = out.putArray("queued");
        parts.forEach(m -> queued.add(postqueueJson(m)));
        ArrayNode attempts = out.putArray("events");
        for (DeliveryEvents.Event e : history) {
            ObjectNode a = attempts.addObject();
            a.put("time", e.time().toString());
            a.put("event", e.event());
            a.put("recipient", e.recipient());
            a.put("status", e.status());
            a.put("attempt", e.attempt());
            a.put("reply", e.reply());
            if (e.remoteMta() != null) {
                a.put("remote_mta", e.remoteMta());
            }
        }
        return out;
    }

    /** One message with the field names of Postfix' {@code postqueue -j}, then Mailhub's own. */
    static ObjectNode postqueueJson(QueuedMail m) {
        ObjectNode o = JSON.createObjectNode();
        o.put("queue_name", m.queue());
        o.put("queue_id", m.queueId());
        if (m.arrival() != null) {
            o.put("arrival_time", m.arrival().getEpochSecond());
        }
        o.put("message_size", m.size());
        o.put("forced_expire", false);
        o.put("sender", m.sender());
        ArrayNode rcpts = o.putArray("recipients");
        String[] reasons = m.lastStatus().isEmpty() ? new String[0] : m.lastStatus().split("\n");
        for (int i = 0; i < m.recipients().size(); i++) {
            ObjectNode r = rcpts.addObject();
            r.put("address", m.recipients().get(i));
            if (i < reasons.length) {
                r.put("delay_reason", reasons[i]);
            }
        }
        o.put("state", m.state());
        o.put("attempts", m.attempt());
        if (m.nextAttempt() != null) {
            o.put("next_attempt", m.nextAttempt().toString());
        }
        putIf(o, "principal", m.principal());
        putIf(o, "door", m.door());
        putIf(o, "next_hop", m.nextHop());
        putIf(o, "dead_reason", m.deadReason());
        return o;
    }

    private static void putIf(ObjectNode o, String k, String v) {
        if (v != null) {
            o.put(k, v);
        }
    }

    // ---- actions ----

    private ObjectNode bulk(HttpServletRequest req, AdminUsers.AdminUser user, String name) throws Exception {
        QueueActions.Kind kind = QueueActions.Kind.parse(name);
        if (kind == null) {
            throw new Problem(404, "not-found", "no action " + name + "; actions are flush, hold, release, delete,"
                    + " requeue-dead, bounce, reroute");
        }
        JsonNode body = body(req);
        String reason = body.path("reason").asText("").strip();
        if (reason.isEmpty()) {
            throw new Problem(422, "reason-required", "a bulk action needs a reason (\"reason\": \"...\"): it goes to"
                    + " the audit log");
        }
        JsonNode f = body.path("filter");
        if (!f.isMissingNode() && !f.isObject()) {
            throw new IllegalArgumentException("filter must be an object");
        }
        List<String> unknown = new ArrayList<>();
        for (Iterator<String> it = f.fieldNames(); it.hasNext();) {
            String k = it.next();
            if (!MailFilter.FIELDS.contains(k)) {
                unknown.add(k);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown filter field(s) " + unknown + "; fields are " + MailFilter.FIELDS);
        }
        MailFilter filter = MailFilter.of(k -> f.hasNonNull(k) ? f.get(k).asText() : null);
        checkQueue(filter);
        boolean all = body.path("all").asBoolean(false);
        if (filter.isEmpty() && !all) {
            throw new Problem(422, "filter-required", "an empty filter means every message: send \"all\": true to"
                    + " mean it");
        }
        boolean dryRun = body.path("dry_run").asBoolean(false);
        return act(user, req, kind, filter, dryRun, reason, argument(kind, body, reason));
    }

    /** The bounce's reason (it goes into the DSN) or the reroute's checked next hop; {@code null} for the others. */
    private static String argument(QueueActions.Kind kind, JsonNode body, String reason) {
        return switch (kind) {
            case BOUNCE -> reason;
            case REROUTE -> MessageEdits.checkNextHop(body.path("next_hop").asText(""));
            default -> null;
        };
    }

    private ObjectNode single(HttpServletRequest req, AdminUsers.AdminUser user, String queueId, String name)
            throws Exception {
        QueueActions.Kind kind = QueueActions.Kind.parse(name.equals("retry") ? "flush" : name.equals("requeue")
                ? "requeue-dead" : name);
        if (kind == null) {
            throw new Problem(404, "not-found", "no action " + name + " on a message; actions are retry, hold,"
                    + " release, delete, requeue, bounce, reroute");
        }
        if (!queueId.matches("[0-9A-Z]{1,32}")) {
            throw new IllegalArgumentException("'" + queueId + "' is not a queue id");
        }
        JsonNode body = body(req);
        String reason = body.path("reason").asText("").strip();
        if (kind == QueueActions.Kind.BOUNCE && reason.isEmpty()) {
            throw new Problem(422, "reason-required", "a bounce needs a reason (\"reason\": \"...\"): the sender reads"
                    + " it in the notice");
        }
        ObjectNode out = act(user, req, kind, MailFilter.ALL.withQueueId(queueId), false,
                reason.isEmpty() ? "(none given)" : reason, argument(kind, body, reason));
        if (out.path("matched").asInt() == 0) {
            throw new Problem(404, "not-found", queueId + " is not in a queue that " + kind.label() + " applies to");
        }
        return out;
    }

    private ObjectNode act(AdminUsers.AdminUser user, HttpServletRequest req, QueueActions.Kind kind,
            MailFilter filter, boolean dryRun, String reason, String argument) throws Exception {
        QueueActions.Result r;
        String action = "admin_" + kind.label().replace('-', '_');
        Map<String, Object> extra = kind == QueueActions.Kind.REROUTE ? Map.of("next_hop", argument) : Map.of();
        try {
            r = actions.run(kind, filter, dryRun, argument);
        } catch (Exception e) {
            record(user, req, action, filter.describe(), dryRun, reason, "failed: " + e.getMessage(), 0, 0, extra);
            throw e;
        }
        record(user, req, action, filter.describe(), dryRun, reason, "ok", r.matched(), r.affected(), extra);
        if (events != null && !dryRun) {
            events.note(view.now(), null, "admin_" + kind.label().replace('-', '_'), Map.of("user", user.name(),
                    "filter", filter.describe(), "reason", reason, "count", r.matched(), "affected", r.affected()));
            String perMessage = switch (kind) {
                case HOLD -> "held";
                case RELEASE -> "released";
                case DELETE -> "deleted";
                case REQUEUE_DEAD -> "requeued";
                case REROUTE -> "rerouted";
                case FLUSH, BOUNCE -> null; // a bounce's notice is logged by the bounce stage ("bounced")
            };
            if (perMessage != null) {
                for (String id : r.allQueueIds()) {
                    events.note(view.now(), id, perMessage, Map.of("by", user.name(), "reason", reason));
                }
            }
        }
        LOG.info("admin {} by {}: {} matched, {} acted on{} (filter {}; reason: {})", kind.label(), user.name(),
                r.matched(), r.affected(), dryRun ? " (dry run)" : "", filter.describe(), reason);
        ObjectNode out = JSON.createObjectNode();
        out.put("action", r.action());
        out.put("dry_run", r.dryRun());
        out.put("matched", r.matched());
        out.put("affected", r.affected());
        out.set("filter", JSON.valueToTree(filter.describe()));
        out.set("by_queue", JSON.valueToTree(r.byQueue()));
        out.set("queue_ids", JSON.valueToTree(r.queueIds()));
        return out;
    }

    private void record(AdminUsers.AdminUser user, HttpServletRequest req, String action, Object filter,
            boolean dryRun, String reason, String result, int matched, int affected, Map<String, Object> extra)
            throws IOException {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("action", action);
        a.put("user", user.name());
        a.put("role", user.role().label());
        a.put("client", req.getRemoteAddr());
        a.put("filter", filter);
        a.put("dry_run", dryRun);
        a.put("reason", reason);
        a.put("result", result);
        a.put("count", matched);
        a.put("affected", affected);
        a.putAll(extra);
        audit.record(a);
    }

    // ---- the stored message (admin role; every read is audited) ----

    private RawMessage raw(HttpServletRequest req, AdminUsers.AdminUser user, String queueId) throws Exception {
        if (!queueId.matches("[0-9A-Z]{1,32}")) {
            throw new IllegalArgumentException("'" + queueId + "' is not a queue id");
        }
        String reason = req.getParameter("reason") == null ? "(none given)" : req.getParameter("reason");
        byte[] bytes;
        try {
            bytes = actions.raw(queueId);
        } catch (Exception e) {
            record(user, req, "admin_raw", Map.of("queue_id", queueId), false, reason, "failed: " + e.getMessage(), 0,
                    0, Map.of());
            throw e;
        }
        record(user, req, "admin_raw", Map.of("queue_id", queueId), false, reason, bytes == null ? "not queued" : "ok",
                bytes == null ? 0 : 1, 0, Map.of());
        if (bytes == null) {
            throw new Problem(404, "not-found", queueId + " is not queued");
        }
        LOG.info("admin raw {} read by {} (reason: {})", queueId, user.name(), reason);
        return new RawMessage(bytes);
    }

    /** An answer that is the message itself, not JSON. */
    private record RawMessage(byte[] bytes) {}

    // ---- suspended destinations ----

    private Object suspensions(HttpServletRequest req, AdminUsers.AdminUser user, String method, String[] p)
            throws Exception {
        if (suspensions == null) {
            throw new Problem(404, "not-found", "this hub does not suspend destinations");
        }
        if (method.equals("GET") && p.length == 1) {
            ObjectNode out = JSON.createObjectNode();
            ArrayNode list = out.putArray("suspensions");
            for (Suspensions.Suspension s : suspensions.list()) {
                list.addObject().put("domain", s.domain()).put("until", s.until().toString())
                        .put("reason", s.reason()).put("by", s.by());
            }
            return out;
        }
        if (method.equals("POST") && p.length == 1) {
            require(user, Role.OPERATOR);
            JsonNode body = body(req);
            String reason = body.path("reason").asText("").strip();
            if (reason.isEmpty()) {
                throw new Problem(422, "reason-required", "a suspension needs a reason (\"reason\": \"...\")");
            }
            java.time.Duration time;
            try {
                time = io.mailhub.model.DurationText.parse(body.path("duration").asText("1h"));
            } catch (io.mailhub.model.SyntaxException e) {
                throw new IllegalArgumentException("duration: " + e.getMessage());
            }
            Suspensions.Suspension s = suspensions.suspend(body.path("domain").asText(""), time, reason, user.name());
            record(user, req, "admin_suspend", Map.of("domain", s.domain()), false, reason, "ok", 0, 0,
                    Map.of("until", s.until().toString()));
            LOG.info("admin suspend {} until {} by {} (reason: {})", s.domain(), s.until(), user.name(), reason);
            return JSON.createObjectNode().put("domain", s.domain()).put("until", s.until().toString())
                    .put("reason", reason).put("by", user.name());
        }
        if (method.equals("DELETE") && p.length == 2) {
            require(user, Role.OPERATOR);
            String reason = req.getParameter("reason") == null ? "(none given)" : req.getParameter("reason");
            Suspensions.Suspension s = suspensions.resume(p[1]);
            if (s == null) {
                record(user, req, "admin_resume", Map.of("domain", p[1]), false, reason, "not suspended", 0, 0,
                        Map.of());
                throw new Problem(404, "not-found", p[1] + " is not suspended");
            }
            MailFilter domain = MailFilter.of(k -> k.equals("domain") ? s.domain() : null);
            QueueActions.Result flushed = actions.run(QueueActions.Kind.FLUSH, domain, false);
            record(user, req, "admin_resume", Map.of("domain", s.domain()), false, reason, "ok", flushed.matched(),
                    flushed.affected(), Map.of());
            LOG.info("admin resume {} by {}: {} deferred message(s) retried now", s.domain(), user.name(),
                    flushed.affected());
            return JSON.createObjectNode().put("domain", s.domain()).put("resumed", true)
                    .put("retried", flushed.affected());
        }
        throw new Problem(405, "method-not-allowed", method + " is not allowed here");
    }

    // ---- plumbing ----

    private AdminUsers.AdminUser authenticate(HttpServletRequest req) throws Problem {
        String header = req.getHeader("Authorization");
        if (users == null) {
            throw new Problem(401, "unauthorized", "the admin API is off: no mailhub.admin.users-file");
        }
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            throw new Problem(401, "unauthorized", "send an admin user's name and password (HTTP Basic)");
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new Problem(401, "unauthorized", "the Basic credentials are not base64");
        }
        int colon = decoded.indexOf(':');
        AdminUsers.AdminUser user = colon < 0 ? null
                : users.check(decoded.substring(0, colon), decoded.substring(colon + 1).toCharArray());
        if (user == null) {
            LOG.warn("[{}]: admin API authentication failed", req.getRemoteAddr());
            throw new Problem(401, "unauthorized", "wrong name or password");
        }
        return user;
    }

    private static void require(AdminUsers.AdminUser user, Role role) throws Problem {
        if (!user.role().allows(role)) {
            throw new Problem(403, "forbidden", user.name() + " is a " + user.role().label() + "; this needs the "
                    + role.label() + " role");
        }
    }

    private void checkQueue(MailFilter filter) {
        if (filter.queue() != null && !view.knows(filter.queue())) {
            throw new IllegalArgumentException("unknown queue " + filter.queue() + "; queues are " + view.queueNames());
        }
    }

    private static JsonNode body(HttpServletRequest req) throws IOException, Problem {
        byte[] bytes = req.getInputStream().readNBytes(MAX_BODY + 1);
        if (bytes.length > MAX_BODY) {
            throw new Problem(413, "request-too-large", "an admin request body is at most 64 KiB");
        }
        if (bytes.length == 0) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode n = JSON.readTree(bytes);
            if (n == null || !n.isObject()) {
                throw new Problem(400, "invalid-json", "the body must be a JSON object");
            }
            return n;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new Problem(400, "invalid-json", "the body is not JSON: " + e.getOriginalMessage());
        }
    }

    private static int number(String text, int otherwise, int min, int max, String name) {
        if (text == null || text.isBlank()) {
            return otherwise;
        }
        try {
            int n = Integer.parseInt(text.strip());
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number from " + min + " to " + max);
        }
    }

    private static void send(HttpServletResponse resp, int status, Object body) throws IOException {
        byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(body);
        resp.setStatus(status);
        resp.setContentType("application/json");
        resp.setHeader("Cache-Control", "no-store");
        resp.setContentLength(bytes.length);
        resp.getOutputStream().write(bytes);
    }

    private static void problem(HttpServletResponse resp, Problem p, String instance) throws IOException {
        if (p.status == 401) {
            resp.setHeader("WWW-Authenticate", "Basic realm=\"mailhub-admin\", charset=\"UTF-8\"");
        }
        ObjectNode o = JSON.createObjectNode();
        o.put("type", "/problems/" + p.type);
        o.put("title", p.type.replace('-', ' '));
        o.put("status", p.status);
        o.put("detail", p.getMessage());
        o.put("instance", instance);
        byte[] bytes = JSON.writeValueAsBytes(o);
        resp.setStatus(p.status);
        resp.setContentType("application/problem+json");
        resp.setHeader("Cache-Control", "no-store");
        resp.setContentLength(bytes.length);
        resp.getOutputStream().write(bytes);
    }
}
