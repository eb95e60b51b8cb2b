package io.mailhub.routing;

import io.mailhub.acceptance.Origin;
import io.mailhub.acceptance.PolicyRoute;
import io.mailhub.model.Envelope;
import io.mailhub.model.MessageContent;
import io.mailhub.model.Recipient;
import io.mailhub.model.SmtpReply;
import io.mailhub.relay.SmtpRelayConstants;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.support.DefaultExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the user's policy route ({@code from: direct:policy}) for a message of any door, before the durable enqueue,
 * and turns its {@link RouteVerdict} into the acceptance stage's decision. The route sees the {@link MailhubHeaders}
 * facts and the message's own header fields as headers, the message as the body. A route that fails answers a
 * temporary refusal (451 4.3.0): the client tries again, nothing is queued unchecked.
 */
public final class CamelPolicyRoute implements PolicyRoute {

    private static final Logger LOG = LoggerFactory.getLogger("io.mailhub.routing");

    /** The message property a held message carries: the queue dispatch moves it to. */
    public static final String HOLD = io.mailhub.model.EnvelopeHeaders.HOLD;

    static final SmtpReply ROUTE_FAILED = SmtpReply.of(451, "4.3.0", "Error: policy route failed, try again later");

    private final RouteHooks hooks;

    public CamelPolicyRoute(RouteHooks hooks) {
        this.hooks = hooks;
    }

    @Override
    public Decision decide(Envelope envelope, Origin origin, Map<String, String> annotations, MessageContent content) {
        Route route = hooks.route(RouteHooks.POLICY);
        if (route == null) {
            return Decision.NONE;
        }
        Exchange ex = new DefaultExchange(hooks.context());
        Map<String, Object> h = ex.getMessage().getHeaders();
        MessageFacts.Fields fields;
        try {
            h.putAll(annotations);
            MessageFacts.envelope(envelope, origin.door().label(), h);
            h.put(MailhubHeaders.STAGE, RouteVerdict.Stage.POLICY.keyword());
            fields = MessageFacts.content(() -> open(content), hooks.readsAttachments(route), h);
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("{}: policy route not run, cannot read the message: {}", envelope.queueId(), e.toString());
            return Decision.refuse(ROUTE_FAILED);
        }
        ex.getMessage().setBody(content);
        RouteVerdict v = new RouteVerdict(RouteVerdict.Stage.POLICY);
        ex.setProperty(RouteVerdict.PROPERTY, v);
        hooks.template().send(RouteHooks.POLICY, ex);
        if (ex.getException() != null) {
            LOG.error("{}: the policy route {} failed, answering {}: {}", envelope.queueId(), route.getRouteId(),
                    ROUTE_FAILED, ex.getException().toString());
            return Decision.refuse(ROUTE_FAILED);
        }
        if (v.rejection() != null) {
            return Decision.refuse(v.rejection());
        }
        List<Recipient> copies = v.copies().stream().map(Recipient::of).toList();
        Set<String> remove = new LinkedHashSet<>(v.removeFields());
        List<String> add = new ArrayList<>(v.addFields());
        if (v.subjectPrefix() != null) {
            remove.add("subject");
            add.add("Subject: " + v.subjectPrefix() + (fields.rawSubject() == null ? "" : fields.rawSubject()));
        }
        Map<String, String> props = new LinkedHashMap<>();
        if (v.holdQueue() != null) {
            props.put(HOLD, v.holdQueue());
        }
        if (v.discardReason() != null) {
            // the acceptance stage answers 250 and stores only the copies, if the route made any
            props.put(RoutingStage.DISCARD, v.discardReason());
        }
        if (v.nextHop() != null) {
            props.put(SmtpRelayConstants.NEXT_HOP, v.nextHop());
        }
        Decision.Rewritten rewritten = null;
        if (!v.rewrites().isEmpty()) {
            try {
                rewritten = new Decision.Rewritten(v.rewriteSender(envelope.sender()),
                        v.rewriteRecipients(envelope.recipients()));
            } catch (io.mailhub.model.SyntaxException e) {
                LOG.error("{}: the policy route {} failed, answering {}: {}", envelope.queueId(), route.getRouteId(),
                        ROUTE_FAILED, e.getMessage());
                return Decision.refuse(ROUTE_FAILED);
            }
        }
        if (v.takesOverDelivery() || !copies.isEmpty() || v.nextHop() != null || v.editsHeader()
                || rewritten != null) {
            LOG.info("{}: policy route: {}", envelope.queueId(), v.summary());
        }
        return new Decision(null, copies, remove, add, props, rewritten);
    }

    private static InputStream open(MessageContent content) {
        try {
            return content.openStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
