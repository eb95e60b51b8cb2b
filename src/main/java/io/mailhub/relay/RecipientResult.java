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
 * @param nextHop the host tried for the recipient, with address and TLS, or {@code null} when no host was tried
 * @param times how long the parts of the attempt took; never {@code null}
 */
public record RecipientResult(Recipient recipient, RecipientStatus status, SmtpReply reply, String remoteMta,
        Blame blame, boolean dsnRelayed, NextHop nextHop, AttemptTimes times) {

    public RecipientResult {
        times = times == null ? AttemptTimes.NONE : times;
    }

    /** A result without next hop or times (no host tried). */
    public RecipientResult(
            Recipient recipient, RecipientStatus status, SmtpReply reply, String remoteMta, Blame blame, boolean dsnRelayed) {
        this(recipient, status, reply, remoteMta, blame, dsnRelayed, null, AttemptTimes.NONE);
    }

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

    /** The same recipient failed for good with {@code failure}, keeping where and how long the attempt went. */
    public RecipientResult failed(SmtpReply failure) {
        return new RecipientResult(recipient, RecipientStatus.FAILED, failure, remoteMta, blame, dsnRelayed, nextHop,
                times);
    }

    public RecipientResult with(NextHop hop, AttemptTimes t) {
        return new RecipientResult(recipient, status, reply, remoteMta, blame, dsnRelayed, hop, t);
    }

    public RecipientResult with(AttemptTimes t) {
        return with(nextHop, t);
    }
}
