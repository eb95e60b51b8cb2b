package io.mailhub.queue;

import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageFormatException;

/**
 * Whether a large message's body was read whole. Artemis writes a large message's body in chunks to a file of its own
 * and records the length its producer sent ({@code _AMQ_LARGE_SIZE}); when it could not write a chunk (a full disk),
 * it may have stored the message all the same, with a shorter body (ADR 0032). Such a message must fail where it is
 * read, never go on as mail cut short.
 */
public final class LargeBodyCheck {

    /** Artemis' record of the body length the producer sent ({@code Message.HDR_LARGE_BODY_SIZE}). */
    public static final String SENT_LENGTH = "_AMQ_LARGE_SIZE";

    /** A large body the broker holds cut short. */
    public static final class CutShort extends MessageFormatException {
        private static final long serialVersionUID = 1L;

        CutShort(String reason) {
            super(reason);
        }
    }

    private LargeBodyCheck() {}

    /**
     * @param read the octets of the body read to its end
     * @throws CutShort when they are fewer than the producer sent
     */
    public static void verify(Message message, long read) throws JMSException {
        if (!message.propertyExists(SENT_LENGTH)) {
            return; // not a large message, or one the broker made large itself
        }
        long sent = message.getLongProperty(SENT_LENGTH);
        if (read < sent) {
            throw new CutShort("body cut short: the broker holds " + read + " of the " + sent
                    + " octets sent (it failed to write the rest, such as on a full disk)");
        }
    }
}
