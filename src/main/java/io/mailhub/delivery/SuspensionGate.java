package io.mailhub.delivery;

import io.mailhub.model.Envelope;
import io.mailhub.model.EnvelopeHeaders;
import io.mailhub.model.Recipient;
import io.mailhub.queue.JoinedSend;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The step before each delivery attempt that keeps mail for suspended destinations ({@link Suspensions}) back: their
 * recipients go back to mail.outbound, scheduled for the end of the suspension, with the attempt count unchanged, in
 * the transaction of the consumed message; the other recipients go on to the attempt. When no recipient is left the
 * exchange stops here.
 */
public final class SuspensionGate implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger("io.mailhub.delivery");

    private final Suspensions suspensions;
    private final DeliveryEvents events;
    private final JoinedSend sends = new JoinedSend();

    /** @param events the event log, or {@code null} */
    public SuspensionGate(Suspensions suspensions, DeliveryEvents events) {
        this.suspensions = suspensions;
        this.events = events;
    }

    /** The suspensions it honours. */
    public Suspensions suspensions() {
        return suspensions;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        if (!suspensions.any()) {
            return;
        }
        Message message = exchange.getMessage();
        Envelope envelope = EnvelopeHeaders.read(message::getHeader);
        List<Recipient> go = new ArrayList<>();
        Map<Suspensions.Suspension, List<Recipient>> wait = new LinkedHashMap<>();
        for (Recipient r : envelope.recipients()) {
            Suspensions.Suspension s = suspensions.of(r.address().domainKey());
            if (s == null) {
                go.add(r);
            } else {
                wait.computeIfAbsent(s, k -> new ArrayList<>()).add(r);
            }
        }
        if (wait.isEmpty()) {
            return;
        }
        for (Map.Entry<Suspensions.Suspension, List<Recipient>> w : wait.entrySet()) {
            Suspensions.Suspension s = w.getKey();
            Exchange later = exchange.copy();
            Message m = later.getMessage();
            m.setHeader(EnvelopeHeaders.RECIPIENTS, EnvelopeHeaders.recipientLines(w.getValue()));
            m.setHeader(DeliveryOutcome.SCHEDULED_DELIVERY, s.until().toEpochMilli());
            sends.send(exchange, DeliveryOutcome.OUTBOUND, later);
            LOG.info("{}: delivery to {} is suspended until {} ({}): {} recipient(s) wait", envelope.queueId(),
                    s.domain(), s.until(), s.reason(), w.getValue().size());
            if (events != null) {
                events.note(Instant.now(), envelope.queueId(), "suspended", Map.of("domain", s.domain(),
                        "until", s.until().toString(), "reason", s.reason(),
                        "recipients", w.getValue().stream().map(r -> r.address().toString()).toList()));
            }
        }
        if (go.isEmpty()) {
            exchange.setRouteStop(true);
        } else {
            message.setHeader(EnvelopeHeaders.RECIPIENTS, EnvelopeHeaders.recipientLines(go));
        }
    }
}
