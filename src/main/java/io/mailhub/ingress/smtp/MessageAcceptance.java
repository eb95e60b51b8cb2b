package io.mailhub.ingress.smtp;

import io.mailhub.authres.InboundAuthentication;
import io.mailhub.cleanup.HeaderFieldFilter;
import io.mailhub.dkim.MessageHeader;
import io.mailhub.model.Envelope;
import io.mailhub.model.MessageContent;
import io.mailhub.model.QueueIds;
import io.mailhub.model.SmtpReply;
import io.mailhub.policy.HookResult;
import io.mailhub.queue.QueueException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens to a received message that passed the content checks, in order: the data hooks and the From: check
 * (logged-in users); for inbound mail on the MX listener SPF, DKIM and DMARC (maybe refusing it) and the removal of
 * forged Authentication-Results; then cleanup (Received, Message-ID, Date), our Authentication-Results, DKIM signing
 * of outbound mail, and the durable enqueue. The reply says how it ended: 250 with the queue id only once stored.
 */
final class MessageAcceptance {

    private static final Logger LOG = LoggerFactory.getLogger("io.mailhub.ingress");

    private final SmtpSession session;
    private final SmtpServer server;
    private final String client;

    MessageAcceptance(SmtpSession session, SmtpServer server) {
        this.session = session;
        this.server = server;
        this.client = session.clientAddress().getHostAddress();
    }

    SmtpReply accept(Transaction t, IncomingMessage message, MessageContent content) throws IOException {
        String queueId = QueueIds.next();
        Envelope envelope = new Envelope(queueId, t.sender, t.recipients, t.ret, t.envid, t.body, t.smtputf8, client,
                session.helo(), session.authUser(), Instant.now(), content.size());
        try (content) {
            int hops = message.headers().receivedCount();
            if (hops > server.settings().maxHops()) {
                LOG.info("{}: reject: END-OF-MESSAGE from [{}]: {} Received header fields, more than {}: mail loop",
                        queueId, client, hops, server.settings().maxHops());
                return SmtpReplies.TOO_MANY_HOPS;
            }
            HookResult r = policy(envelope, content);
            if (r.isReject()) {
                LOG.info("{}: reject: END-OF-MESSAGE from [{}]: {}", queueId, client, r.reply());
                return r.reply();
            }
            boolean outbound = server.policy().mayRelay(session);
            InboundAuthentication.Report checks = null;
            MessageContent body = content;
            if (!outbound && server.role() == ListenerRole.MX && server.security().inbound() != null) {
                checks = server.security().inbound().check(session.clientAddress(), session.helo(), t.sender, content);
                LOG.info("{}: spf={} dkim={} dmarc={} dis={} from=[{}]", queueId, checks.spf().result().keyword(),
                        checks.dkim().stream().map(o -> o.result().keyword()).toList(),
                        checks.dmarc().result().keyword(), checks.disposition(), client);
                if (server.security().dmarcReject() && checks.disposition().equals("reject")) {
                    return SmtpReplies.dmarcReject(checks.dmarc().fromDomain());
                }
                // RFC 8601 section 5: results that claim to be ours but arrived with the message are forgeries
                String ours = server.settings().hostname();
                body = HeaderFieldFilter.without(content, f -> InboundAuthentication.claimsToBe(f, ours));
            }
            MessageContent composed = server.composer().compose(envelope, session.trace(), message.headers(), body);
            if (checks != null) {
                composed = MessageContent.prefixed(checks.header().getBytes(StandardCharsets.UTF_8), composed);
            }
            if (outbound) {
                try {
                    composed = server.composer().sign(composed);
                } catch (IOException e) {
                    LOG.error("{}: not queued, DKIM signing failed: {}", queueId, e.getMessage());
                    return SmtpReplies.SIGNING_FAILED;
                }
            }
            return store(envelope, composed, annotations(checks));
        }
    }

    /** The data hooks, then (for a logged-in user, when configured) the From: header check. */
    private HookResult policy(Envelope envelope, MessageContent content) throws IOException {
        HookResult r = server.policy().data(session, envelope);
        if (r.isReject() || session.user() == null || !server.policy().checksHeaderFrom()) {
            return r;
        }
        List<String> fields = new ArrayList<>();
        try (InputStream in = content.openStream()) {
            MessageHeader.read(in, fields);
        }
        return server.policy().headerFrom(session, MessageHeader.fromAddresses(fields));
    }

    private SmtpReply store(Envelope envelope, MessageContent composed, Map<String, String> annotations) {
        try (MessageContent stored = composed) {
            Envelope queued = envelope.withSize(stored.size());
            server.queue().enqueue(queued, stored, annotations);
            LOG.info("{}: from={}, size={}, nrcpt={}, client=[{}], helo={} (queued)", queued.queueId(),
                    queued.senderPath(), queued.size(), queued.recipients().size(), client, session.helo());
            return SmtpReplies.queued(queued.queueId());
        } catch (QueueException e) {
            SmtpReply reply = e.isNoRoom() ? SmtpReplies.INSUFFICIENT_STORAGE : SmtpReplies.QUEUE_UNAVAILABLE;
            LOG.warn("{}: not queued, answering {}: {}", envelope.queueId(), reply.code(), e.getMessage());
            return reply;
        }
    }

    /** Message properties the routes can act on: the SPF and DMARC results and the DMARC disposition. */
    private static Map<String, String> annotations(InboundAuthentication.Report checks) {
        if (checks == null) {
            return Map.of();
        }
        return Map.of("MailhubDmarc", checks.dmarc().result().keyword(), "MailhubDmarcDisposition",
                checks.disposition(), "MailhubSpf", checks.spf().result().keyword());
    }
}
