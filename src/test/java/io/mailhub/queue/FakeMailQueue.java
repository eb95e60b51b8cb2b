package io.mailhub.queue;

import java.util.Map;
import io.mailhub.model.Envelope;
import io.mailhub.model.MessageContent;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link MailQueue} for unit tests: keeps what was enqueued in memory (the content is read during {@code enqueue},
 * since the caller closes it afterwards), or fails on demand.
 */
public final class FakeMailQueue implements MailQueue {

    /** One enqueued message: its envelope and the exact content octets. */
    public record Queued(Envelope envelope, byte[] content, Map<String, String> annotations, java.time.Instant deliverAt) {}

    private final List<Queued> queued = new ArrayList<>();
    private Readiness readiness = Readiness.READY;
    private int readyChecksLeft; // while > 0, readiness() answers READY (a session that began while all was well)
    private QueueException failure;

    @Override
    public void enqueue(Envelope envelope, MessageContent content, Map<String, String> annotations)
            throws QueueException {
        enqueue(envelope, content, annotations, null);
    }

    @Override
    public synchronized void enqueue(Envelope envelope, MessageContent content, Map<String, String> annotations,
            java.time.Instant deliverAt) throws QueueException {
        if (failure != null) {
            throw failure;
        }
        try (InputStream in = content.openStream()) {
            byte[] bytes = in.readAllBytes();
            if (bytes.length != content.size()) {
                throw new IllegalStateException("content size " + content.size() + " but " + bytes.length + " octets");
            }
            queued.add(new Queued(envelope, bytes, Map.copyOf(annotations), deliverAt));
        } catch (IOException e) {
            throw new QueueException("cannot read content", e);
        }
    }

    @Override
    public synchronized Readiness readiness(long declaredSize) {
        if (readyChecksLeft > 0) {
            readyChecksLeft--;
            return Readiness.READY;
        }
        return readiness;
    }

    /** Answers READY to the next check (a session's greeting), then {@code later}: the queue fails mid-session. */
    public synchronized void failsAfterTheGreeting(Readiness later) {
        this.readiness = later;
        this.readyChecksLeft = 1;
    }

    /** Makes {@link #isAvailable()} answer {@code available} (unreachable when not). */
    public synchronized void setAvailable(boolean available) {
        this.readiness = available ? Readiness.READY : Readiness.UNREACHABLE;
    }

    /** Makes {@link #readiness} answer this. */
    public synchronized void setReadiness(Readiness readiness) {
        this.readiness = readiness;
    }

    /** Makes every later {@code enqueue} throw {@code failure} ({@code null} to store again). */
    public synchronized void failWith(QueueException failure) {
        this.failure = failure;
    }

    public synchronized List<Queued> queued() {
        return List.copyOf(queued);
    }
}
