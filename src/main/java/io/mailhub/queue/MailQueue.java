package io.mailhub.queue;

import java.time.Instant;
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
     * @throws QueueException when the store is unavailable or full ({@link QueueException#isNoRoom()}); nothing was
     *     stored
     */
    default void enqueue(Envelope envelope, MessageContent content) throws QueueException {
        enqueue(envelope, content, Map.of());
    }

    /**
     * Stores the message with extra message properties for the routes (e.g. {@code MailhubDmarc=quarantine}); their
     * names start with {@code Mailhub} so they travel with the message through every queue.
     */
    void enqueue(Envelope envelope, MessageContent content, Map<String, String> annotations) throws QueueException;

    /**
     * Stores the message to be delivered not before {@code deliverAt} (the broker holds it until then: Artemis
     * scheduled delivery); {@code null} means at once.
     */
    default void enqueue(Envelope envelope, MessageContent content, Map<String, String> annotations, Instant deliverAt)
            throws QueueException {
        if (deliverAt != null) {
            throw new QueueException("this queue cannot schedule delivery", null);
        }
        enqueue(envelope, content, annotations);
    }

    /**
     * The annotation that makes the broker store a message at most once (Artemis duplicate detection): a second message
     * with the same value is dropped. Set by the acceptance stage for door-chosen (idempotent) queue ids.
     */
    String DEDUPLICATION_ID = "_AMQ_DUPL_ID";

    /** Whether mail can be queued right now, and if not, why: what a door answers before taking a message in. */
    enum Readiness {
        READY,
        /** The disk is (nearly) full: SMTP 452 4.3.1. */
        NO_ROOM,
        /** The broker cannot be reached or is not running: SMTP 451 4.3.0. */
        UNREACHABLE
    }

    /**
     * A cheap check for MAIL time (it may try to reconnect to the broker, at most every few seconds).
     *
     * @param declaredSize the size the client announced (SMTP SIZE), 0 when unknown
     */
    Readiness readiness(long declaredSize);

    /** Whether {@link #readiness} is {@link Readiness#READY} for a message of unknown size. */
    default boolean isAvailable() {
        return readiness(0) == Readiness.READY;
    }
}
