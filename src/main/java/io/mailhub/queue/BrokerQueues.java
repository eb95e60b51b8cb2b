package io.mailhub.queue;

import java.util.List;
import java.util.Map;

/**
 * The broker's queue management operations the operators' tools need, on the embedded broker ({@link LocalQueues})
 * or an external one ({@link RemoteQueues}, through Artemis management messages). Message maps have the message's
 * properties (the envelope) as keys, plus Artemis' own ({@code messageID}, {@code _AMQ_SCHED_DELIVERY}); no body.
 * A broker that cannot be reached is an {@link IllegalStateException}.
 */
public interface BrokerQueues {

    /** Every queue on the broker. */
    List<String> names() throws Exception;

    /** The waiting (not scheduled) messages of {@code queue} matching {@code selector} ({@code null}: all). */
    List<Map<String, Object>> waiting(String queue, String selector) throws Exception;

    /** The scheduled (deferred) messages of {@code queue}. */
    List<Map<String, Object>> scheduled(String queue) throws Exception;

    long messageCount(String queue) throws Exception;

    /** The messages of {@code queue} (waiting and scheduled) that match {@code selector}. */
    long count(String queue, String selector) throws Exception;

    long scheduledCount(String queue) throws Exception;

    /** The first waiting message of {@code queue} (its properties), or {@code null} when none waits. */
    Map<String, Object> first(String queue) throws Exception;

    /** Makes the matching scheduled messages of {@code queue} waiting now. */
    void deliverScheduled(String queue, String selector) throws Exception;

    /** Moves the matching messages, waiting and scheduled, to {@code target}; returns how many. */
    int move(String queue, String selector, String target) throws Exception;

    /** Removes the matching messages, waiting and scheduled; returns how many. */
    int remove(String queue, String selector) throws Exception;

    /** Sends the matching messages of a dead-letter queue back to the queues they came from; returns how many. */
    int retry(String queue, String selector) throws Exception;
}
