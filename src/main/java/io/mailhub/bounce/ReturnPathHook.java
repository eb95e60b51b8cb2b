package io.mailhub.bounce;

import io.mailhub.model.MailAddress;
import io.mailhub.model.Recipient;
import io.mailhub.model.SmtpReply;
import io.mailhub.policy.HookResult;
import io.mailhub.policy.RcptHook;
import io.mailhub.policy.SessionFacts;

/**
 * RCPT for the return path's domain, from any client: an address the hub gave out ({@link ReturnPath#queueIdOf}) is
 * accepted at once (no recipient table, suppression, greylisting or rate limit applies to a report coming back), any
 * other address of the domain is refused as an unknown user.
 */
public final class ReturnPathHook implements RcptHook {

    private final ReturnPath returnPath;

    public ReturnPathHook(ReturnPath returnPath) {
        this.returnPath = returnPath;
    }

    @Override
    public HookResult rcpt(SessionFacts session, MailAddress sender, Recipient recipient) {
        MailAddress a = recipient.address();
        if (!returnPath.isOurDomain(a)) {
            return HookResult.next();
        }
        return returnPath.queueIdOf(a) != null ? HookResult.accept()
                : HookResult.reject(SmtpReply.of(550, "5.1.1", "<" + a + ">: Recipient address rejected: User unknown"
                        + " (not a return path of this hub)"));
    }
}
