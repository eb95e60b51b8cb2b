package io.mailhub.bounce;

import io.mailhub.delivery.DeliveryEvents;
import io.mailhub.delivery.Suppressions;
import io.mailhub.model.Envelope;
import io.mailhub.model.EnvelopeHeaders;
import io.mailhub.model.Recipient;
import io.mailhub.relay.SmtpRelayProducer;
import java.io.InputStream;
import java.time.Clock;
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
 * The first step of the dispatch route: mail that came back to the hub's return path ({@link ReturnPath}) is read
 * here instead of being routed and delivered. A delivery status report's recipients are recorded (event
 * {@code returned}, and the message's status in the HTTP API); a hard bounce ({@link Suppressions#HARD}) adds the
 * recipient to the suppression list. Anything else sent there (an automatic reply, a person answering the envelope
 * sender) is logged and dropped: the return path is a machine's address. The other recipients of the same message, if
 * any, go on; when none is left the exchange stops here and its transaction commits.
 */
public final class ReturnedMail implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger("io.mailhub.delivery");

    private final ReturnPath returnPath;
    private final Suppressions suppressions;
    private final DeliveryEvents events;
    private final Clock clock;

    /**
     * @param returnPath the hub's return path, or {@code null}: off, every message goes on untouched
     * @param suppressions where hard bounces go, or {@code null}: the suppression list is off
     * @param events the event log, or {@code null}
     */
    public ReturnedMail(ReturnPath returnPath, Suppressions suppressions, DeliveryEvents events, Clock clock) {
        this.returnPath = returnPath;
        this.suppressions = suppressions;
        this.events = events;
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        if (returnPath == null) {
            return;
        }
        Message message = exchange.getMessage();
        Envelope envelope = EnvelopeHeaders.read(message::getHeader);
        Map<String, Recipient> returned = new LinkedHashMap<>(); // by the queue id they name
        List<Recipient> others = new ArrayList<>();
        for (Recipient r : envelope.recipients()) {
            String queueId = returnPath.queueIdOf(r.address());
            if (queueId == null) {
                others.add(r);
            } else {
                returned.putIfAbsent(queueId, r);
            }
        }
        if (returned.isEmpty()) {
            return;
        }
        byte[] head;
        try (InputStream in = SmtpRelayProducer.bodyOf(exchange).open()) {
            head = in.readNBytes(DeliveryStatusReport.READ_LIMIT);
        }
        DeliveryStatusReport report = DeliveryStatusReport.read(head);
        for (String queueId : returned.keySet()) {
            if (report == null || report.recipients().isEmpty()) {
                notAReport(envelope, queueId);
                continue;
            }
            List<DeliveryEvents.Event> known = events == null ? List.of() : events.find(queueId);
            for (DeliveryStatusReport.PerRecipient r : report.recipients()) {
                if (isRecipient(known, r.recipient())) {
                    record(envelope, queueId, report, r, principal(known));
                } else {
                    LOG.warn("{}: a report (queued as {}) names {}, not a recipient of the message; ignored", queueId,
                            envelope.queueId(), r.recipient());
                }
            }
        }
        if (others.isEmpty()) {
            exchange.setRouteStop(true);
        } else {
            message.setHeader(EnvelopeHeaders.RECIPIENTS, EnvelopeHeaders.recipientLines(others));
        }
    }

    /**
     * Whether the report's recipient was one of the message's, as far as this hub's event log knows: when it holds the
     * message's attempts, the recipient must be among them (a recipient who knows the return path cannot report
     * somebody else); when it does not (another hub delivered it, or the log was rotated), the report is taken as it
     * is.
     */
    private static boolean isRecipient(List<DeliveryEvents.Event> known, String recipient) {
        boolean any = false;
        for (DeliveryEvents.Event e : known) {
            if (!e.event().equals("returned")) {
                any = true;
                if (key(e.recipient()).equals(key(recipient))) {
                    return true;
                }
            }
        }
        return !any;
    }

    /** An address as the hub compares addresses (IDN domains in either form); the text in lower case if unparsable. */
    private static String key(String address) {
        try {
            return io.mailhub.model.SmtpPath.mailbox(address, true).key();
        } catch (io.mailhub.model.SyntaxException | RuntimeException e) {
            return io.mailhub.model.Ascii.toLowerCase(address == null ? "" : address);
        }
    }

    private void record(Envelope envelope, String queueId, DeliveryStatusReport report,
            DeliveryStatusReport.PerRecipient r, String principal) {
        Instant now = clock.instant();
        LOG.info("{}: to={}, returned by {} after delivery: action={}, status={}{} (report {})", queueId, r.recipient(),
                report.reportingMta() == null ? "(unnamed)" : report.reportingMta(), r.action(), r.status(),
                r.diagnostic() == null ? "" : " (" + r.diagnostic() + ")", envelope.queueId());
        if (events != null) {
            events.returned(now, queueId, r.recipient(), r.action(), r.status(), r.diagnostic(), r.remoteMta(),
                    principal, fields(envelope, report));
        }
        if (suppressions != null && r.failed() && Suppressions.HARD.contains(r.status())) {
            try {
                suppressions.bouncedLater(r.recipient(), r.status(), r.diagnostic() == null ? "status " + r.status()
                        : r.diagnostic(), queueId);
                LOG.info("{}: {} suppressed after a hard bounce reported later: {}", queueId, r.recipient(),
                        r.status());
                if (events != null) {
                    events.note(now, queueId, "suppressed", Map.of("recipient", r.recipient(), "status", r.status()));
                }
            } catch (IllegalArgumentException notAnAddress) {
                LOG.warn("{}: the report names '{}', not an address; not suppressed", queueId, r.recipient());
            }
        }
    }

    private void notAReport(Envelope envelope, String queueId) {
        String from = envelope.sender() == null ? "<>" : envelope.sender().toString();
        LOG.info("{}: mail to its return path from {} is not a delivery status report (an automatic reply?); dropped"
                + " (queued as {})", queueId, from, envelope.queueId());
        if (events != null) {
            events.note(clock.instant(), queueId, "returned", Map.of("action", "not-a-report", "sender", from,
                    "report_queue_id", envelope.queueId()));
        }
    }

    private static Map<String, Object> fields(Envelope envelope, DeliveryStatusReport report) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("reporting_mta", report.reportingMta());
        f.put("report_queue_id", envelope.queueId());
        return f;
    }

    /** The API key or login of the message, from this hub's event log (the status endpoint shows it to its owner). */
    private static String principal(List<DeliveryEvents.Event> known) {
        for (DeliveryEvents.Event e : known) {
            if (e.principal() != null) {
                return e.principal();
            }
        }
        return null;
    }
}
