package io.mailhub.relay;

import io.mailhub.model.Recipient;
import io.mailhub.model.SmtpReply;

/**
 * The outcome for one recipient.
 *
 * @param recipient the recipient with its DSN parameters
 * @param status delivered, deferred or failed
 * @param reply the remote reply, or one we made up for a local failure (connection refused, timeout)
 * @param remoteMta the host that gave the reply, as {@code name[address]:port}, or {@code null} when none was reached
 * @param blame who the failure is attributed to
 * @param dsnRelayed whether the next hop took the DSN request along (it offered DSN); when false and the recipient
 *     asked for NOTIFY=SUCCESS, the bounce stage reports "relayed" (RFC 3461 section 4.1)
 */
public record RecipientResult(
        Recipient recipient, RecipientStatus status, SmtpReply reply, String remoteMta, Blame blame, boolean dsnRelayed) {

    /** The enhanced status code: the reply's own, or one derived from its class. */
    public String statusCode() {
        if (reply.status() != null) {
            return reply.status();
        }
        return switch (status) {
            case DELIVERED -> "2.0.0";
            case DEFERRED -> "4.0.0";
            case FAILED -> "5.0.0";
        };
    }
}
