package io.mailhub.admin;

import static io.mailhub.admin.AdminHttp.problem;
import static io.mailhub.admin.AdminHttp.require;
import static io.mailhub.admin.AdminHttp.send;

import io.mailhub.admin.AdminHttp.Problem;
import io.mailhub.delivery.DeliveryEvents;
import io.mailhub.delivery.Suspensions;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /admin/v1}: the queue administration API (HTTP Basic with the admin users file; roles viewer, operator,
 * admin). Reads: {@code GET /queues} (summary and qshape), {@code GET /messages} (filter and paging),
 * {@code GET /messages/{id}}, {@code GET /messages/{id}/raw} (admin role, audited), {@code GET /suspensions}.
 * Actions (operator): {@code POST /actions/{flush|hold|release|delete|requeue-dead|bounce|reroute}} with
 * {@code {"filter":{...},"all":bool,"dry_run":bool,"reason":"...","next_hop":"..."}},
 * {@code POST /messages/{id}/{action}}, {@code POST /suspensions} ({@code {"domain","duration","reason"}}) and
 * {@code DELETE /suspensions/{domain}} (resume, and retry its deferred mail now); {@code GET /suppressions}, {@code POST
 * /suppressions} ({@code {"address","reason"}}) and {@code DELETE /suppressions/{address}}. Every action is written to the audit
 * log before the answer. Errors are RFC 9457 problem objects.
 */
public final class AdminApiServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger("io.mailhub.admin");

    private final transient AdminUsers users;
    private final transient AdminReads reads;
    private final transient AdminWrites writes;
    private final transient AdminSuspensions suspended;
    private final transient AdminSuppressions suppressed;

    /**
     * @param users the admin users, or {@code null}: every call is refused (no {@code mailhub.admin.users-file})
     * @param suspensions the suspended destinations, or {@code null}: suspend and resume are not offered
     */
    public AdminApiServlet(AdminUsers users, QueueView view, QueueActions actions, AuditLog audit,
            DeliveryEvents events, Suspensions suspensions) {
        this(users, view, actions, audit, events, suspensions, null);
    }

    /** @param suppressions the suppressed recipients, or {@code null}: the suppression list is not offered */
    public AdminApiServlet(AdminUsers users, QueueView view, QueueActions actions, AuditLog audit,
            DeliveryEvents events, Suspensions suspensions, io.mailhub.delivery.Suppressions suppressions) {
        this.users = users;
        this.reads = new AdminReads(view, events);
        this.writes = new AdminWrites(view, actions, audit, events, reads);
        this.suspended = new AdminSuspensions(suspensions, actions, writes);
        this.suppressed = new AdminSuppressions(suppressions, writes);
    }

    public AdminApiServlet(AdminUsers users, QueueView view, QueueActions actions, AuditLog audit,
            DeliveryEvents events) {
        this(users, view, actions, audit, events, null);
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getPathInfo() == null ? "/" : req.getPathInfo();
        try {
            AdminUsers.AdminUser user = authenticate(req);
            Object answer = route(req, path, user);
            if (answer instanceof AdminWrites.RawMessage raw) {
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
        } catch (io.mailhub.queue.LargeBodyCheck.CutShort e) { // read or edited: such a message stays where it is
            problem(resp, new Problem(409, "body-cut-short", e.getMessage() + "; the message stays where it was"),
                    req.getRequestURI());
        } catch (Exception e) {
            LOG.error("admin API {} {} failed", req.getMethod(), path, e);
            problem(resp, new Problem(500, "internal-error", e.toString()), req.getRequestURI());
        }
    }

    private Object route(HttpServletRequest req, String path, AdminUsers.AdminUser user) throws Exception {
        String[] p = path.substring(1).split("/", -1);
        String method = req.getMethod();
        if (method.equals("GET") && path.equals("/queues")) {
            return reads.summary(req);
        }
        if (method.equals("GET") && path.equals("/messages")) {
            return reads.list(req);
        }
        if (method.equals("GET") && p.length == 2 && p[0].equals("messages")) {
            return reads.inspect(p[1]);
        }
        if (method.equals("GET") && p.length == 3 && p[0].equals("messages") && p[2].equals("raw")) {
            require(user, Role.ADMIN);
            return writes.raw(req, user, p[1]);
        }
        if (p[0].equals("suspensions")) {
            return suspended.handle(req, user, method, p);
        }
        if (p[0].equals("suppressions")) {
            return suppressed.handle(req, user, method, p);
        }
        if (method.equals("POST") && p.length == 2 && p[0].equals("actions")) {
            require(user, Role.OPERATOR);
            return writes.bulk(req, user, p[1]);
        }
        if (method.equals("POST") && p.length == 3 && p[0].equals("messages")) {
            require(user, Role.OPERATOR);
            return writes.single(req, user, p[1], p[2]);
        }
        boolean known = path.equals("/queues") || path.equals("/messages") || p[0].equals("messages")
                || p[0].equals("actions") || p[0].equals("suspensions") || p[0].equals("suppressions");
        throw known ? new Problem(405, "method-not-allowed", method + " is not allowed on " + path)
                : new Problem(404, "not-found", "no admin resource " + path);
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
}
