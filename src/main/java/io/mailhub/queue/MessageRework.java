package io.mailhub.queue;

import io.mailhub.model.EnvelopeHeaders;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Edits queued messages, which Artemis cannot do in place: the matched messages (waiting and deferred) move to
 * {@value #WORK}, are made receivable there, and each is taken and sent on, edited, to the queue its edit names, in
 * one JMS transaction per message. A message is always in exactly one queue: a crash leaves the rest in
 * {@value #WORK}, and {@link #recover()} (called before every rework) sends them back to the queues they came from.
 * Works the same on the embedded and an external broker.
 */
public final class MessageRework {

    private static final Logger LOG = LoggerFactory.getLogger("io.mailhub.admin");

    /** The work queue (broker.xml). */
    public static final String WORK = "hub.admin.work";

    /** The property of a deferred message's next attempt time (epoch ms). */
    public static final String SCHEDULED = "_AMQ_SCHED_DELIVERY";

    /** The original queue of a dead letter (for requeue-dead). */
    public static final String ORIGINAL_QUEUE = "_AMQ_ORIG_QUEUE";

    /** The original address of a dead letter. */
    public static final String ORIGINAL_ADDRESS = "_AMQ_ORIG_ADDRESS";

    private static final List<String> KEPT = List.of(SCHEDULED, ORIGINAL_QUEUE, ORIGINAL_ADDRESS);

    private static final long RECEIVE_MS = 10_000;

    /** What becomes of one message taken out. */
    public interface Edit {
        /**
         * Edits the message's properties (its envelope; a deferred message's {@value #SCHEDULED} and a dead letter's
         * {@value #ORIGINAL_QUEUE} and {@value #ORIGINAL_ADDRESS} are among them: keep them to put the message back as
         * it was) and returns the queue it goes to.
         *
         * @param body the message (read it, do not change it)
         */
        String edit(Map<String, Object> properties, byte[] body) throws Exception;
    }

    private final BrokerQueues broker;
    private final ConnectionFactory jms;

    public MessageRework(BrokerQueues broker, ConnectionFactory jms) {
        this.broker = broker;
        this.jms = jms;
    }

    /** Sends what an interrupted rework left in {@value #WORK} back where it came from; returns how many. */
    public synchronized int recover() throws Exception {
        if (broker.messageCount(WORK) == 0) {
            return 0;
        }
        broker.deliverScheduled(WORK, null);
        int n = broker.retry(WORK, null);
        if (n > 0) {
            LOG.warn("{} message(s) of an interrupted admin action went back to their queues unchanged", n);
        }
        return n;
    }

    /**
     * Takes the messages with these queue ids out of {@code queue}, edits each with {@code edit} and sends it on;
     * returns how many were sent on (messages that left the queue meanwhile, e.g. being delivered, are not).
     */
    public synchronized int rework(String queue, Collection<String> queueIds, Edit edit) throws Exception {
        recover();
        // the deferred messages' retry times and origins, listed once (Artemis lists scheduled messages only in full)
        java.util.Set<String> wanted = new java.util.HashSet<>(queueIds);
        Map<String, Map<String, Object>> scheduled = kept(broker.scheduled(queue), wanted);
        int done = 0;
        List<String> batch = new ArrayList<>();
        for (String id : queueIds) {
            MailQueueAdmin.filter(id); // refuses anything that is not a queue id
            batch.add(id);
            if (batch.size() == 200) {
                done += batch(queue, batch, edit, scheduled);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            done += batch(queue, batch, edit, scheduled);
        }
        return done;
    }

    private int batch(String queue, List<String> ids, Edit edit, Map<String, Map<String, Object>> scheduled)
            throws Exception {
        String selector = MailQueueAdmin.selectorFor(queue,
                EnvelopeHeaders.QUEUE_ID + " IN ('" + String.join("','", ids) + "')");
        // what the move to WORK changes or loses: of the waiting ones listed now, of the deferred ones listed before
        Map<String, Map<String, Object>> kept = kept(broker.waiting(queue, selector), new java.util.HashSet<>(ids));
        scheduled.forEach(kept::putIfAbsent);
        int moved = broker.move(queue, selector, WORK);
        if (moved == 0) {
            return 0;
        }
        broker.deliverScheduled(WORK, selector);
        int done = 0;
        try (Connection c = jms.createConnection()) {
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageConsumer in = s.createConsumer(s.createQueue(WORK), selector);
            Map<String, MessageProducer> out = new HashMap<>();
            while (done < moved) {
                Message m = in.receive(RECEIVE_MS);
                if (m == null) {
                    break;
                }
                Map<String, Object> props = properties(m);
                String id = String.valueOf(props.get(EnvelopeHeaders.QUEUE_ID));
                props.putAll(kept.getOrDefault(id, Map.of()));
                byte[] body = body(m);
                String target = edit.edit(props, body);
                BytesMessage copy = s.createBytesMessage();
                copy.writeBytes(body);
                for (Map.Entry<String, Object> p : props.entrySet()) {
                    if (p.getValue() != null) {
                        copy.setObjectProperty(p.getKey(), p.getValue());
                    }
                }
                out.computeIfAbsent(target, t -> producer(s, t)).send(copy);
                s.commit();
                done++;
            }
        } finally {
            if (done < moved) { // not received in time: back where they were, unchanged
                broker.deliverScheduled(WORK, selector);
                int back = broker.retry(WORK, selector);
                LOG.warn("admin rework of {}: {} of {} message(s) edited, {} went back unchanged", queue, done, moved,
                        back);
            }
        }
        return done;
    }

    /** Per queue id in {@code ids}: the {@link #KEPT} properties the listed messages have. */
    private static Map<String, Map<String, Object>> kept(List<Map<String, Object>> listed, java.util.Set<String> ids) {
        Map<String, Map<String, Object>> kept = new HashMap<>();
        for (Map<String, Object> m : listed) {
            Object id = m.get(EnvelopeHeaders.QUEUE_ID);
            if (id != null && ids.contains(id.toString())) {
                Map<String, Object> k = new HashMap<>();
                for (String name : KEPT) {
                    if (m.get(name) != null) {
                        k.put(name, m.get(name));
                    }
                }
                kept.put(id.toString(), k);
            }
        }
        return kept;
    }

    private static MessageProducer producer(Session s, String queue) {
        try {
            return s.createProducer(s.createQueue(queue));
        } catch (JMSException e) {
            throw new IllegalStateException("cannot send to " + queue + ": " + e.getMessage(), e);
        }
    }

    /** The message's own properties: the envelope and routing facts, not the broker's or JMS' bookkeeping. */
    private static Map<String, Object> properties(Message m) throws JMSException {
        Map<String, Object> props = new LinkedHashMap<>();
        for (Enumeration<?> e = m.getPropertyNames(); e.hasMoreElements();) {
            String name = (String) e.nextElement();
            if (!name.startsWith("JMS") && !name.startsWith("_AMQ") && !name.startsWith("__AMQ")) {
                props.put(name, m.getObjectProperty(name));
            }
        }
        return props;
    }

    private static byte[] body(Message m) throws JMSException {
        if (m instanceof BytesMessage b) {
            byte[] bytes = new byte[(int) b.getBodyLength()];
            // a body the broker holds cut short would otherwise come out padded with NULs, and be sent on as whole
            LargeBodyCheck.verify(m, Math.max(0, b.readBytes(bytes)));
            return bytes;
        }
        throw new IllegalStateException("message " + m.getJMSMessageID() + " in " + WORK + " is not a mail message");
    }
}
