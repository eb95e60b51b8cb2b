package io.mailhub.policy;

/** Called once when a client connects, before the greeting. A rejection is sent instead of the greeting. */
public interface ConnectHook {
    HookResult connect(SessionFacts session);
}
