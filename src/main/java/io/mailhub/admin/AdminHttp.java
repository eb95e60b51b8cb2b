package io.mailhub.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** The admin API's HTTP plumbing: its refusals (RFC 9457 problems), JSON bodies in and out, roles, numbers. */
final class AdminHttp {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY = 64 * 1024;

    private AdminHttp() {}

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
    static void require(AdminUsers.AdminUser user, Role role) throws Problem {
        if (!user.role().allows(role)) {
            throw new Problem(403, "forbidden", user.name() + " is a " + user.role().label() + "; this needs the "
                    + role.label() + " role");
        }
    }
    static JsonNode body(HttpServletRequest req) throws IOException, Problem {
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
    /** The body's {@code reason}, stripped; a missing or blank one is a 422 saying what needs it ({@code what}). */
    static String reason(JsonNode body, String what) throws Problem {
        String reason = body.path("reason").asText("").strip();
        if (reason.isEmpty()) {
            throw new Problem(422, "reason-required", what + " needs a reason (\"reason\": \"...\")");
        }
        return reason;
    }

    static int number(String text, int otherwise, int min, int max, String name) {
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
    static void send(HttpServletResponse resp, int status, Object body) throws IOException {
        byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(body);
        resp.setStatus(status);
        resp.setContentType("application/json");
        resp.setHeader("Cache-Control", "no-store");
        resp.setContentLength(bytes.length);
        resp.getOutputStream().write(bytes);
    }
    static void problem(HttpServletResponse resp, Problem p, String instance) throws IOException {
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
