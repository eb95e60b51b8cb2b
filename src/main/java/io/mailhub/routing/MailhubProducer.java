package io.mailhub.routing;

import io.mailhub.model.SmtpPath;
import io.mailhub.model.SmtpReply;
import io.mailhub.relay.SmtpRelayConstants;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records one action in the exchange's {@link RouteVerdict}, or (egress, after the queue) hands the message to the
 * other system at once, inside the dispatch transaction. A final action (reject, hold, discard, bounce) ends the route.
 */
final class MailhubProducer extends DefaultProducer {

    private static final Logger LOG = LoggerFactory.getLogger("io.mailhub.routing");

    private final MailhubEndpoint endpoint;

    MailhubProducer(MailhubEndpoint endpoint) {
        super(endpoint);
        this.endpoint = endpoint;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        RouteVerdict verdict = exchange.getProperty(RouteVerdict.PROPERTY, RouteVerdict.class);
        String action = endpoint.getAction();
        if (verdict == null) {
            throw new IllegalStateException("mailhub:" + action + " works only in the routes that start from"
                    + " direct:policy or direct:routing");
        }
        if (verdict.stage() == RouteVerdict.Stage.POLICY && MailhubEndpoint.ROUTING_ONLY.contains(action)) {
            throw new IllegalStateException("mailhub:" + action + " works only after the queue (direct:routing)"
                    + (action.equals("footer") || action.equals("strip") ? ""
                            : "; before the 250 use mailhub:reject or mailhub:hold"));
        }
        if (verdict.isDryRun() && List.of("jms", "file", "webhook").contains(action)) {
            verdict.handedOff(action + " " + (action.equals("jms") ? endpoint.getQueue() : action.equals("file")
                    ? endpoint.getDir() : endpoint.getUrl()));
            return; // routes test: nothing leaves
        }
        String handOff = switch (action) {
            case "jms" -> "jms " + endpoint.getQueue();
            case "file" -> "file " + endpoint.getDir();
            case "webhook" -> "webhook " + endpoint.getUrl();
            default -> null;
        };
        if (handOff != null && RoutingStage.egressDone(exchange.getMessage()).contains(handOff)) {
            verdict.handedOff(handOff); // made by an earlier run, before a webhook failed for now
            LOG.debug("{}: {} was made by an earlier run of the route", exchange.getMessage()
                    .getHeader(MailhubHeaders.QUEUE_ID), handOff);
            return;
        }
        if (verdict.stage() == RouteVerdict.Stage.ROUTING && MailhubEndpoint.POLICY_ONLY.contains(action)) {
            throw new IllegalStateException("mailhub:" + action + " works only before the queue (direct:policy),"
                    + " where the client is still connected");
        }
        switch (action) {
            case "greylist" -> greylist(exchange, verdict);
            case "reject" -> {
                SmtpReply reply = reply();
                if (verdict.stage() == RouteVerdict.Stage.POLICY) {
                    verdict.reject(reply);
                } else if (reply.code() / 100 == 5) {
                    verdict.bounce(reply); // after the queue a refusal can only be a bounce
                } else {
                    throw new IllegalStateException("mailhub:reject with a temporary code after the queue: "
                            + reply + "; the message is retried by the broker");
                }
                exchange.setRouteStop(true);
            }
            case "bounce" -> {
                verdict.bounce(reply());
                exchange.setRouteStop(true);
            }
            case "hold" -> {
                verdict.hold(endpoint.getQueue() == null ? "mail.hold" : endpoint.getQueue());
                exchange.setRouteStop(true);
            }
            case "discard" -> {
                verdict.discard(endpoint.getText() == null ? "discarded by route " + exchange.getFromRouteId()
                        : endpoint.getText());
                exchange.setRouteStop(true);
            }
            case "copy", "bcc" -> verdict.copy(SmtpPath.looseMailbox(endpoint.getTo()));
            case "deliver" -> verdict.nextHop(endpoint.getTransport() != null
                    ? SmtpRelayConstants.TRANSPORT_PREFIX + endpoint.getTransport() : endpoint.getNextHop());
            case "header" -> {
                if (endpoint.getRemove() != null) {
                    verdict.removeField(endpoint.getRemove());
                }
                if (endpoint.getName() != null) {
                    verdict.addField(endpoint.getName(), endpoint.getValue());
                }
            }
            case "subject" -> verdict.subjectPrefix(endpoint.getPrefix());
            case "footer" -> verdict.footer(endpoint.footerText(), endpoint.footerHtml());
            case "strip" -> verdict.strip(endpoint.stripRule());
            case "split" -> {
                String domains = exchange.getMessage().getHeader(MailhubHeaders.RCPT_DOMAINS, "", String.class);
                if (domains.contains(",") && exchange.getMessage().getHeader(RoutingStage.SPLIT_FROM) == null) {
                    verdict.split(); // one message per recipient domain, each routed on its own
                    exchange.setRouteStop(true);
                }
            }
            case "rewrite" -> verdict.rewrite(endpoint.rewrite(), !endpoint.getWhat().equals("recipients"),
                    !endpoint.getWhat().equals("sender"));
            case "jms" -> verdict.handedOff(Egress.jms(exchange, sends(), endpoint.getQueue(),
                    endpoint.getFormat()));
            case "file" -> verdict.handedOff(Egress.file(exchange, endpoint.getDir()));
            case "webhook" -> {
                Egress.WebhookResult r = Egress.webhook(exchange, endpoint.getUrl(), endpoint.getFormat(),
                        endpoint.getSecret(), endpoint.referenceOver() < 0 ? null : new Egress.ByReference(
                                ((MailhubComponent) endpoint.getComponent()).attachments(), endpoint.referenceOver()));
                if (r.delivered()) {
                    verdict.handedOff("webhook " + endpoint.getUrl());
                } else if (endpoint.getOnFinal().equals("dead")) {
                    Egress.dead(exchange, sends(), r.reason());
                    verdict.discard("webhook refused it for good, moved to mail.dead: " + r.reason());
                    exchange.setRouteStop(true);
                } else {
                    verdict.bounce(SmtpReply.of(550, "5.6.0", r.reason()));
                    exchange.setRouteStop(true);
                }
            }
            default -> throw new IllegalStateException("unknown action " + action); // validate() prevents this
        }
        LOG.debug("{}: {} route: mailhub:{}", exchange.getMessage().getHeader(MailhubHeaders.QUEUE_ID),
                verdict.stage().keyword(), action);
    }

