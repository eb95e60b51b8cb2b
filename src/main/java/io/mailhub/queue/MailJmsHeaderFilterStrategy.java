package io.mailhub.queue;

import org.apache.camel.component.jms.JmsHeaderFilterStrategy;

/**
 * camel-jms' header filter, plus: Artemis' own properties of a consumed message ({@code _AMQ_LARGE_SIZE},
 * {@code _AMQ_ROUTING_TYPE}, ...) are never copied onto a message we send, because they would describe the wrong
 * message. The one exception is {@code _AMQ_SCHED_DELIVERY}, which the delivery stage sets on purpose.
 */
final class MailJmsHeaderFilterStrategy extends JmsHeaderFilterStrategy {

    MailJmsHeaderFilterStrategy() {
        super(false);
    }

    @Override
    public boolean applyFilterToCamelHeaders(String headerName, Object headerValue, org.apache.camel.Exchange exchange) {
        if (headerName.startsWith("_AMQ") && !headerName.equals("_AMQ_SCHED_DELIVERY")) {
            return true;
        }
        return super.applyFilterToCamelHeaders(headerName, headerValue, exchange);
    }
}
