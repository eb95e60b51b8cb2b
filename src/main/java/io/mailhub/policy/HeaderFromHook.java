package io.mailhub.policy;

import java.util.List;

/** Called at end of data with the addresses of the message's From: header field (lower-case domains). */
public interface HeaderFromHook {
    HookResult headerFrom(SessionFacts session, List<String> fromAddresses);
}
