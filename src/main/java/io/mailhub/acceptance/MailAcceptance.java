package io.mailhub.acceptance;

import io.mailhub.authres.InboundAuthentication;
import io.mailhub.cleanup.HeaderFieldFilter;
import io.mailhub.cleanup.MessageComposer;
import io.mailhub.dkim.MessageHeader;
import io.mailhub.model.Envelope;
import io.mailhub.model.EnvelopeHeaders;
import io.mailhub.model.MailAddress;
import io.mailhub.model.MessageContent;
import io.mailhub.model.QueueIds;
import io.mailhub.model.SmtpReply;
import io.mailhub.policy.HookResult;
import io.mailhub.policy.PolicyChain;
import io.mailhub.queue.MailQueue;
import io.mailhub.queue.QueueException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one acceptance path of every door (see the package documentation for the order of the steps). It answers with a
 * {@link Decision}; "accepted" means the broker has the message on disk.
 */
public final class MailAcceptance {

    private static final Logger LOG = LoggerFactory.getLogger("io.mailhub.acceptance");

    /** The message property that names the door: {@code smtp}, {@code submission}, {@code smtps}, {@code http}, ... */
    public static final String INGRESS = "MailhubIngress";

    static final SmtpReply TOO_MANY_HOPS = SmtpReply.of(554, "5.4.6", "Error: too many hops, mail loop?");
    static final SmtpReply TOO_BIG = SmtpReply.of(552, "5.3.4", "Error: message size exceeds fixed limit");
    static final SmtpReply SIGNING_FAILED = SmtpReply.of(451, "4.7.0", "Error: cannot sign the message, try again later");
    public static final SmtpReply INSUFFICIENT_STORAGE = SmtpReply.of(452, "4.3.1", "Insufficient system storage");
    public static final SmtpReply QUEUE_UNAVAILABLE =
            SmtpReply.of(451, "4.3.0", "Error: mail queue unavailable, try again later");

    private final AcceptanceSettings settings;
    private final PolicyChain policy;
    private final MailQueue queue;
    private final MessageComposer composer;
    private final InboundAuthentication inbound;
    private final boolean dmarcReject;
    private final Clock clock;
    private volatile PolicyRoute policyRoute;
    private volatile io.mailhub.filter.SpamCheck spamCheck;
    private volatile io.mailhub.filter.VirusCheck virusCheck;

    /**
     * @param inbound SPF, DKIM and DMARC checks of mail from other servers (the MX listener), or {@code null}: none
     * @param dmarcReject whether a DMARC failure under {@code p=reject} is refused (550 5.7.1) rather than marked
     */
    public MailAcceptance(AcceptanceSettings settings, PolicyChain policy, MailQueue queue, MessageComposer composer,
            InboundAuthentication inbound, boolean dmarcReject, Clock clock) {
        this.settings = settings;
        this.policy = policy;
        this.queue = queue;
        this.composer = composer;
        this.inbound = inbound;
        this.dmarcReject = dmarcReject;
        this.clock = clock;
    }

    /** The user's policy route ({@code direct:policy}), asked before every enqueue; {@code null}: none. */
    public void withPolicyRoute(PolicyRoute route) {
        this.policyRoute = route;
    }

    /** Virus scanning of every message (before the spam check); {@code null}: none. */
    public void withVirusCheck(io.mailhub.filter.VirusCheck check) {
        this.virusCheck = check;
    }

    /** Spam scoring of mail from untrusted clients (before the policy route); {@code null}: none. */
    public void withSpamCheck(io.mailhub.filter.SpamCheck check) {
        this.spamCheck = check;
    }

    public AcceptanceSettings settings() {
        return settings;
    }

    public PolicyChain policy() {
        return policy;
    }

    /** Whether a message of {@code size} octets (0: unknown) can be stored now: what a door says before taking it in. */
    public MailQueue.Readiness readiness(long size) {
        return queue.readiness(size);
    }

