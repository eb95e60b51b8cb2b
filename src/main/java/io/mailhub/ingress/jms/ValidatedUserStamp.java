package io.mailhub.ingress.jms;

import java.util.Locale;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin;
import org.apache.activemq.artemis.core.transaction.Transaction;

/**
 * Stamps every message a network producer sends to the submit queue with the login the broker authenticated
 * ({@code _AMQ_VALIDATED_USER}), whatever the protocol. Artemis does so itself for CORE and STOMP
 * ({@code populate-validated-user}) but not for AMQP, where the property would otherwise be whatever the producer put
 * in its application properties: one login could pose as another. So the stamp always overwrites.
 */
public final class ValidatedUserStamp implements ActiveMQServerMessagePlugin {

    private final String submitQueue;

    public ValidatedUserStamp(String submitQueue) {
        this.submitQueue = submitQueue.toLowerCase(Locale.ROOT);
    }

    @Override
    public void beforeSend(ServerSession session, Transaction tx, Message message, boolean direct,
            boolean noAutoCreateQueues) {
        if (BrokerLogins.inVm(session.getRemotingConnection()) || message.getAddress() == null
                || !message.getAddress().toLowerCase(Locale.ROOT).startsWith(submitQueue)) {
            return;
        }
        String user = session.getValidatedUser();
        if (user == null) {
            message.removeProperty(Message.HDR_VALIDATED_USER);
        } else {
            message.putStringProperty(Message.HDR_VALIDATED_USER.toString(), user);
        }
        message.reencode();
    }
}
