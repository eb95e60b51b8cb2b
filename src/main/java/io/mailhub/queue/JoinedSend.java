package io.mailhub.queue;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

/**
 * Sends successor messages (a retry, a bounce request, a notice, a dead letter) from a processor that runs inside the
 * JMS transaction of the message it consumed. The camel-jms listener exposes its session to the thread, so the send
 * joins that transaction: the consumed message and its successors commit together or not at all. A failed send is
 * rethrown, so the transaction rolls back and the consumed message stays in its queue.
 */
public final class JoinedSend {

    private volatile ProducerTemplate template;

    /** Sends {@code copy} to {@code uri}; {@code original} is the consumed exchange (its context makes the template). */
    public void send(Exchange original, String uri, Exchange copy) throws Exception {
        ProducerTemplate t = template;
        if (t == null) {
            synchronized (this) {
                if (template == null) {
                    template = original.getContext().createProducerTemplate();
                }
                t = template;
            }
        }
        t.send(uri, copy);
        if (copy.getException() != null) {
            throw copy.getException();
        }
    }
}
