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

/** {@code /admin/v1/suspensions}: list, suspend (operator) and resume (operator, then retry the domain's mail now). */
final class AdminSuspensions {

    private static final Logger LOG = LoggerFactory.getLogger("io.mailhub.admin");

    private final Suspensions suspensions;
    private final QueueActions actions;
    private final AdminWrites writes;

    /** @param suspensions the suspended destinations, or {@code null}: every call is a 404 */
    AdminSuspensions(Suspensions suspensions, QueueActions actions, AdminWrites writes) {
        this.suspensions = suspensions;
        this.actions = actions;
        this.writes = writes;
    }

    Object handle(HttpServletRequest req, AdminUsers.AdminUser user, String method, String[] p)
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
            String reason = AdminHttp.reason(body, "a suspension");
            java.time.Duration time;
            try {
                time = io.mailhub.model.DurationText.parse(body.path("duration").asText("1h"));
            } catch (io.mailhub.model.SyntaxException e) {
                throw new IllegalArgumentException("duration: " + e.getMessage());
            }
            Suspensions.Suspension s = suspensions.suspend(body.path("domain").asText(""), time, reason, user.name());
            writes.record(user, req, "admin_suspend", Map.of("domain", s.domain()), false, reason, "ok", 0, 0,
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
                writes.record(user, req, "admin_resume", Map.of("domain", p[1]), false, reason, "not suspended", 0, 0,
                        Map.of());
                throw new Problem(404, "not-found", p[1] + " is not suspended");
            }
            MailFilter domain = MailFilter.of(k -> k.equals("domain") ? s.domain() : null);
            QueueActions.Result flushed = actions.run(QueueActions.Kind.FLUSH, domain, false);
            writes.record(user, req, "admin_resume", Map.of("domain", s.domain()), false, reason, "ok", flushed.matched(),
                    flushed.affected(), Map.of());
            LOG.info("admin resume {} by {}: {} deferred message(s) retried now", s.domain(), user.name(),
                    flushed.affected());
            return JSON.createObjectNode().put("domain", s.domain()).put("resumed", true)
                    .put("retried", flushed.affected());
        }
        throw new Problem(405, "method-not-allowed", method + " is not allowed here");
    }
}
