package io.mailhub.app;

import io.mailhub.acceptance.AcceptanceMeters;
import io.mailhub.acceptance.MailAcceptance;
import io.mailhub.cleanup.MessageComposer;
import io.mailhub.delivery.DeliveryEvents;
import io.mailhub.dkim.DkimSigner;
import io.mailhub.filter.RspamdClient;
import io.mailhub.filter.SpamCheck;
import io.mailhub.filter.VirusCheck;
import io.mailhub.ingress.smtp.ListenerSecurity;
import io.mailhub.policy.MailHook;
import io.mailhub.policy.PolicyChain;
import io.mailhub.policy.RateLimits;
import io.mailhub.policy.RelayControl;
import io.mailhub.policy.SenderLoginCheck;
import io.mailhub.queue.MailQueue;
import io.mailhub.routing.CamelPolicyRoute;
import io.mailhub.routing.RouteHooks;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens before the queue, put together from the settings: the SMTP policy chain (rate limits, sender login,
 * relay control, header From) and the one acceptance stage every door hands its mail to (cleanup, DKIM signing, the
 * policy route, virus and spam checks, meters and the event log).
 */
final class AcceptanceWiring {

    private static final Logger LOG = LoggerFactory.getLogger(MailhubRuntime.class);

    private AcceptanceWiring() {}

    /**
     * @param greylist the hub's greylisting store, used at RCPT when {@code mailhub.greylist} is on
     * @param suppressions the suppressed recipients, refused at RCPT for the doors of {@code mailhub.suppression}
     */
    static PolicyChain smtpPolicy(MailhubSettings settings, RateLimits limits, ListenerSecurity security,
            io.mailhub.policy.Greylist greylist, io.mailhub.delivery.Suppressions suppressions,
            io.mailhub.bounce.ReturnPath returnPath) throws java.io.IOException {
        List<MailHook> mailHooks = new ArrayList<>();
        SenderLoginCheck senderCheck = security.authenticator() == null ? null
                : new SenderLoginCheck(security.authenticator()::user);
        if (senderCheck != null) {
            mailHooks.add(senderCheck);
        }
        mailHooks.add(limits);
        List<io.mailhub.policy.RcptHook> rcptHooks = new ArrayList<>();
        // the return path's domain takes mail from anybody, like a local domain, for the addresses the hub gave out
        RelayControl relay = new RelayControl(returnPath == null ? settings.policy.localDomains()
                : settings.policy.localDomains().with(returnPath.domain()), settings.policy.trustedNetworks(),
                settings.hostname);
        if (returnPath != null) { // first: a report coming back is accepted before any other hook could refuse it
            rcptHooks.add(new io.mailhub.bounce.ReturnPathHook(returnPath));
        }
        if (settings.recipients.file() != null) { // first: an unknown user is refused, whoever asks
            rcptHooks.add(io.mailhub.policy.RecipientTable.load(settings.recipients.file(), relay));
            LOG.info("recipients of the local domains checked against {}", settings.recipients.file());
        }
        if (settings.suppression.scope() != io.mailhub.delivery.SuppressionSettings.Scope.OFF) {
            rcptHooks.add(new io.mailhub.delivery.SuppressionHook(suppressions, settings.suppression.scope()));
            LOG.info("suppression list on for mail through {} (hard bounces added, kept {})",
                    settings.suppression.scope() == io.mailhub.delivery.SuppressionSettings.Scope.ALL ? "every door"
                            : "the HTTP API", settings.suppression.lifetime() == null ? "until removed"
                            : io.mailhub.model.DurationText.format(settings.suppression.lifetime()));
        }
        if (settings.greylist.atRcpt()) { // first: a greylisted recipient spends none of the client's rate
            rcptHooks.add(new io.mailhub.policy.GreylistHook(greylist, settings.greylist.timing(),
                    settings.policy.trustedNetworks()));
            LOG.info("greylisting at RCPT (delay {}, window {}, lifetime {}) for clients neither logged in nor trusted",
                    io.mailhub.model.DurationText.format(settings.greylist.timing().delay()),
                    io.mailhub.model.DurationText.format(settings.greylist.timing().window()),
                    io.mailhub.model.DurationText.format(settings.greylist.timing().lifetime()));
        }
        rcptHooks.add(limits);
        PolicyChain policy = new PolicyChain(List.of(limits), List.of(), mailHooks, relay, rcptHooks, List.of());
        if (senderCheck != null && settings.auth.checkHeaderFrom()) {
            policy = policy.withHeaderFrom(List.of(senderCheck));
        }
        return policy;
    }

    /** The DKIM signer of {@code mailhub.dkim.*}, or {@code null} without keys. */
    static DkimSigner signer(MailhubSettings settings) {
        if (settings.dkim.keys().isEmpty()) {
            return null;
        }
        LOG.info("DKIM signing outbound mail from {}", settings.dkim.keys().values().stream().flatMap(List::stream)
                .map(k -> k.recordName() + " (" + k.algorithm().tag() + ")").toList());
        return new DkimSigner(settings.dkim.keys(), Clock.systemDefaultZone());
    }

    static MailAcceptance acceptance(MailhubSettings settings, PolicyChain policy, MailQueue queue,
            ListenerSecurity security, RouteHooks hooks, MeterRegistry meters, DeliveryEvents events,
            DkimSigner signer) {
        MessageComposer composer = new MessageComposer(settings.hostname, Clock.systemDefaultZone(), signer);
        MailAcceptance acceptance = new MailAcceptance(settings.acceptance, policy, queue, composer, security.inbound(),
                security.dmarcReject(), Clock.systemDefaultZone());
        acceptance.withPolicyRoute(new CamelPolicyRoute(hooks));
        acceptance.withMeters(new AcceptanceMeters(meters));
        acceptance.withEvents(new EventLogWiring(events, Clock.systemUTC()));
        if (settings.virus.clamd() != null) {
            acceptance.withVirusCheck(VirusCheck.clamd(settings.virus));
            LOG.info("virus scanning of every message by clamd at {} (at most {} ms)", settings.virus.clamd(),
                    settings.virus.timeout().toMillis());
        }
        if (settings.spam.rspamd() != null) {
            acceptance.withSpamCheck(new SpamCheck(new RspamdClient(settings.spam.rspamd(), settings.spam.timeout()),
                    settings.spam));
            LOG.info("spam scoring of mail from untrusted clients by rspamd at {} (at most {} ms)",
                    settings.spam.rspamd(), settings.spam.timeout().toMillis());
        }
        return acceptance;
    }
}
