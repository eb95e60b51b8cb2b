package io.mailhub.ingress.http;

import io.mailhub.model.SmtpReply;
import java.util.List;

/**
 * The API's refusals that come from the acceptance stage, mapped from the SMTP reply it gave: the same reason, the
 * same enhanced status code, an HTTP status a client library understands.
 */
final class Problems {

    private Problems() {}

    static ApiProblem fromReply(SmtpReply reply, String field) {
        ApiProblem p = mapped(reply, field);
        p.replyCode = reply.code();
        return p;
    }

    private static ApiProblem mapped(SmtpReply reply, String field) {
        String status = reply.status() == null ? (reply.code() / 100 == 4 ? "4.0.0" : "5.0.0") : reply.status();
        String text = String.join(" ", reply.lines());
        List<ApiProblem.FieldError> errors = field == null ? List.of() : List.of(new ApiProblem.FieldError(field, text));
        if (reply.code() / 100 == 4) {
            if (status.equals("4.7.1")) {
                return new ApiProblem(429, "rate-limited", "Too many messages", text, errors, status, 60);
            }
            if (status.equals("4.3.1")) {
                return new ApiProblem(503, "insufficient-storage", "The hub is short of disk space", text, errors,
                        status, 60);
            }
            return new ApiProblem(503, status.startsWith("4.3") ? "queue-unavailable" : "temporary-failure",
                    "Try again later", text, errors, status, 30);
        }
        if (text.contains(io.mailhub.delivery.SuppressionHook.MARKER)) {
            return ApiProblem.unprocessable("recipients-suppressed", "Every recipient is suppressed", text, errors,
                    status);
        }
        if (status.startsWith("5.7.")) {
            return new ApiProblem(403, "sender-not-allowed", "The sender is not allowed", text, errors, status, 0); // replyCode set by fromReply
        }
        if (status.equals("5.3.4")) {
            return new ApiProblem(413, "message-too-big", "The message is too big", text, errors, status, 0);
        }
        if (status.equals("5.4.6")) {
            return ApiProblem.unprocessable("mail-loop", "The message loops", text, errors, status);
        }
        if (status.startsWith("5.6.")) {
            return ApiProblem.unprocessable("content-refused", "The content cannot be sent", text, errors, status);
        }
        if (status.startsWith("5.1.")) {
            return ApiProblem.unprocessable("recipients-rejected", "No recipient can be used", text, errors, status);
        }
        return ApiProblem.unprocessable("policy-rejected", "The message was refused", text, errors, status);
    }

    /**
     * A refusal of the user's policy route: 422 {@code policy-rejected} with the route's enhanced code and text for a
     * permanent one (whatever its class: the route's rule, not the hub's sender rules, refused it), a temporary one as
     * any other.
     */
    static ApiProblem fromRoute(SmtpReply reply) {
        if (reply.code() / 100 == 4) {
            return fromReply(reply, null);
        }
        ApiProblem p = ApiProblem.unprocessable("policy-rejected", "The message was refused by policy",
                String.join(" ", reply.lines()), List.of(), reply.status() == null ? "5.7.1" : reply.status());
        p.replyCode = reply.code();
        return p;
    }

    /** The problem for a refused decision of the acceptance stage. */
    static ApiProblem fromDecision(io.mailhub.acceptance.Decision d) {
        ApiProblem p = d.byRoute() ? fromRoute(d.reply()) : fromReply(d.reply(), null);
        p.counted = true; // MailAcceptance counted its decision
        return p;
    }

    static ApiProblem unavailable(SmtpReply reply) {
        return fromReply(reply, null);
    }
}
