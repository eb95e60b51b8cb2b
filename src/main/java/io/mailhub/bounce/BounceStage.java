package io.mailhub.bounce;

import io.mailhub.model.Envelope;
import io.mailhub.model.EnvelopeHeaders;
import io.mailhub.model.QueueIds;
import io.mailhub.model.RecipientOutcome;
import io.mailhub.queue.JoinedSend;
import io.mailhub.queue.QueueNames;
import io.mailhub.relay.BodySource;
import io.mailhub.relay.SmtpRelayProducer;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.StreamCache;
import org.apache.camel.converter.stream.CachedOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bounce stage (Postfix's bounce(8)): takes one bounce request from {@code mail.bounce} (the original message with
 * the outcomes to report), decides by NOTIFY whether anyone asked for a notice, and queues the notice in
 * {@code mail.incoming} as a new message from the null sender {@code <>} to the original sender, inside the consumed
 * message's transaction. The notice then travels like any other message (dispatch, retries), and if it fails, the
 * {@link DsnDecision.Verdict#DOUBLE_BOUNCE} rule ends it in {@code mail.dead} instead of bouncing again. A notice that
 * cannot be composed within the size limit also goes to {@code mail.dead}: nothing disappears.
 */
public final class BounceStage implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger("io.mailhub.bounce");

    /** Header on a bounce request: when retries end, for the {@code Will-Retry-Until} field of a delay notice. */
    public static final String WILL_RETRY_UNTIL = "MailhubWillRetryUntil";
    /** Header on a message moved to {@code mail.dead}: why. */
    public static final String DEAD_REASON = "MailhubDeadReason";

    static final String INCOMING = "jms:queue:" + QueueNames.INCOMING;
    static final String DEAD = "jms:queue:" + QueueNames.DEAD;

    private final DsnComposer composer;
    private final NotifyRules rules;
    private final Clock clock;
    private final JoinedSend sends = new JoinedSend();

    private volatile java.util.Map<DsnKind, io.micrometer.core.instrument.Counter> meters =
            counters(new io.micrometer.core.instrument.composite.CompositeMeterRegistry());

    private volatile io.mailhub.delivery.DeliveryEvents events;

    /** Records each notice it queues as a {@code bounced} line of the event log. */
    public BounceStage withEvents(io.mailhub.delivery.DeliveryEvents events) {
        this.events = events;
        return this;
    }

    /** Counts the notices this stage queues as {@code mailhub_dsn_generated_total{action}} in {@code registry}. */
    public BounceStage withMeters(io.micrometer.core.instrument.MeterRegistry registry) {
        meters = counters(registry);
        return this;
    }

    private static java.util.Map<DsnKind, io.micrometer.core.instrument.Counter> counters(
            io.micrometer.core.instrument.MeterRegistry registry) {
        java.util.Map<DsnKind, io.micrometer.core.instrument.Counter> m = new java.util.EnumMap<>(DsnKind.class);
        for (DsnKind kind : DsnKind.values()) {
            m.put(kind, io.micrometer.core.instrument.Counter.builder("mailhub.dsn.generated")
                    .description("Delivery status notifications queued for senders, by action")
                    .tag("action", switch (kind) {
                        case FAILURE -> "failed";
                        case DELAY -> "delayed";
                        case SUCCESS -> "relayed";
                    })
                    .register(registry));
        }
        return m;
    }

    public BounceStage(DsnComposer composer, NotifyRules rules, Clock clock) {
        this.composer = composer;
        this.rules = rules;
        this.clock = clock;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Message message = exchange.getMessage();
        Envelope envelope = EnvelopeHeaders.read(message::getHeader);
        List<RecipientOutcome> outcomes = RecipientOutcome.fromLines(message.getHeader(RecipientOutcome.HEADER, "", String.class));
        DsnDecision decision = rules.decide(envelope, outcomes);
        switch (decision.verdict()) {
            case NOT_REQUESTED -> LOG.info("{}: no notice requested for {}", envelope.queueId(), describe(outcomes));
            case DOUBLE_BOUNCE -> {
                LOG.warn("{}: undeliverable notice from <> ({}); moved to {} (double bounce, never bounced again)",
                        envelope.queueId(), describe(decision.reported()), QueueNames.DEAD);
                toDead(exchange, "double bounce: " + describe(decision.reported()));
            }
            case SEND -> send(exchange, envelope, decision);
        }
    }

    private void send(Exchange exchange, Envelope envelope, DsnDecision decision) throws Exception {
        BodySource body = SmtpRelayProducer.bodyOf(exchange);
        Message message = exchange.getMessage();
        Long until = message.getHeader(WILL_RETRY_UNTIL, Long.class);
        DsnRequest request = DsnRequest.of(envelope, decision.reported(), new OriginalMessage(body.size(), body::open))
                .withLastAttempt(clock.instant())
                .withWillRetryUntil(until == null ? null : Instant.ofEpochMilli(until));
        CachedOutputStream out = new CachedOutputStream(exchange);
        DsnResult result;
        try {
            result = composer.compose(request, out);
        } catch (DsnTooLargeException e) {
            out.close();
            LOG.error("{}: cannot write a {} notice within the size limit ({}); original moved to {}", envelope.queueId(),
                    decision.kind().templateName(), e.getMessage(), QueueNames.DEAD);
            toDead(exchange, "notice too large: " + e.getMessage());
            return;
        }
        out.flush();
        StreamCache notice = out.newStreamCache();
        String queueId = QueueIds.next();
        Envelope noticeEnvelope = result.envelope(envelope, queueId, clock.instant());
        Map<String, Object> headers = new HashMap<>();
        EnvelopeHeaders.write(noticeEnvelope, headers);
        Exchange copy = exchange.copy();
        Message m = copy.getMessage();
        m.getHeaders().clear();
        m.getHeaders().putAll(headers);
        m.setBody(notice);
        produce(exchange, INCOMING, copy);
        meters.get(decision.kind()).increment();
        io.mailhub.delivery.DeliveryEvents log = events;
        if (log != null) {
            Map<String, Object> f = new java.util.LinkedHashMap<>();
            f.put("notice_queue_id", queueId);
            f.put("action", decision.kind().templateName().replace("_template", ""));
            f.put("sender", envelope.senderPath());
            f.put("recipients", decision.reported().stream().map(o -> o.recipient().address().toString()).toList());
            f.put("size", result.size());
            log.note(clock.instant(), envelope.queueId(), "bounced", f);
        }
        LOG.info("{}: sender notice {} ({}, {} octets, {}) queued as {} for {}", envelope.queueId(), result.messageId(),
                decision.kind().templateName(), result.size(), result.returned(), queueId, describe(decision.reported()));
    }

    private void toDead(Exchange exchange, String reason) throws Exception {
        Exchange copy = exchange.copy();
        copy.getMessage().setHeader(DEAD_REASON, reason);
        produce(exchange, DEAD, copy);
    }

    private void produce(Exchange original, String uri, Exchange copy) throws Exception {
        sends.send(original, uri, copy);
    }

    private static String describe(List<RecipientOutcome> outcomes) {
        return outcomes.stream().map(o -> o.recipient().address() + " " + o.action() + " " + o.status())
                .collect(Collectors.joining(", "));
    }
}
