package io.mailhub.bounce;

import io.mailhub.model.DsnNotify;
import io.mailhub.model.Envelope;
import io.mailhub.model.RecipientOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Who gets a delivery status notification, by the RFC 3461 NOTIFY parameter of each recipient:
 *
 * <ul>
 *   <li>failed: unless NOTIFY was given without FAILURE (so NOTIFY=NEVER silences it); absent NOTIFY means FAILURE;
 *   <li>delayed: only with NOTIFY containing DELAY; absent NOTIFY gives a delay notice only when
 *       {@code delayNoticeWithoutNotify} is set (Postfix sends delay warnings only when configured to);
 *   <li>delivered, relayed, expanded: only with NOTIFY containing SUCCESS.
 * </ul>
 *
 * A message from the null sender {@code <>} never gets a notice: failed recipients make it a
 * {@link DsnDecision.Verdict#DOUBLE_BOUNCE}, anything else is {@link DsnDecision.Verdict#NOT_REQUESTED}. Whether a
 * delay notice is due at all (its timing) is the retry stage's business; this class only says who wants one.
 */
public final class NotifyRules {

    private final boolean delayNoticeWithoutNotify;

    /** @param delayNoticeWithoutNotify whether recipients that gave no NOTIFY get delay notices */
    public NotifyRules(boolean delayNoticeWithoutNotify) {
        this.delayNoticeWithoutNotify = delayNoticeWithoutNotify;
    }

    public DsnDecision decide(Envelope envelope, List<RecipientOutcome> outcomes) {
        if (envelope.isNullSender()) {
            List<RecipientOutcome> failed = new ArrayList<>();
            for (RecipientOutcome o : outcomes) {
                if (DsnAction.of(o.action()) == DsnAction.FAILED) {
                    failed.add(o);
                }
            }
            return failed.isEmpty() ? DsnDecision.notRequested() : DsnDecision.doubleBounce(failed);
        }
        List<RecipientOutcome> reported = new ArrayList<>();
        for (RecipientOutcome o : outcomes) {
            if (wantsNotice(o)) {
                reported.add(o);
            }
        }
        return reported.isEmpty() ? DsnDecision.notRequested() : DsnDecision.send(reported);
    }

    /** Whether the sender asked to hear about this outcome. */
    public boolean wantsNotice(RecipientOutcome outcome) {
        Set<DsnNotify> notify = outcome.recipient().notifyOn();
        return switch (DsnAction.of(outcome.action())) {
            case FAILED -> notify.isEmpty() || notify.contains(DsnNotify.FAILURE);
            case DELAYED -> notify.isEmpty() ? delayNoticeWithoutNotify : notify.contains(DsnNotify.DELAY);
            case DELIVERED, RELAYED, EXPANDED -> notify.contains(DsnNotify.SUCCESS);
        };
    }
}
