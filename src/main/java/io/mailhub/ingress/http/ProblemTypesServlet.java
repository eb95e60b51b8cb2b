package io.mailhub.ingress.http;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;

/** {@code GET /problems/TYPE}: what a problem type means, so that the {@code type} of every problem object resolves. */
final class ProblemTypesServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;

    static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("invalid-request", "The request is malformed: not JSON, a wrong type, an unknown field, bad base64."
                    + " The errors list names each field. Fix the request; do not retry it as it is."),
            Map.entry("invalid-address", "An address is not an email address (enhanced status 5.1.3)."),
            Map.entry("unauthorized", "No API key, or one the hub does not know (5.7.8)."),
            Map.entry("locked-out", "Too many failed authentications from this address; wait for Retry-After."),
            Map.entry("sender-not-allowed", "The key may not send as this From or envelope sender (5.7.1)."),
            Map.entry("scope-not-allowed", "The key may not use this feature (route, send_at)."),
            Map.entry("send-at-too-late", "send_at is more than 72 hours ahead (5.5.4)."),
            Map.entry("rate-limited", "The key has sent its messages per hour; wait for Retry-After (4.7.1)."),
            Map.entry("too-many-connections", "This address has mailhub.http.connections-per-client connections open"
                    + " already; reuse or close one, and retry after Retry-After (4.7.0)."),
            Map.entry("over-rate-limit", "The request makes more messages than the key may send in an hour; no wait"
                    + " helps: split it or raise the key's rate (5.5.3)."),
            Map.entry("message-too-big", "The message is larger than the key's or the hub's limit (5.3.4)."),
            Map.entry("missing-sender", "The message has no from."),
            Map.entry("no-recipients", "The message has no recipient (5.5.1)."),
            Map.entry("recipients-conflict", "recipients and to/cc/bcc cannot be combined."),
            Map.entry("empty-message", "The message has no text, html or template."),
            Map.entry("recipients-rejected", "Every recipient was refused by the policy; see errors."),
            Map.entry("recipients-suppressed", "Every recipient is on the suppression list (a hard bounce, or added by"
                    + " an operator); see errors."),
            Map.entry("mail-loop", "The message has made too many hops (5.4.6)."),
            Map.entry("content-refused", "The content cannot be sent as it is: NUL, a line too long (5.6.0, 5.3.4)."),
            Map.entry("line-too-long", "A line of a raw message is longer than the hub's per-line limit (5.3.4)."),
            Map.entry("policy-rejected", "The hub's policy refused the message; the detail says why."),
            Map.entry("template-not-found", "No such template in config/templates/."),
            Map.entry("template-error", "The template does not render with this model."),
            Map.entry("build-failed", "The message could not be built from the request."),
            Map.entry("queue-unavailable", "The queue cannot store mail right now; retry after Retry-After (4.3.0)."),
            Map.entry("insufficient-storage", "The hub is short of disk space; retry after Retry-After (4.3.1)."),
            Map.entry("temporary-failure", "A temporary failure; retry after Retry-After."),
            Map.entry("idempotency-key-reused", "The Idempotency-Key was used with a different request body."),
            Map.entry("idempotency-in-flight", "A request with this Idempotency-Key is still being processed."),
            Map.entry("batch-too-large", "A batch holds more than 500 messages."),
            Map.entry("not-found", "There is no such resource."),
            Map.entry("link-invalid", "An attachment link whose signature does not match its token and expiry (5.7.0):"
                    + " use the url of the webhook's JSON unchanged."),
            Map.entry("link-expired", "An attachment link past its expires_at (5.4.7); the attachment is deleted."),
            Map.entry("method-not-allowed", "The resource does not take this method."),
            Map.entry("unsupported-media-type", "The body must be of the media type the endpoint takes."),
            Map.entry("internal-error", "The hub failed; nothing was queued. The log has the details."));

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String type = req.getPathInfo() == null ? "" : req.getPathInfo().substring(1);
        String text = TYPES.get(type);
        if (text == null) {
            resp.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        resp.setContentType("text/plain; charset=utf-8");
        resp.getWriter().println(type + ": " + text);
    }
}
