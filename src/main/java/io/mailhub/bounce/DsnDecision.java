package io.mailhub.bounce;

import io.mailhub.model.RecipientOutcome;
import java.util.List;
import java.util.Objects;

/**
 * What {@link NotifyRules} decided for one set of outcomes.
 *
 * @param verdict whether to send a notice, and if not, why
 * @param kind the kind of notice for {@link Verdict#SEND}, {@link DsnKind#FAILURE} for {@link Verdict#DOUBLE_BOUNCE},
 *     {@code null} for {@link Verdict#NOT_REQUESTED}
 * @param reported the outcomes to put in the notice ({@code SEND}) or to dead-letter ({@code DOUBLE_BOUNCE}); empty
 *     for {@code NOT_REQUESTED}
 */
public record DsnDecision(Verdict verdict, DsnKind kind, List<RecipientOutcome> reported) {

    public enum Verdict {
        /** Compose a notice of {@link #kind()} about {@link #reported()} and send it to the envelope sender. */
        SEND,
        /** Nobody asked for a notice (NOTIFY), or there is nothing to notify about: drop the outcomes. */
        NOT_REQUESTED,
        /**
         * The message came from the null sender {@code <>} (it is itself a notice) and could not be delivered: no
         * notice may be sent (RFC 3461 section 6.2, RFC 5321 section 4.5.5); the caller logs it and moves it to
         * {@code mail.dead}, as Postfix hands double bounces to the postmaster.
         */
        DOUBLE_BOUNCE
    }

    public DsnDecision {
        Objects.requireNonNull(verdict, "verdict");
        reported = List.copyOf(reported);
    }

    static DsnDecision send(List<RecipientOutcome> reported) {
        return new DsnDecision(Verdict.SEND, DsnKind.of(reported), reported);
    }

    static DsnDecision notRequested() {
        return new DsnDecision(Verdict.NOT_REQUESTED, null, List.of());
    }

    static DsnDecision doubleBounce(List<RecipientOutcome> failed) {
        return new DsnDecision(Verdict.DOUBLE_BOUNCE, DsnKind.FAILURE, failed);
    }

    public boolean shouldSend() {
        return verdict == Verdict.SEND;
    }
}
