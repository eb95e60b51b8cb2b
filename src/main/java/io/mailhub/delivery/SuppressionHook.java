package io.mailhub.delivery;

import io.mailhub.model.MailAddress;
import io.mailhub.model.Recipient;
import io.mailhub.model.SmtpReply;
import io.mailhub.policy.HookResult;
import io.mailhub.policy.RcptHook;
import io.mailhub.policy.SessionFacts;

/**
 * Refuses a suppressed recipient ({@link Suppressions}) of mail through a door the list covers, with {@code 550} and
 * the suppression's status: the HTTP API lists it under {@code rejected}, SMTP hears it at RCPT.
 */
public final class SuppressionHook implements RcptHook {

    /** What every reply of the hook says, so that a door can tell a suppression from other refusals. */
    public static final String MARKER = "Recipient address suppressed";

    private final Suppressions suppressions;
    private final SuppressionSettings.Scope scope;

    public SuppressionHook(Suppressions suppressions, SuppressionSettings.Scope scope) {
        this.suppressions = suppressions;
        this.scope = scope;
    }

    @Override
    public io.mailhub.policy.HookResult rcpt(SessionFacts session, MailAddress sender, Recipient recipient) {
        if (!scope.covers(session.doorLabel())) {
            return HookResult.next();
        }
        Suppressions.Suppression s = suppressions.of(recipient.address());
        return s == null ? HookResult.next() : HookResult.reject(SmtpReply.of(550, s.status(), s.replyText()));
    }
}
