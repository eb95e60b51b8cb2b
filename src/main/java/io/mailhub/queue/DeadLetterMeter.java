package io.mailhub.queue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.postoffice.RoutingStatus;
import org.apache.activemq.artemis.core.server.MessageReference;
import org.apache.activemq.artemis.core.server.ServerConsumer;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.core.server.impl.AckReason;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin;
import org.apache.activemq.artemis.core.transaction.Transaction;
import org.apache.activemq.artemis.core.transaction.TransactionOperationAbstract;

/**
 * Counts messages that reach {@code mail.dead} as {@code mailhub_dead_letters_total{reason}}, in the broker, so every
 * way in is seen: the broker's own moves ({@code redelivery_exhausted} after max-delivery-attempts, {@code expired}),
 * and the hub's sends with a {@code MailhubDeadReason} header ({@code double_bounce}, {@code notice_too_large},
 * {@code egress_failed}, else {@code other}), and sends to an address without a queue that the broker put there
 * instead ({@code no_queue}, logged as an error). A transactional send is counted when its transaction commits.
 */
public final class DeadLetterMeter implements ActiveMQServerMessagePlugin {

    static final String DEAD_REASON = "MailhubDeadReason";
    private static final SimpleString DEAD = SimpleString.of(QueueNames.DEAD);
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DeadLetterMeter.class);

    private final MeterRegistry registry;
    private final java.util.function.BiConsumer<String, String> listener;

    public DeadLetterMeter(MeterRegistry registry) {
        this(registry, (queueId, reason) -> { });
    }

    /** @param listener also told each dead letter's queue id and reason (the event log's dead_lettered line) */
    public DeadLetterMeter(MeterRegistry registry, java.util.function.BiConsumer<String, String> listener) {
        this.registry = registry;
        this.listener = listener;
        for (String reason : new String[] {"redelivery_exhausted", "expired", "double_bounce", "notice_too_large",
                "egress_failed", "no_queue", "other"}) {
            counter(reason); // every reason shows from the start, at 0: rate() and increase() need a first sample
        }
    }

    @Override
    public void afterSend(ServerSession session, Transaction tx, Message message, boolean direct,
            boolean noAutoCreateQueue, RoutingStatus result) {
        boolean noQueue = result == RoutingStatus.NO_BINDINGS_DLA; // broker.xml's send-to-dla-on-no-route
        if (!noQueue && (result != RoutingStatus.OK || !DEAD.equals(message.getAddressSimpleString()))) {
            return;
        }
        if (noQueue) {
            LOG.error("{}: sent to {}, which has no queue: put in {} instead (define the queue in broker.xml, then"
                    + " requeue it from there)", message.getStringProperty("MailhubQueueId"),
                    message.getStringProperty(Message.HDR_ORIGINAL_ADDRESS), QueueNames.DEAD);
        }
        String reason = noQueue ? "no_queue" : reason(message.getStringProperty(DEAD_REASON));
        String queueId = message.getStringProperty("MailhubQueueId");
        if (tx == null) {
            dead(queueId, reason);
        } else {
            tx.addOperation(new TransactionOperationAbstract() {
                @Override
                public void afterCommit(Transaction committed) {
                    dead(queueId, reason);
                }
            });
        }
    }

    @Override
    public void messageMoved(Transaction tx, MessageReference ref, AckReason reason, SimpleString destAddress,
            Long destQueueID, ServerConsumer consumer, Message newMessage, RoutingStatus result) {
        if (DEAD.equals(destAddress) && result == RoutingStatus.OK) {
            dead(ref.getMessage().getStringProperty("MailhubQueueId"),
                    reason == AckReason.EXPIRED ? "expired" : "redelivery_exhausted");
        }
    }

    private void dead(String queueId, String reason) {
        counter(reason).increment();
        try {
            listener.accept(queueId, reason);
        } catch (RuntimeException e) {
            // the event log reports its own trouble; a dead letter is never refused because of it
        }
    }

    static String reason(String text) {
        if (text == null) {
            return "other";
        }
        if (text.startsWith("double bounce")) {
            return "double_bounce";
        }
        if (text.startsWith("notice too large")) {
            return "notice_too_large";
        }
        if (text.contains("webhook") || text.contains("egress")) {
            return "egress_failed";
        }
        return "other";
    }

    private Counter counter(String reason) {
        return Counter.builder("mailhub.dead.letters")
                .description("Messages moved to mail.dead, by why")
                .tag("reason", reason)
                .register(registry);
    }
}
