package io.mailhub.bounce;

import io.mailhub.model.EnvelopeHeaders;
import io.mailhub.relay.SmtpRelayConstants;
import java.util.function.Predicate;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * The step before each delivery attempt that gives the relay the hub's return path ({@link ReturnPath}) as the
 * envelope sender of mail through the doors it applies to. The queued envelope keeps the sender the client gave: the
 * hub's own bounces still go to it, and only reports sent later by other servers come back to the hub. Bounces (null
 * sender) keep their null sender.
 */
public final class ReturnPathStamp implements Processor {

    private final ReturnPath returnPath;
    private final Predicate<String> doors;

    /**
     * @param returnPath the hub's return path, or {@code null}: off
     * @param doors the door labels ({@code http}, {@code smtp}, ...) whose mail gets it
     */
    public ReturnPathStamp(ReturnPath returnPath, Predicate<String> doors) {
        this.returnPath = returnPath;
        this.doors = doors;
    }

    @Override
    public void process(Exchange exchange) {
        Message m = exchange.getMessage();
        m.removeHeader(SmtpRelayConstants.RETURN_PATH);
        if (returnPath == null || !doors.test(m.getHeader(io.mailhub.routing.MailhubHeaders.INGRESS, String.class))) {
            return;
        }
        String sender = m.getHeader(EnvelopeHeaders.SENDER, String.class);
        String queueId = m.getHeader(EnvelopeHeaders.QUEUE_ID, String.class);
        if (sender != null && !sender.isEmpty() && !sender.equals("<>") && queueId != null) {
            m.setHeader(SmtpRelayConstants.RETURN_PATH, returnPath.of(queueId).toString());
        }
    }
}
