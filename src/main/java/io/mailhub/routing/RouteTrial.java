package io.mailhub.routing;

import io.mailhub.model.BodyType;
import io.mailhub.model.Envelope;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;

/**
 * Runs a message through the policy route and then the routing route of a context, as the hub would, without sending
 * anything anywhere (egress actions only say where they would hand the message), and says what each decided: the
 * core of {@code routes test}.
 */
public final class RouteTrial {

    private final RouteHooks hooks;

    public RouteTrial(CamelContext context) {
        this.hooks = new RouteHooks(context);
    }

    /** One line per route that ran, such as {@code policy: reject 550 5.7.1 ...} or {@code routing: egress jms q}. */
    public List<String> run(Envelope envelope, String door, byte[] message) throws IOException {
        return run(envelope, door, java.util.Map.of(), message);
    }

    /**
     * @param facts more facts to set, as the checks of a door would ({@code MailhubDmarc=fail})
     */
    public List<String> run(Envelope envelope, String door, java.util.Map<String, String> facts, byte[] message)
            throws IOException {
        List<String> lines = new ArrayList<>();
        Envelope e = new Envelope(envelope.queueId(), envelope.sender(), envelope.recipients(), envelope.ret(),
                envelope.envid(), envelope.body() == null ? BodyType.EIGHT_BIT_MIME : envelope.body(), envelope.smtputf8(),
                envelope.clientAddress(), envelope.clientHelo(), envelope.authUser(), Instant.now(), message.length);
        for (RouteVerdict.Stage stage : RouteVerdict.Stage.values()) {
            String uri = stage == RouteVerdict.Stage.POLICY ? RouteHooks.POLICY : RouteHooks.ROUTING;
            org.apache.camel.Route route = hooks.route(uri);
            if (route == null) {
                lines.add(stage.keyword() + ": no route from " + uri);
                continue;
            }
            Exchange ex = new DefaultExchange(hooks.context());
            ex.getMessage().getHeaders().putAll(facts);
            MessageFacts.envelope(e, door, ex.getMessage().getHeaders());
            ex.getMessage().setHeader(MailhubHeaders.STAGE, stage.keyword());
            MessageFacts.content(() -> new ByteArrayInputStream(message), hooks.readsAttachments(route),
                    ex.getMessage().getHeaders());
            ex.getMessage().setBody(message);
            io.mailhub.model.EnvelopeHeaders.write(e, ex.getMessage().getHeaders());
            RouteVerdict v = new RouteVerdict(stage, true);
            ex.setProperty(RouteVerdict.PROPERTY, v);
            hooks.template().send(uri, ex);
            if (ex.getException() != null) {
                lines.add(stage.keyword() + ": the route failed: " + ex.getException().getMessage()
                        + (stage == RouteVerdict.Stage.POLICY ? " (the door would answer 451 4.3.0)"
                                : " (the broker would try again later)"));
                return lines;
            }
            lines.add(stage.keyword() + ": " + v.summary());
            if (v.rejection() != null || v.takesOverDelivery()) {
                return lines; // refused or taken out of delivery: the routing route would not run or deliver
            }
            if (!v.rewrites().isEmpty() || !v.copies().isEmpty()) {
                try {
                    List<io.mailhub.model.Recipient> rcpts = new ArrayList<>(v.rewriteRecipients(e.recipients()));
                    v.copies().stream().filter(c -> rcpts.stream().noneMatch(r -> r.address().equals(c)))
                            .forEach(c -> rcpts.add(io.mailhub.model.Recipient.of(c)));
                    e = new Envelope(e.queueId(), v.rewriteSender(e.sender()), rcpts, e.ret(), e.envid(), e.body(),
                            e.smtputf8(), e.clientAddress(), e.clientHelo(), e.authUser(), e.arrival(), e.size());
                } catch (io.mailhub.model.SyntaxException ex2) {
                    lines.add(stage.keyword() + ": the route failed: " + ex2.getMessage());
                    return lines;
                }
                lines.add("envelope: from=<" + (e.sender() == null ? "" : e.sender()) + "> to="
                        + e.recipients().stream().map(r -> "<" + r.address() + ">").toList());
            }
        }
        return lines;
    }
}