    /** The reply for a queue that is not ready: 452 4.3.1 for a full disk, 451 4.3.0 for a broker out of reach. */
    public static SmtpReply notReady(MailQueue.Readiness readiness) {
        return readiness == MailQueue.Readiness.NO_ROOM ? INSUFFICIENT_STORAGE : QUEUE_UNAVAILABLE;
    }

    /**
     * The envelope phase for doors that receive the whole envelope at once (HTTP, pickup, JMS): the sender, then each
     * recipient, through the same policy chain the SMTP listener asks at MAIL and RCPT (sender rules of the principal,
     * rate limits, relay control). SMTP asks the chain itself, in the session, and does not call this.
     */
    public EnvelopeCheck checkEnvelope(Origin origin, io.mailhub.model.MailAddress sender,
            List<io.mailhub.model.Recipient> recipients) {
        HookResult mail = policy.mail(origin, sender);
        if (mail.isReject()) {
            return new EnvelopeCheck(mail.reply(), List.of(), Map.of());
        }
        List<io.mailhub.model.Recipient> accepted = new ArrayList<>();
        Map<io.mailhub.model.Recipient, SmtpReply> refused = new LinkedHashMap<>();
        for (io.mailhub.model.Recipient r : recipients) {
            HookResult rcpt = policy.rcpt(origin, sender, r);
            if (rcpt.isReject()) {
                refused.put(r, rcpt.reply());
            } else if (accepted.stream().noneMatch(a -> a.address().equals(r.address()))) {
                accepted.add(r);
            }
        }
        return new EnvelopeCheck(null, accepted, refused);
    }

    /**
     * The domain of a Message-ID that must come out the same when the request is repeated, also on another hub with
     * another host name: the sender's domain (A-label), or this hub's name for the null sender.
     */
    private String stableDomain(Submission s) {
        MailAddress sender = s.sender();
        return sender != null && !sender.isAddressLiteral() ? sender.asciiForm().domain() : settings.hostname();
    }

    private volatile AcceptanceMeters meters = AcceptanceMeters.none();

    private volatile AcceptanceEvents events = AcceptanceEvents.NONE;

    /** Reports every decision to {@code events} (the event log's received and rejected lines). */
    public MailAcceptance withEvents(AcceptanceEvents events) {
        this.events = events;
        return this;
    }

    /** Counts what this stage decides in {@code meters}. */
    public MailAcceptance withMeters(AcceptanceMeters meters) {
        this.meters = meters;
        return this;
    }

    /** Decides about one message; always closes its content. */
    public Decision accept(Submission s) {
        Decision d = decide(s);
        if (d.isAccepted()) {
            meters.accepted(s.origin().door(), d.size());
        } else {
            meters.refused(s.origin().door(), d.reply());
        }
        try {
            events.decided(s, d);
        } catch (RuntimeException e) {
            LOG.warn("{}: the event log refused the decision: {}", d.queueId(), e.toString());
        }
        return d;
    }

