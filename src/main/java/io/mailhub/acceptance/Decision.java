package io.mailhub.acceptance;

import io.mailhub.model.SmtpReply;

/**
 * How acceptance ended: stored (with its queue id), or refused with the SMTP reply that says why. The reply is the
 * common language of all doors: an SMTP listener sends it, the HTTP API maps its code and enhanced status to an HTTP
 * status and a problem object, the pickup directory writes it to a {@code .reason} file.
 *
 * @param reply {@code 250 2.0.0 Ok: queued as ID} when stored, else the refusal (4xx temporary, 5xx permanent)
 * @param queueId the queue id when stored, else {@code null}
 * @param messageId the message's Message-ID (without angle brackets) when stored, else {@code null}
 * @param size the stored size in octets when stored, else -1
 * @param byRoute whether the refusal is a content verdict: the user's policy route, the virus scanner or the spam
 *     filter (the HTTP door answers 422 policy-rejected, not a sender or relay refusal)
 */
public record Decision(SmtpReply reply, String queueId, String messageId, long size, boolean byRoute) {

    public Decision(SmtpReply reply, String queueId, String messageId, long size) {
        this(reply, queueId, messageId, size, false);
    }

    public static Decision refused(SmtpReply reply) {
        return new Decision(reply, null, null, -1);
    }

    /** Refused by the policy route ({@code direct:policy}). */
    public static Decision refusedByRoute(SmtpReply reply) {
        return new Decision(reply, null, null, -1, true);
    }

    public boolean isAccepted() {
        return queueId != null;
    }
}
