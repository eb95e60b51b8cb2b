package io.mailhub.queue;

import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.component.jms.JmsEndpoint;

/**
 * camel-jms, registered as {@code jms}, with {@link MailJmsBinding} on every endpoint so routes move message bodies
 * between queues without holding large ones in memory. Everything else is plain camel-jms.
 */
public class MailJmsComponent extends JmsComponent {

    private final int largeThreshold;

    /** @param largeThreshold bodies above this many octets are streamed as Artemis large messages */
    public MailJmsComponent(int largeThreshold) {
        this.largeThreshold = largeThreshold;
        setHeaderFilterStrategy(new MailJmsHeaderFilterStrategy());
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        Endpoint endpoint = super.createEndpoint(uri, remaining, parameters);
        if (endpoint instanceof JmsEndpoint jms) {
            jms.setBinding(new MailJmsBinding(jms, largeThreshold));
        }
        return endpoint;
    }
}
