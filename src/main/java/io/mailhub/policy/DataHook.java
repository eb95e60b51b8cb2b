package io.mailhub.policy;

import io.mailhub.model.Envelope;

/** Called at the end of DATA (or the last BDAT chunk), after the content passed its checks and before it is queued. */
public interface DataHook {
    HookResult data(SessionFacts session, Envelope envelope);
}
