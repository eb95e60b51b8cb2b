package io.mailhub.policy;

import io.mailhub.model.SmtpReply;
import java.util.Objects;

/**
 * A hook's answer: no opinion (ask the next hook), accept (stop asking), or reject with the reply to send. Whether a
 * rejection is temporary or permanent is the reply's code (4xx or 5xx).
 */
public record HookResult(Kind kind, SmtpReply reply) {

    public enum Kind {
        NEXT,
        ACCEPT,
        REJECT
    }

    private static final HookResult NEXT = new HookResult(Kind.NEXT, null);
    private static final HookResult ACCEPT = new HookResult(Kind.ACCEPT, null);

    public HookResult {
        if (kind == Kind.REJECT) {
            Objects.requireNonNull(reply, "a rejection needs its reply");
            if (reply.code() < 400) {
                throw new IllegalArgumentException("a rejection needs a 4xx or 5xx reply: " + reply);
            }
        }
    }

    public static HookResult next() {
        return NEXT;
    }

    public static HookResult accept() {
        return ACCEPT;
    }

    public static HookResult reject(SmtpReply reply) {
        return new HookResult(Kind.REJECT, reply);
    }

    public boolean isReject() {
        return kind == Kind.REJECT;
    }
}
