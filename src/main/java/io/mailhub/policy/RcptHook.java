package io.mailhub.policy;

import io.mailhub.model.MailAddress;
import io.mailhub.model.Recipient;

/** Called for each RCPT TO after MAIL was accepted; {@code sender} is null for {@code <>}. */
public interface RcptHook {
    HookResult rcpt(SessionFacts session, MailAddress sender, Recipient recipient);
}