    /**
     * Greylists an SMTP client that is not logged in: a new triplet of its network, the sender and a recipient is
     * refused with 451 4.7.1 until its retry after the delay. Mail from the other doors, or from a login, passes.
     */
    private void greylist(Exchange exchange, RouteVerdict verdict) {
        org.apache.camel.Message m = exchange.getMessage();
        String ip = m.getHeader(MailhubHeaders.CLIENT_IP, String.class);
        String door = m.getHeader(MailhubHeaders.INGRESS, "", String.class);
        if (ip == null || m.getHeader(MailhubHeaders.AUTH_USER) != null
                || !(door.equals("smtp") || door.equals("submission") || door.equals("smtps"))) {
            return;
        }
        List<String> recipients = List.of(m.getHeader(MailhubHeaders.RCPT_TO, "", String.class).split(","));
        io.mailhub.policy.Greylist.Outcome o = ((MailhubComponent) endpoint.getComponent()).greylist().attempt(ip,
                m.getHeader(MailhubHeaders.MAIL_FROM, "", String.class), recipients, endpoint.greylistTiming());
        if (!o.pass()) {
            verdict.reject(SmtpReply.of(451, "4.7.1", "Greylisted, try again in " + o.retryInSeconds() + " seconds"));
            exchange.setRouteStop(true);
        }
    }

    private io.mailhub.queue.JoinedSend sends() {
        return ((MailhubComponent) endpoint.getComponent()).sends();
    }

    private SmtpReply reply() {
        int code = endpoint.getCode();
        String enhanced = endpoint.getEnhanced() != null ? endpoint.getEnhanced() : code / 100 == 4 ? "4.7.1" : "5.7.1";
        String text = endpoint.getText() != null ? endpoint.getText() : "Message refused by policy";
        return SmtpReply.of(code, enhanced, text);
    }
}
