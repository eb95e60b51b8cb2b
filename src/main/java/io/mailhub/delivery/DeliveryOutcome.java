package io.mailhub.delivery;

import io.mailhub.model.Envelope;
import io.mailhub.model.EnvelopeHeaders;
import io.mailhub.model.Recipient;
import io.mailhub.model.RecipientOutcome;
import io.mailhub.queue.JoinedSend;
import io.mailhub.queue.QueueNames;
import io.mailhub.relay.DeliveryReport;
import io.mailhub.relay.RecipientResult;
import io.mailhub.relay.RecipientStatus;
import io.mailhub.relay.SmtpRelayConstants;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acts on the relay's report, inside the delivery route's JMS transaction (Postfix's qmgr deciding after smtp
 * reports): recipients still pending go back to {@code mail.outbound} as a scheduled message carrying only them and
 * the attempt count; failed recipients, and pending ones whose lifetime is over, go to {@code mail.bounce} with their
 * outcomes. Sends join the transaction of the consumed message, so the message is replaced atomically: a crash either
 * keeps the original or commits its successors, never both or neither.
 */
public final class DeliveryOutcome implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger("io.mailhub.delivery");

    /** Artemis' scheduled delivery time property (epoch milliseconds). */
    public static final String SCHEDULED_DELIVERY = "_AMQ_SCHED_DELIVERY";

    static final String OUTBOUND = "jms:queue:" + QueueNames.OUTBOUND;
    static final String BOUNCE = "jms:queue:" + QueueNames.BOUNCE;

    private final RetrySchedule schedule;
    private final Duration maxLifetime;
    private final Duration delayWarning;
    private final Clock clock;
    private final JoinedSend sends = new JoinedSend();
    private final DeliveryEvents events;

    /** Set on a retry message once its "delayed" notice has been requested, so that there is only one. */
    public static final String DELAY_WARNED = "MailhubDelayWarned";

    /**
     * @param delayWarning after how long since arrival pending recipients get one "delayed" notice; {@code null}: never
     */
    public DeliveryOutcome(RetrySchedule schedule, Duration maxLifetime, Duration delayWarning, Clock clock) {
        this(schedule, maxLifetime, delayWarning, clock, null);
    }

    /** @param events where each attempt's outcome per recipient is recorded, or {@code null} */
    public DeliveryOutcome(RetrySchedule schedule, Duration maxLifetime, Duration delayWarning, Clock clock,
            DeliveryEvents events) {
        this.schedule = schedule;
        this.maxLifetime = maxLifetime;
        this.delayWarning = delayWarning;
        this.clock = clock;
        this.events = events;
    }

    private volatile DeliveryMeters meters = DeliveryMeters.none();
    private volatile Suppressions suppressions;
    private volatile SuppressionSettings.Scope suppressionScope = SuppressionSettings.Scope.OFF;

    /** The door a queued message came through ({@code acceptance.MailAcceptance.INGRESS}). */
    static final String INGRESS = "MailhubIngress";

    /** Adds the recipients of hard bounces of mail through the doors of {@code scope} to {@code suppressions}. */
    public DeliveryOutcome withSuppressions(Suppressions suppressions, SuppressionSettings.Scope scope) {
        this.suppressions = suppressions;
        this.suppressionScope = scope;
        return this;
    }

    /** Counts recipients' outcomes and delivery delays in {@code meters}. */
    public DeliveryOutcome withMeters(DeliveryMeters meters) {
        this.meters = meters;
        return this;
    }

    private String expiryText(RecipientResult r) {
        return "delivery time expired after " + io.mailhub.model.DurationText.format(maxLifetime) + "; last error: "
                + r.reply();
    }

    /** The report with its deferred recipients failed for good: their lifetime is over. */
    private DeliveryReport expire(DeliveryReport report) {
        return report.map(r -> r.status() != RecipientStatus.DEFERRED ? r
                : r.failed(io.mailhub.model.SmtpReply.of(554, "5.4.7", expiryText(r))));
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Message message = exchange.getMessage();
        DeliveryReport report = message.getHeader(SmtpRelayConstants.REPORT, DeliveryReport.class);
        if (report == null) {
            throw new IllegalStateException("no " + SmtpRelayConstants.REPORT + " header: deliveryOutcome must follow smtp-relay");
        }
        Envelope envelope = EnvelopeHeaders.read(message::getHeader);
        int attempts = message.getHeader(EnvelopeHeaders.ATTEMPT, 0, Integer.class) + 1;
        Instant now = clock.instant();
        Instant expiry = envelope.arrival().plus(maxLifetime);
        boolean expired = !report.with(RecipientStatus.DEFERRED).isEmpty() && !now.isBefore(expiry);
        meters.record(report, envelope.arrival(), now, expired);
        if (events != null) { // recipients deferred past their lifetime have failed (5.4.7): the log says so
            events.record(envelope, expired ? expire(report) : report, attempts, now,
                    message.getHeader(EnvelopeHeaders.TAGS, String.class),
                    message.getHeader(EnvelopeHeaders.METADATA, String.class), expired, AttemptFacts.of(exchange));
        }

        List<RecipientOutcome> bounce = new ArrayList<>();
        boolean suppress = suppressions != null && suppressionScope.covers(message.getHeader(INGRESS, String.class));
        for (RecipientResult r : report.with(RecipientStatus.FAILED)) {
            bounce.add(outcome(r, "failed", r.statusCode()));
            if (suppress && Suppressions.isHardBounce(r)) {
                suppress(r, envelope.queueId());
            }
        }
        for (RecipientResult r : report.with(RecipientStatus.DELIVERED)) {
            // RFC 3461 section 4.1: a next hop without DSN cannot report success itself, so we say "relayed"
            if (!r.dsnRelayed() && r.recipient().notifyOn().contains(io.mailhub.model.DsnNotify.SUCCESS)) {
                bounce.add(outcome(r, "relayed", r.statusCode()));
            }
        }
        List<RecipientResult> deferred = report.with(RecipientStatus.DEFERRED);
        if (expired) {
            for (RecipientResult r : deferred) {
                bounce.add(new RecipientOutcome(r.recipient(), "failed", "5.4.7", r.remoteMta(), expiryText(r)));
            }
            LOG.info("{}: {} recipient(s) expired after {} attempt(s)", envelope.queueId(), deferred.size(), attempts);
        } else if (!deferred.isEmpty()) {
            Instant next = now.plus(schedule.delayAfter(attempts));
            if (next.isAfter(expiry)) {
                next = expiry; // one last attempt when the lifetime ends
            }
            List<Recipient> pending = deferred.stream().map(RecipientResult::recipient).toList();
            List<RecipientOutcome> delayed = deferred.stream().map(r -> outcome(r, "delayed", r.statusCode())).toList();
            Exchange retry = successor(exchange);
            Message m = retry.getMessage();
            m.setHeader(EnvelopeHeaders.RECIPIENTS, EnvelopeHeaders.recipientLines(pending));
            m.setHeader(EnvelopeHeaders.ATTEMPT, attempts);
            m.setHeader(RecipientOutcome.HEADER, RecipientOutcome.toLines(delayed));
            m.setHeader(SCHEDULED_DELIVERY, next.toEpochMilli());
            boolean warned = message.getHeader(DELAY_WARNED, false, Boolean.class);
            boolean warn = !warned && delayWarning != null && !now.isBefore(envelope.arrival().plus(delayWarning));
            if (warned || warn) {
                m.setHeader(DELAY_WARNED, true);
            }
            send(exchange, OUTBOUND, retry);
            if (warn) {
                Exchange notice = successor(exchange);
                Message n = notice.getMessage();
                n.setHeader(EnvelopeHeaders.RECIPIENTS, EnvelopeHeaders.recipientLines(pending));
                n.setHeader(EnvelopeHeaders.ATTEMPT, attempts);
                n.setHeader(RecipientOutcome.HEADER, RecipientOutcome.toLines(delayed));
                n.setHeader(io.mailhub.bounce.BounceStage.WILL_RETRY_UNTIL, expiry.toEpochMilli());
                send(exchange, BOUNCE, notice);
                if (events != null) {
                    events.note(now, envelope.queueId(), "delay_warning", java.util.Map.of(
                            "recipients", pending.stream().map(r -> r.address().toString()).toList(),
                            "delay_seconds", Duration.between(envelope.arrival(), now).toSeconds(),
                            "attempt", attempts));
                }
                LOG.info("{}: delayed for {}; delay notice requested", envelope.queueId(),
                        io.mailhub.model.DurationText.format(Duration.between(envelope.arrival(), now)));
            }
            LOG.info("{}: {} recipient(s) deferred after attempt {}, next attempt at {}", envelope.queueId(),
                    pending.size(), attempts, next);
        }
        if (!bounce.isEmpty()) {
            Exchange failed = successor(exchange);
            Message m = failed.getMessage();
            m.setHeader(EnvelopeHeaders.ATTEMPT, attempts);
            m.setHeader(RecipientOutcome.HEADER, RecipientOutcome.toLines(bounce));
            send(exchange, BOUNCE, failed);
        }
    }

    private void suppress(RecipientResult r, String queueId) {
        try {
            suppressions.bounced(r, queueId);
            LOG.info("{}: {} suppressed after a hard bounce: {}", queueId, r.recipient().address(), r.reply());
            if (events != null) {
                events.note(clock.instant(), queueId, "suppressed", java.util.Map.of("recipient",
                        r.recipient().address().toString(), "status", r.statusCode()));
            }
        } catch (RuntimeException e) { // the bounce still goes out; the next hard bounce tries again
            LOG.warn("{}: cannot suppress {}: {}", queueId, r.recipient().address(), e.getMessage());
        }
    }

    /** A copy of the exchange for a new queue message: same body and envelope, without the report headers. */
    private static Exchange successor(Exchange exchange) {
        Exchange copy = exchange.copy();
        Message m = copy.getMessage();
        m.removeHeader(SmtpRelayConstants.REPORT);
        m.removeHeader(SmtpRelayConstants.DELIVERED);
        m.removeHeader(SmtpRelayConstants.DEFERRED);
        m.removeHeader(SmtpRelayConstants.FAILED);
        m.removeHeader(SCHEDULED_DELIVERY);
        m.removeHeader(RecipientOutcome.HEADER);
        return copy;
    }

    private void send(Exchange original, String uri, Exchange copy) throws Exception {
        sends.send(original, uri, copy);
    }

    private static RecipientOutcome outcome(RecipientResult r, String action, String status) {
        return new RecipientOutcome(r.recipient(), action, status, r.remoteMta(), r.reply().toString());
    }
}
