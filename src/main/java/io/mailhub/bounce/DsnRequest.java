package io.mailhub.bounce;

import io.mailhub.model.Envelope;
import io.mailhub.model.RecipientOutcome;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Everything one notice is made of.
 *
 * @param envelope the original message's envelope; its sender receives the notice and must not be {@code <>}
 * @param outcomes the recipients to report, usually {@link DsnDecision#reported()}
 * @param original the original message
 * @param lastAttempt when delivery was last attempted ({@code Last-Attempt-Date}); {@code null} means now
 * @param willRetryUntil when retries end ({@code Will-Retry-Until} of delayed recipients), or {@code null} if unknown
 */
public record DsnRequest(
        Envelope envelope,
        List<RecipientOutcome> outcomes,
        OriginalMessage original,
        Instant lastAttempt,
        Instant willRetryUntil) {

    public DsnRequest {
        Objects.requireNonNull(envelope, "envelope");
        Objects.requireNonNull(original, "original");
        if (envelope.isNullSender()) {
            throw new IllegalArgumentException(envelope.queueId() + ": no notice is ever sent to the null sender <>");
        }
        outcomes = List.copyOf(outcomes);
        if (outcomes.isEmpty()) {
            throw new IllegalArgumentException(envelope.queueId() + ": a notice needs at least one recipient");
        }
    }

    public static DsnRequest of(Envelope envelope, List<RecipientOutcome> outcomes, OriginalMessage original) {
        return new DsnRequest(envelope, outcomes, original, null, null);
    }

    public DsnRequest withLastAttempt(Instant when) {
        return new DsnRequest(envelope, outcomes, original, when, willRetryUntil);
    }

    public DsnRequest withWillRetryUntil(Instant when) {
        return new DsnRequest(envelope, outcomes, original, lastAttempt, when);
    }
}