    private Decision decide(Submission s) {
        String queueId = s.queueId() != null ? s.queueId() : QueueIds.next();
        Origin o = s.origin();
        String client = o.client().getHostAddress();
        Envelope envelope = new Envelope(queueId, s.sender(), s.recipients(), s.ret(), s.envid(), s.body(),
                s.smtputf8(), client, o.clientHelo(), o.authUser(), clock.instant(), s.content().size());
        try (MessageContent content = s.content()) {
            SmtpReply refusal = check(s, envelope, content);
            if (refusal != null) {
                LOG.info("{}: reject: END-OF-MESSAGE from [{}] via {}: {}; from={}", queueId, client, o.door().label(),
                        refusal, envelope.senderPath());
                return Decision.refused(refusal);
            }
            InboundAuthentication.Report checks = null;
            if (!o.isOutbound() && o.door() == Door.SMTP && inbound != null) {
                checks = inbound.check(o.client(), o.clientHelo(), s.sender(), content);
                meters.checked(checks);
                LOG.info("{}: spf={} dkim={} dmarc={} dis={} from=[{}]", queueId, checks.spf().result().keyword(),
                        checks.dkim().stream().map(r -> r.result().keyword()).toList(),
                        checks.dmarc().result().keyword(), checks.disposition(), client);
                if (dmarcReject && checks.disposition().equals("reject")) {
                    return Decision.refused(SmtpReply.of(550, "5.7.1", "Email rejected per DMARC policy for "
                            + checks.dmarc().fromDomain()));
                }
            }
            Map<String, String> annotations = annotations(s, checks);
            io.mailhub.filter.VirusCheck virus = virusCheck;
            String virusField = null;
            if (virus != null) {
                io.mailhub.filter.VirusCheck.Outcome v = virus.check(queueId, content);
                if (v.refusal() != null) {
                    LOG.info("{}: reject: END-OF-MESSAGE from [{}] via {}: {} (virus scanner); from={}", queueId,
                            client, o.door().label(), v.refusal(), envelope.senderPath());
                    return v.refusal().code() / 100 == 5 ? Decision.refusedByRoute(v.refusal())
                            : Decision.refused(v.refusal());
                }
                virusField = v.field();
            }
            io.mailhub.filter.SpamCheck spam = spamCheck;
            io.mailhub.filter.SpamCheck.Outcome spamOutcome = null;
            if (spam != null && !o.isOutbound()) {
                spamOutcome = spam.check(envelope, content);
                if (spamOutcome.refusal() != null) {
                    LOG.info("{}: reject: END-OF-MESSAGE from [{}] via {}: {} (spam filter); from={}", queueId, client,
                            o.door().label(), spamOutcome.refusal(), envelope.senderPath());
                    return spamOutcome.refusal().code() / 100 == 5 ? Decision.refusedByRoute(spamOutcome.refusal())
                            : Decision.refused(spamOutcome.refusal());
                }
                annotations.putAll(spamOutcome.annotations());
            }
            PolicyRoute.Decision route = PolicyRoute.Decision.NONE;
            PolicyRoute pr = policyRoute;
            if (pr != null) {
                route = pr.decide(envelope, o, annotations, content);
                if (route.refusal() != null) {
                    LOG.info("{}: reject: END-OF-MESSAGE from [{}] via {}: {} (policy route); from={}", queueId, client,
                            o.door().label(), route.refusal(), envelope.senderPath());
                    return Decision.refusedByRoute(route.refusal());
                }
                if (route.rewritten() != null) {
                    envelope = new Envelope(envelope.queueId(), route.rewritten().sender(),
                            route.rewritten().recipients(), envelope.ret(), envelope.envid(), envelope.body(),
                            envelope.smtputf8(), envelope.clientAddress(), envelope.clientHelo(), envelope.authUser(),
                            envelope.arrival(), envelope.size());
                }
                if (route.discardReason() != null && !route.extraRecipients().isEmpty()) {
                    // the copies (an archive, an audit bcc) outlive a discard; only the recipients are dropped
                    LOG.info("{}: discarded for its recipients (policy route): {}; only its copies are queued",
                            queueId, route.discardReason());
                    envelope = envelope.withRecipients(route.extraRecipients());
                } else if (!route.extraRecipients().isEmpty()) {
                    List<io.mailhub.model.Recipient> all = new ArrayList<>(envelope.recipients());
                    route.extraRecipients().stream().filter(r -> all.stream()
                            .noneMatch(a -> a.address().equals(r.address()))).forEach(all::add);
                    envelope = envelope.withRecipients(all);
                }
                annotations.putAll(route.annotations());
                annotations.remove(PolicyRoute.DISCARD);
            }
            MessageContent body = withoutUnwantedFields(content, s, checks != null, spamOutcome != null,
                    virusField != null);
            if (route.editsHeader()) {
                Set<String> remove = route.removeFields();
                body = remove.isEmpty() ? body : HeaderFieldFilter.without(body,
                        f -> remove.contains(f.substring(0, Math.max(0, f.indexOf(':'))).strip()
                                .toLowerCase(java.util.Locale.ROOT)));
                if (!route.addFields().isEmpty()) {
                    body = MessageContent.prefixed((String.join("\r\n", route.addFields()) + "\r\n")
                            .getBytes(StandardCharsets.UTF_8), body);
                }
            }
            String messageId = s.headers().hasMessageId() ? s.headers().messageId()
                    : s.queueId() != null ? queueId + "@" + stableDomain(s) // the same for a repeated request
                    : composer.newMessageId(queueId);
            MessageContent composed = composer.compose(envelope, o.trace(), s.headers(), body, messageId);
            if (checks != null) {
                composed = MessageContent.prefixed(checks.header().getBytes(StandardCharsets.UTF_8), composed);
            }
            if (virusField != null) {
                composed = MessageContent.prefixed((virusField + "\r\n").getBytes(StandardCharsets.UTF_8), composed);
            }
            if (spamOutcome != null && !spamOutcome.fields().isEmpty()) {
                composed = MessageContent.prefixed((String.join("\r\n", spamOutcome.fields()) + "\r\n")
                        .getBytes(StandardCharsets.UTF_8), composed);
            }
            annotations.put(EnvelopeHeaders.MESSAGE_ID, messageId);
            annotations.put(EnvelopeHeaders.DKIM_SIGNED, "false");
            annotations.remove(EnvelopeHeaders.DKIM_DOMAIN);
            annotations.remove(EnvelopeHeaders.DKIM_SELECTORS);
            if (o.isOutbound()) {
                try {
                    io.mailhub.dkim.DkimSigner.Signed signed = composer.signed(composed);
                    composed = signed.content();
                    if (signed.domain() != null) { // the event log names the signature of each delivery
                        meters.signed();
                        annotations.put(EnvelopeHeaders.DKIM_SIGNED, "true");
                        annotations.put(EnvelopeHeaders.DKIM_DOMAIN, signed.domain());
                        annotations.put(EnvelopeHeaders.DKIM_SELECTORS, String.join(",", signed.selectors()));
                    }
                } catch (IOException e) {
                    LOG.error("{}: not queued, DKIM signing failed: {}", queueId, e.getMessage());
                    return Decision.refused(SIGNING_FAILED);
                }
            }
            if (route.discardReason() != null && route.extraRecipients().isEmpty()) {
                return discarded(s, envelope, composed, messageId, route.discardReason());
            }
            return store(s, envelope, composed, annotations, messageId);
        } catch (IOException e) {
            LOG.warn("{}: not queued, cannot read the message: {}", queueId, e.toString());
            return Decision.refused(QUEUE_UNAVAILABLE);
        }
    }

