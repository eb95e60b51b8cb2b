package io.mailhub.bounce;

import io.mailhub.model.BodyType;
import io.mailhub.model.Envelope;
import io.mailhub.model.Recipient;
import java.time.Instant;
import java.util.List;

/**
 * What {@link DsnComposer#compose} wrote.
 *
 * @param size octets written, never more than the composer's size limit
 * @param returned how much of the original is attached
 * @param eightBitMime whether the notice contains 8-bit octets (an 8-bit original, or a
 *     {@code message/global-delivery-status} part): send it with {@code BODY=8BITMIME}
 * @param smtputf8 whether the notice's own recipient (the original sender) needs SMTPUTF8 (RFC 6531)
 * @param messageId the Message-ID, with angle brackets
 */
public record DsnResult(long size, ReturnedContent returned, boolean eightBitMime, boolean smtputf8, String messageId) {

    public BodyType body() {
        return eightBitMime ? BodyType.EIGHT_BIT_MIME : BodyType.SEVEN_BIT;
    }

    /**
     * The envelope to queue the notice with: from the null sender {@code <>} (RFC 3461 section 6.2, so a failing
     * notice is never bounced again), to the original sender, with this notice's body type, SMTPUTF8 flag and size.
     *
     * @param original the envelope of the message the notice is about
     * @param queueId the notice's own queue id
     * @param arrival when the notice is queued
     */
    public Envelope envelope(Envelope original, String queueId, Instant arrival) {
        if (original.isNullSender()) {
            throw new IllegalArgumentException(original.queueId() + ": no notice is ever sent to the null sender <>");
        }
        return new Envelope(queueId, null, List.of(Recipient.of(original.sender())), null, null, body(), smtputf8,
                "bounce", null, null, arrival, size);
    }
}
