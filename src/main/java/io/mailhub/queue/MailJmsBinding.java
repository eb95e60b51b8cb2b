package io.mailhub.queue;

import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageFormatException;
import jakarta.jms.Session;
import java.io.IOException;
import java.io.InputStream;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.NoTypeConversionAvailableException;
import org.apache.camel.StreamCache;
import org.apache.camel.component.jms.JmsBinding;
import org.apache.camel.component.jms.JmsEndpoint;
import org.apache.camel.component.jms.JmsMessageType;

/**
 * A camel-jms binding for mail bodies on Artemis. Receiving is camel-jms' own Artemis mode (large messages are
 * streamed into Camel's stream cache, which spools to disk). Sending is where it differs: camel-jms streams every
 * body once Artemis mode is on, and a streamed body always becomes a large message (a file per message) on the broker,
 * even at 1 KB. Here bodies up to the threshold are written as regular messages, and only larger ones are streamed.
 * Receiving checks that a large body arrived whole: one the broker holds cut short fails the route, so its message
 * goes to {@code mail.dead} after its redeliveries instead of being delivered cut short.
 */
final class MailJmsBinding extends JmsBinding {

    private final int largeThreshold;

    MailJmsBinding(JmsEndpoint endpoint, int largeThreshold) {
        super(endpoint);
        this.largeThreshold = largeThreshold;
    }

    /** camel-jms' reading, and a large body that the broker holds cut short refused ({@link LargeBodyCheck}). */
    @Override
    protected Object createByteArrayFromBytesMessage(Exchange exchange, BytesMessage message) throws JMSException {
        Object body = super.createByteArrayFromBytesMessage(exchange, message);
        long read = body instanceof byte[] bytes ? bytes.length : body instanceof StreamCache cache ? cache.length() : -1;
        if (read >= 0) {
            LargeBodyCheck.verify(message, read);
        }
        return body;
    }

    @Override
    protected Message createJmsMessageForType(
            Exchange exchange, Object body, Session session, CamelContext context, JmsMessageType type)
            throws JMSException {
        if (type != JmsMessageType.Bytes || body == null) {
            return super.createJmsMessageForType(exchange, body, session, context, type);
        }
        BytesMessage message = session.createBytesMessage();
        try {
            if (body instanceof byte[] bytes) {
                message.writeBytes(bytes);
            } else if (body instanceof StreamCache cache
                    && body instanceof InputStream in
                    && cache.length() >= 0
                    && cache.length() <= largeThreshold) {
                cache.reset();
                message.writeBytes(in.readAllBytes());
                cache.reset();
            } else if (body instanceof InputStream || body instanceof StreamCache) {
                InputStream in = context.getTypeConverter().mandatoryConvertTo(InputStream.class, exchange, body);
                message.setObjectProperty("JMS_AMQ_InputStream", in);
            } else {
                message.writeBytes(context.getTypeConverter().mandatoryConvertTo(byte[].class, exchange, body));
            }
        } catch (NoTypeConversionAvailableException | IOException e) {
            JMSException cause = new MessageFormatException("cannot write the mail body: " + e.getMessage());
            cause.initCause(e);
            throw cause;
        }
        return message;
    }
}
