package io.mailhub.queue;

import java.util.Map;
import io.mailhub.model.Envelope;
import io.mailhub.model.MessageContent;

/**
 * Where ingress hands accepted mail: the {@code mail.incoming} queue. Implementations must not return from
 * {@link #enqueue} before the message is durably stored, because the caller answers "250" when it returns.
 */
public interface MailQueue {

    /**
     * Stores the message durably in {@code mail.incoming}.
     *
     * @throws QueueException when the store is unavailable or full; nothing was stored
     */
    default void enqueue(Envelope envelope, MessageContent content) throws QueueException {
        enqueue(envelope, content, Map.of());
    }

    /**
     * Stores the message with extra message properties for the routes (e.g. {@code MailhubDmarc=quarantine}); their
     * names start with {@code Mailhub} so they travel with the message through every queue.
     */
    void enqueue(Envelope envelope, MessageContent content, Map<String, String> annotations) throws QueueException;

    /** A cheap check for MAIL time: false when the store is known to be unreachable or full right now. */
    boolean isAvailable();
}
