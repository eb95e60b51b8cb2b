package io.mailhub.routing;

import io.mailhub.model.Envelope;
import io.mailhub.model.EnvelopeHeaders;
import io.mailhub.model.Recipient;
import io.mailhub.queue.JoinedSend;
import io.mailhub.relay.DeliveryReport;
import io.mailhub.relay.RecipientResult;
import io.mailhub.relay.RecipientStatus;
import io.mailhub.relay.SmtpRelayConstants;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dispatch stage's routing step, for each message taken from {@code mail.incoming}, inside its transaction:
 * carries out what the policy route decided before the queue (hold, discard), then runs the user's routing route
 * ({@code from: direct:routing}) on a copy of the exchange and carries out its {@link RouteVerdict}: hold, discard,
 * bounce, egress (already done by the actions, in this transaction), copies, next hop, header edits. Sets the exchange
 * property {@link #DELIVER} to whether the dispatch route goes on to delivery. A route that fails rolls the
 * transaction back: the broker redelivers the message later, and after its attempts it ends in {@code mail.dead}.
 */
public final class RoutingStage implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger("io.mailhub.routing");

    /** The exchange property the dispatch route tests: whether SMTP delivery follows. */
    public static final String DELIVER = "MailhubDeliver";
    /** The message property of a message the policy route discarded: the reason. */
    public static final String DISCARD = io.mailhub.acceptance.PolicyRoute.DISCARD;
    /** On a message made by mailhub:split: the queue id of the message it was split from. */
    public static final String SPLIT_FROM = "MailhubSplitFrom";
    /**
     * On a message made by mailhub:split: the addresses the routing route copied the original to before it split it,
     * comma-separated. Those copies travel as a part of their own, so the route's copy to the same address in each part
     * is not made again.
     */
    public static final String SPLIT_COPIES = "MailhubSplitCopies";
    /**
     * The hand-offs ({@code jms QUEUE}, {@code file DIR}, {@code webhook URL}, one per line) an earlier run of the
     * routing route made before a webhook failed for now; they were committed with the retry, so the route's next run
     * does not make them again.
     */
    public static final String EGRESS_DONE = "MailhubEgressDone";
    /** How often a webhook of the routing route has failed for this message. */
    public static final String EGRESS_ATTEMPTS = "MailhubEgressAttempts";
    /** After this many failed webhook attempts the message goes to mail.dead. */
    static final int MAX_EGRESS_ATTEMPTS = 8;

    private final RouteHooks hooks;
    private final Processor deliveryOutcome;
    private final JoinedSend sends = new JoinedSend();

    /** @param deliveryOutcome what turns a delivery report into retries and bounces (for mailhub:bounce) */
    public RoutingStage(RouteHooks hooks, Processor deliveryOutcome) {
        this.hooks = hooks;
        this.deliveryOutcome = deliveryOutcome;
    }

    private volatile io.mailhub.delivery.DeliveryEvents events;
    private volatile io.mailhub.dkim.DkimSigner signer;

    /**
     * Signs again what the acceptance stage signed and the routing route then edited (a header field added or removed,
     * the Subject prefixed), so the edit does not break the signature; {@code null}: no DKIM keys.
     */
    public RoutingStage withSigner(io.mailhub.dkim.DkimSigner signer) {
        this.signer = signer;
        return this;
    }

    /** {@code edited} signed again when the acceptance stage had signed the message and a signer is there. */
    private byte[] resigned(byte[] edited, Message m) throws java.io.IOException {
        io.mailhub.dkim.DkimSigner s = signer;
        String selectors = m.getHeader(EnvelopeHeaders.DKIM_SELECTORS, String.class);
        if (s == null || !"true".equals(m.getHeader(EnvelopeHeaders.DKIM_SIGNED, String.class)) || selectors == null) {
            return edited;
        }
        return s.resigned(edited, m.getHeader(EnvelopeHeaders.DKIM_DOMAIN, String.class),
                List.of(selectors.split(",")));
    }

    /** Records each message a route holds as a {@code held} line of the event log. */
    public RoutingStage withEvents(io.mailhub.delivery.DeliveryEvents events) {
        this.events = events;
        return this;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Message m = exchange.getMessage();
        String queueId = m.getHeader(EnvelopeHeaders.QUEUE_ID, String.class);
        exchange.setProperty(DELIVER, false);
        m.removeHeader(EnvelopeHeaders.HELD_BY); // released from a hold before it was routed: no longer held
        String discarded = m.getHeader(DISCARD, String.class);
        if (discarded != null) {
            LOG.info("{}: discarded (policy route): {}", queueId, discarded);
            return;
        }
        String held = m.getHeader(CamelPolicyRoute.HOLD, String.class);
        if (held != null && !held.isEmpty()) {
            hold(exchange, exchange.copy(), held, "decided before the queue");
            return;
        }
        Route route = hooks.route(RouteHooks.ROUTING);
        if (route == null) {
            exchange.setProperty(DELIVER, true);
            return;
        }
        RouteVerdict ran;
        try {
            ran = run(exchange, route);
        } catch (Egress.WebhookException e) {
            ran = retryLater(exchange, queueId, e);
            if (ran == null) {
                return; // scheduled again
            }
        }
        RouteVerdict v = ran;
        List<io.mailhub.model.MailAddress> copies = notCopiedBeforeSplit(v.copies(), m);
        // copies the route made (an archive, an audit bcc) are delivered whatever else it decided: after a discard, a
        // hold, a bounce or a hand-off, they alone go on to delivery
        boolean copiesOnly = !copies.isEmpty() && (v.discardReason() != null || !v.handedOff().isEmpty()
                || v.holdQueue() != null || v.bounceReply() != null);
        if (v.discardReason() != null) {
            LOG.info("{}: discarded (routing route): {}{}", queueId, v.discardReason(),
                    copiesOnly ? "; its copies are delivered" : "");
            if (!copiesOnly) {
                return;
            }
        }
        if (v.isSplit() && !copiesOnly) {
            split(exchange, queueId, copies);
            return;
        }
        if (v.holdQueue() != null && v.discardReason() == null) {
            Exchange kept = exchange.copy(); // released later straight to delivery: it keeps the route's edits
            edit(kept.getMessage(), v, queueId);
            hold(exchange, kept, v.holdQueue(), "routing route");
            if (!copiesOnly) {
                return;
            }
        }
        if (v.bounceReply() != null && v.discardReason() == null && v.holdQueue() == null) {
            Envelope e = EnvelopeHeaders.read(m::getHeader);
            List<RecipientResult> failed = e.recipients().stream().map(r -> new RecipientResult(r,
                    RecipientStatus.FAILED, v.bounceReply(), null, io.mailhub.relay.Blame.NONE, false)).toList();
            m.setHeader(SmtpRelayConstants.REPORT, new DeliveryReport(failed));
            LOG.info("{}: bounced by the routing route: {}", queueId, v.bounceReply());
            deliveryOutcome.process(exchange);
            if (!copiesOnly) {
                return;
            }
            m.removeHeader(SmtpRelayConstants.REPORT); // the bounce is queued; the copies' delivery makes its own
        }
        if (!v.handedOff().isEmpty() && v.discardReason() == null) {
            LOG.info("{}: handed over by the routing route: {}{}", queueId, String.join(", ", v.handedOff()),
                    copiesOnly ? "; its copies are delivered" : "");
            if (!copiesOnly) {
                return;
            }
        }
        edit(m, v, queueId);
        if (!copies.isEmpty()) {
            List<Recipient> all = copiesOnly ? new ArrayList<>() : new ArrayList<>(EnvelopeHeaders.parseRecipients(
                    m.getHeader(EnvelopeHeaders.RECIPIENTS, String.class)));
            copies.stream().filter(c -> all.stream().noneMatch(r -> r.address().equals(c)))
                    .forEach(c -> all.add(Recipient.of(c)));
            m.setHeader(EnvelopeHeaders.RECIPIENTS, EnvelopeHeaders.recipientLines(all));
        }
        if (v.takesOverDelivery() || !copies.isEmpty() || v.nextHop() != null || v.editsMessage()
                || !v.rewrites().isEmpty()) {
            LOG.info("{}: routing route: {}", queueId, v.summary());
        }
        exchange.setProperty(DELIVER, true);
    }

    /** The hand-offs earlier runs of the routing route made ({@link #EGRESS_DONE}). */
    static List<String> egressDone(Message m) {
        String done = m.getHeader(EGRESS_DONE, String.class);
        return done == null || done.isEmpty() ? List.of() : List.of(done.split("\n"));
    }

    /**
     * Carries out the route's changes to the message itself: address rewrites, the next hop, header edits and footers
     * (the message then signed again with our DKIM keys).
     */
    private void edit(Message m, RouteVerdict v, String queueId) throws Exception {
        if (!v.rewrites().isEmpty()) {
            Envelope e = EnvelopeHeaders.read(m::getHeader);
            io.mailhub.model.MailAddress sender = v.rewriteSender(e.sender());
            m.setHeader(EnvelopeHeaders.SENDER, sender == null ? "" : sender.toString());
            m.setHeader(EnvelopeHeaders.RECIPIENTS, EnvelopeHeaders.recipientLines(v.rewriteRecipients(e.recipients())));
        }
        if (v.nextHop() != null) {
            m.setHeader(SmtpRelayConstants.NEXT_HOP, v.nextHop());
        }
        if (v.editsMessage()) {
            m.setBody(resigned(VerdictEdits.apply(Egress.raw(m.getExchange()), v, queueId), m));
        }
    }

    /** Runs the routing route on a copy of the exchange (its headers are the route's to change) and returns its verdict. */
    RouteVerdict run(Exchange exchange, Route route) throws Exception {
        Exchange copy = exchange.copy();
        Message c = copy.getMessage();
        Envelope e = EnvelopeHeaders.read(c::getHeader);
        MessageFacts.envelope(e, c.getHeader(MailhubHeaders.INGRESS, "", String.class), c.getHeaders());
        c.setHeader(MailhubHeaders.STAGE, RouteVerdict.Stage.ROUTING.keyword());
        byte[] raw = Egress.raw(exchange);
        MessageFacts.content(() -> new java.io.ByteArrayInputStream(raw), hooks.readsAttachments(route), c.getHeaders());
        c.setBody(raw);
        RouteVerdict v = new RouteVerdict(RouteVerdict.Stage.ROUTING);
        copy.setProperty(RouteVerdict.PROPERTY, v);
        hooks.template().send(RouteHooks.ROUTING, copy);
        if (copy.getException() instanceof Egress.WebhookException w) {
            throw w.after(v); // scheduled again, with what was handed over so far
        }
        if (copy.getException() != null) {
            throw copy.getException(); // rolls back for broker redelivery
        }
        return v;
    }

    /**
     * A webhook failed for now: the message goes back to mail.incoming, scheduled after the webhook's Retry-After (at
     * most 24 hours) or else after 5 s, 15 s, 45 s, ... (at most an hour), in this transaction; the routing route runs
     * again then. After {@link #MAX_EGRESS_ATTEMPTS} it goes to mail.dead with the last reason, as a webhook's final
     * refusal with {@code onFinal=dead} does: the last run's verdict becomes a discard, so the copies it made (an
     * archive) are still delivered.
     *
     * @return {@code null} when scheduled again; the last run's verdict, discarded, when moved to mail.dead
     */
    private RouteVerdict retryLater(Exchange exchange, String queueId, Egress.WebhookException e) throws Exception {
        Message m = exchange.getMessage();
        int attempts = m.getHeader(EGRESS_ATTEMPTS, 0, Integer.class) + 1;
        if (attempts >= MAX_EGRESS_ATTEMPTS) {
            String reason = "webhook failed " + attempts + " times: " + e.getMessage();
            Egress.dead(exchange, sends, reason);
            LOG.warn("{}: moved to mail.dead after {} webhook attempts: {}", queueId, attempts, e.getMessage());
            RouteVerdict v = e.verdict() != null ? e.verdict() : new RouteVerdict(RouteVerdict.Stage.ROUTING);
            v.discard(reason + ", moved to mail.dead");
            return v;
        }
        long backoff = Math.min(3600, 5 * (long) Math.pow(3, attempts - 1));
        long delay = e.retryAfterSeconds() >= 0 ? Math.min(86_400, e.retryAfterSeconds()) : backoff;
        Exchange again = exchange.copy();
        again.getMessage().setHeader(EGRESS_ATTEMPTS, attempts);
        if (!e.handedOffBefore().isEmpty()) {
            java.util.LinkedHashSet<String> done = new java.util.LinkedHashSet<>(egressDone(m));
            done.addAll(e.handedOffBefore());
            again.getMessage().setHeader(EGRESS_DONE, String.join("\n", done));
        }
        again.getMessage().setHeader("_AMQ_SCHED_DELIVERY", System.currentTimeMillis() + delay * 1000);
        sends.send(exchange, "jms:queue:" + io.mailhub.queue.QueueNames.INCOMING, again);
        LOG.info("{}: {}; routing again in {} s (attempt {} of {})", queueId, e.getMessage(), delay, attempts,
                MAX_EGRESS_ATTEMPTS);
        return null;
    }

    /**
     * One message per recipient domain back into mail.incoming, in this transaction (so they replace this one
     * atomically), each with only its recipients, a queue id derived from this one and the domain, and
     * {@link #SPLIT_FROM}; the routing route then runs for each on its own. The copies the route made before it split
     * (an archive) are one more part, of the copies alone, so each is made once and not once per part
     * ({@link #SPLIT_COPIES}).
     */
    private void split(Exchange exchange, String queueId, List<io.mailhub.model.MailAddress> copies)
            throws Exception {
        Envelope e = EnvelopeHeaders.read(exchange.getMessage()::getHeader);
        java.util.Map<String, List<Recipient>> byDomain = new java.util.LinkedHashMap<>();
        for (Recipient r : e.recipients()) {
            byDomain.computeIfAbsent(r.address().domainKey(), k -> new ArrayList<>()).add(r);
        }
        List<Recipient> copyRecipients = copies.stream()
                .filter(c -> e.recipients().stream().noneMatch(r -> r.address().equals(c))).map(Recipient::of).toList();
        if (!copyRecipients.isEmpty()) {
            byDomain.put("copies made before the split", copyRecipients); // no domain key has spaces
        }
        String copied = String.join(",", copies.stream().map(Object::toString).toList());
        List<String> ids = new ArrayList<>();
        for (java.util.Map.Entry<String, List<Recipient>> group : byDomain.entrySet()) {
            Exchange part = exchange.copy();
            Message pm = part.getMessage();
            String id = io.mailhub.model.QueueIds.derived("split\0" + queueId + "\0" + group.getKey());
            pm.setHeader(EnvelopeHeaders.QUEUE_ID, id);
            pm.setHeader(EnvelopeHeaders.RECIPIENTS, EnvelopeHeaders.recipientLines(group.getValue()));
            pm.setHeader(SPLIT_FROM, queueId);
            if (!copied.isEmpty()) {
                pm.setHeader(SPLIT_COPIES, copied);
            }
            sends.send(exchange, "jms:queue:" + io.mailhub.queue.QueueNames.INCOMING, part);
            ids.add(id + " (" + group.getKey() + ")");
        }
        LOG.info("{}: split by the routing route into {}", queueId, String.join(", ", ids));
    }

    /** The route's copies without those its run on the original made before splitting it ({@link #SPLIT_COPIES}). */
    private static List<io.mailhub.model.MailAddress> notCopiedBeforeSplit(List<io.mailhub.model.MailAddress> copies,
            Message m) {
        String before = m.getHeader(SPLIT_COPIES, String.class);
        if (before == null || before.isEmpty() || copies.isEmpty()) {
            return copies;
        }
        Set<String> made = Set.of(before.split(","));
        return copies.stream().filter(c -> !made.contains(c.toString())).toList();
    }

    /** Stores {@code out} (a copy of the exchange, perhaps edited) in {@code queue}, in the exchange's transaction. */
    private void hold(Exchange exchange, Exchange out, String queue, String by) throws Exception {
        out.getMessage().removeHeader(CamelPolicyRoute.HOLD);
        out.getMessage().setHeader(EnvelopeHeaders.HELD_BY, by);
        sends.send(exchange, "jms:queue:" + queue, out);
        LOG.info("{}: held in {} ({})", exchange.getMessage().getHeader(EnvelopeHeaders.QUEUE_ID), queue, by);
        io.mailhub.delivery.DeliveryEvents log = events;
        if (log != null) {
            log.note(java.time.Instant.now(), exchange.getMessage().getHeader(EnvelopeHeaders.QUEUE_ID, String.class),
                    "held", java.util.Map.of("queue", queue, "by", by));
        }
    }
}
