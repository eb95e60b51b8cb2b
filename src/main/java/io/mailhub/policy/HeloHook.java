package io.mailhub.policy;

/** Called for HELO and EHLO, after connect and before any MAIL. */
public interface HeloHook {
    HookResult helo(SessionFacts session, String name);
}
