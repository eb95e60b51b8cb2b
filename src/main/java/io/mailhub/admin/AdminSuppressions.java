package io.mailhub.admin;

import static io.mailhub.admin.AdminHttp.JSON;
import static io.mailhub.admin.AdminHttp.body;
import static io.mailhub.admin.AdminHttp.require;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mailhub.admin.AdminHttp.Problem;
import io.mailhub.delivery.Suppressions;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code /admin/v1/suppressions}: list (viewer), add and remove an address (operator), every change audited. */
final class AdminSuppressions {

    private static final Logger LOG = LoggerFactory.getLogger("io.mailhub.admin");

    private final Suppressions suppressions;
    private final AdminWrites writes;

    /** @param suppressions the suppressed recipients, or {@code null}: every call is a 404 */
    AdminSuppressions(Suppressions suppressions, AdminWrites writes) {
        this.suppressions = suppressions;
        this.writes = writes;
    }

    Object handle(HttpServletRequest req, AdminUsers.AdminUser user, String method, String[] p) throws Exception {
        if (suppressions == null) {
            throw new Problem(404, "not-found", "this hub keeps no suppression list");
        }
        if (method.equals("GET") && p.length == 1) {
            ObjectNode out = JSON.createObjectNode();
            ArrayNode list = out.putArray("suppressions");
            for (Suppressions.Suppression s : suppressions.list()) {
                json(list.addObject(), s);
            }
            return out;
        }
        if (method.equals("POST") && p.length == 1) {
            require(user, Role.OPERATOR);
            JsonNode body = body(req);
            String reason = AdminHttp.reason(body, "a suppression");
            Suppressions.Suppression s = suppressions.add(body.path("address").asText(""), reason, user.name());
            writes.record(user, req, "admin_suppress", Map.of("address", s.address()), false, reason, "ok", 1, 1,
                    Map.of());
            LOG.info("admin suppress {} by {} (reason: {})", s.address(), user.name(), reason);
            return json(JSON.createObjectNode(), s);
        }
        if (method.equals("DELETE") && p.length == 2) {
            require(user, Role.OPERATOR);
            String reason = req.getParameter("reason") == null ? "(none given)" : req.getParameter("reason");
            String address = p[1]; // the path info is decoded already; a '+' stays a '+'
            Suppressions.Suppression s = suppressions.remove(address);
            writes.record(user, req, "admin_unsuppress", Map.of("address", address), false, reason,
                    s == null ? "not suppressed" : "ok", s == null ? 0 : 1, s == null ? 0 : 1, Map.of());
            if (s == null) {
                throw new Problem(404, "not-found", address + " is not suppressed");
            }
            LOG.info("admin unsuppress {} by {}", s.address(), user.name());
            return JSON.createObjectNode().put("address", s.address()).put("removed", true);
        }
        throw new Problem(405, "method-not-allowed", method + " is not allowed here");
    }

    private static ObjectNode json(ObjectNode n, Suppressions.Suppression s) {
        n.put("address", s.address()).put("reason", s.reason()).put("status", s.status()).put("detail", s.detail())
                .put("since", s.since().toString()).put("by", s.by());
        if (s.until() != null) {
            n.put("until", s.until().toString());
        }
        return n;
    }
}
