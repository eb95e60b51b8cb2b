package io.mailhub.admin;

import static io.mailhub.admin.AdminHttp.JSON;
import static io.mailhub.admin.AdminHttp.body;
import static io.mailhub.admin.AdminHttp.number;
import static io.mailhub.admin.AdminHttp.require;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mailhub.delivery.DeliveryEvents;
import io.mailhub.delivery.Suspensions;
import io.mailhub.queue.QueuedMail;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.mailhub.admin.AdminHttp.Problem;

/**
 * The admin API's actions (operator role): on a filter or one message, each written to the audit log before the
 * answer, with per-message events; and the raw message (admin role), audited too.
 */
final class AdminWrites {

    private static final Logger LOG = LoggerFactory.getLogger("io.mailhub.admin");

    private final QueueView view;
    private final QueueActions actions;
    private final AuditLog audit;
    private final DeliveryEvents events;
    private final AdminReads reads;

    AdminWrites(QueueView view, QueueActions actions, AuditLog audit, DeliveryEvents events, AdminReads reads) {
        this.view = view;
        this.actions = actions;
        this.audit = audit;
        this.events = events;
        this.reads = reads;
    }

    ObjectNode bulk(HttpServletRequest req, AdminUsers.AdminUser user, String name) throws Exception {
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
        reads.checkQueue(filter);
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

    ObjectNode single(HttpServletRequest req, AdminUsers.AdminUser user, String queueId, String name)
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

    void record(AdminUsers.AdminUser user, HttpServletRequest req, String action, Object filter,
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

    RawMessage raw(HttpServletRequest req, AdminUsers.AdminUser user, String queueId) throws Exception {
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
    record RawMessage(byte[] bytes) {}
}
