package io.mailhub.policy;

import io.mailhub.model.MailAddress;

/** Called for MAIL FROM after its syntax and parameters were checked; {@code sender} is null for {@code <>}. */
public interface MailHook {
    HookResult mail(SessionFacts session, MailAddress sender);
}