    /** Hop count, size, the data hooks and the principal's sender rules; {@code null} when all pass. */
    private SmtpReply check(Submission s, Envelope envelope, MessageContent content) throws IOException {
        if (s.headers().receivedCount() > settings.maxHops()) {
            return TOO_MANY_HOPS;
        }
        if (content.size() > settings.maxMessageSize()) {
            return TOO_BIG;
        }
        HookResult r = policy.data(s.origin(), envelope);
        if (r.isReject()) {
            return r.reply();
        }
        if (s.origin().authUser() == null || !policy.checksHeaderFrom()) {
            return null;
        }
        List<String> fields = new ArrayList<>();
        try (InputStream in = content.openStream()) {
            MessageHeader.read(in, fields);
        }
        HookResult from = policy.headerFrom(s.origin(), MessageHeader.fromAddresses(fields));
        return from.isReject() ? from.reply() : null;
    }

    /**
     * Removes header fields no client may send: internal {@code Mailhub*} fields (on every door), and on inbound mail
     * Authentication-Results that claim to be ours (RFC 8601 section 5). Reads the header only when there is
     * something to remove.
     */
    private MessageContent withoutUnwantedFields(MessageContent content, Submission s, boolean inboundChecked,
            boolean spamChecked, boolean virusScanned) throws IOException {
        boolean internal = s.headers().hasInternalFields();
        if (!internal && !inboundChecked && !spamChecked && !virusScanned) {
            return content;
        }
        if (virusScanned) {
            Predicate<String> scanned = f -> f.regionMatches(true, 0, "X-Virus-Scanned:", 0, 16);
            content = HeaderFieldFilter.without(content, scanned);
        }
        Predicate<String> drop = f -> internal && f.regionMatches(true, 0, "Mailhub", 0, 7);
        if (inboundChecked) {
            drop = drop.or(f -> InboundAuthentication.claimsToBe(f, settings.hostname()));
        }
        if (spamChecked) { // a sender's own verdict must not pass for ours
            drop = drop.or(f -> f.regionMatches(true, 0, "X-Spam-Status:", 0, 14)
                    || f.regionMatches(true, 0, "X-Spam-Action:", 0, 14));
        }
        return HeaderFieldFilter.without(content, drop);
    }

    private Decision store(Submission s, Envelope envelope, MessageContent composed, Map<String, String> annotations,
            String messageId) {
        try (MessageContent stored = composed) {
            Envelope queued = envelope.withSize(stored.size());
            queue.enqueue(queued, stored, annotations, s.deliverAt());
            LOG.info("{}: message-id=<{}>, from={}, size={}, nrcpt={}, client=[{}], helo={}, via={}{} (queued)",
                    queued.queueId(), messageId, queued.senderPath(), queued.size(), queued.recipients().size(),
                    queued.clientAddress(),
                    queued.clientHelo(), s.origin().door().label(),
                    s.origin().authUser() == null ? "" : ", principal=" + s.origin().authUser());
            return new Decision(SmtpReply.of(250, "2.0.0", "Ok: queued as " + queued.queueId()), queued.queueId(),
                    messageId, queued.size());
        } catch (QueueException e) {
            SmtpReply reply = e.isNoRoom() ? INSUFFICIENT_STORAGE : QUEUE_UNAVAILABLE;
            LOG.warn("{}: not queued, answering {}: {}", envelope.queueId(), reply.code(), e.getMessage());
            return Decision.refused(reply);
        }
    }

    /**
     * Answers a message the policy route discarded as if it were queued (Postfix's DISCARD, Sieve's discard: the
     * sender learns nothing), without storing it: nothing is to be delivered, so there is nothing to lose.
     */
    private Decision discarded(Submission s, Envelope envelope, MessageContent composed, String messageId,
            String reason) throws IOException {
        try (MessageContent content = composed) {
            LOG.info("{}: discarded (policy route): {}; message-id=<{}>, from={}, size={}, nrcpt={}, client=[{}], via={}"
                    + " (answered as queued, not stored)", envelope.queueId(), reason, messageId, envelope.senderPath(),
                    content.size(), envelope.recipients().size(), envelope.clientAddress(), s.origin().door().label());
            return new Decision(SmtpReply.of(250, "2.0.0", "Ok: queued as " + envelope.queueId()), envelope.queueId(),
                    messageId, content.size());
        }
    }

    /** The door's annotations, the door itself, and for inbound mail the SPF and DMARC results. */
    private static Map<String, String> annotations(Submission s, InboundAuthentication.Report checks) {
        Map<String, String> a = new LinkedHashMap<>(s.annotations());
        a.put(INGRESS, s.origin().door().label());
        if (s.queueId() != null) {
            a.put(MailQueue.DEDUPLICATION_ID, "mailhub:" + s.queueId()); // the broker stores the message only once
        }
        if (checks != null) {
            a.put("MailhubDmarc", checks.dmarc().result().keyword());
            a.put("MailhubDmarcDisposition", checks.disposition());
            a.put("MailhubSpf", checks.spf().result().keyword());
            // each signature's result with its domain, such as "pass:example.com,fail:other.example"; "none" unsigned
            a.put("MailhubDkim", checks.dkim().isEmpty() ? "none" : String.join(",", checks.dkim().stream()
                    .map(o -> o.result().keyword() + (o.domain() == null ? "" : ":" + o.domain())).toList()));
        }
        return a;
    }
}
