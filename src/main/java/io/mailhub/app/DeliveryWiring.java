package io.mailhub.app;

import io.mailhub.bounce.BounceStage;
import io.mailhub.bounce.DsnComposer;
import io.mailhub.bounce.NotifyRules;
import io.mailhub.delivery.DeliveryEvents;
import io.mailhub.delivery.DeliveryMeters;
import io.mailhub.delivery.DeliveryOutcome;
import io.mailhub.delivery.SuspensionGate;
import io.mailhub.delivery.Suspensions;
import io.mailhub.relay.SmtpRelayComponent;
import io.mailhub.routing.MailHeaders;
import io.mailhub.routing.MailLists;
import io.mailhub.routing.RouteHooks;
import io.mailhub.routing.RoutingStage;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import org.apache.camel.CamelContext;

/**
 * What happens after the queue, put together from the settings of {@code mailhub.relay.*}, {@code mailhub.delivery.*},
 * {@code mailhub.retry.*} and {@code mailhub.events.*}: the {@code smtp-relay} component and the beans the route files
 * name ({@code deliveryOutcome}, {@code suspensionGate}, {@code routingStage}, {@code bounceStage}, {@code mailLists},
 * {@code mailHeaders}), with the event log and the suspended destinations they share.
 */
final class DeliveryWiring {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MailhubRuntime.class);

    final DeliveryEvents events;
    final Suspensions suspensions;
    final io.mailhub.delivery.Suppressions suppressions;
    final RouteHooks hooks;
    /** The hub's return path, or {@code null} without {@code mailhub.bounce.return-path-domain}. */
    final io.mailhub.bounce.ReturnPath returnPath;

    /**
     * @param ownPorts this hub's SMTP ports, which the relay never delivers to on itself
     * @param signer signs again what a routing route edited after the acceptance stage signed it, or {@code null}
     * @param records the broker's records, where the suspensions are kept
     */
    DeliveryWiring(CamelContext context, MailhubSettings settings, MeterRegistry meters, String ownPorts,
            io.mailhub.dkim.DkimSigner signer, io.mailhub.queue.IdempotencyRecords records) throws IOException {
        context.addComponent("smtp-relay", relay(settings, meters, ownPorts));
        events = new DeliveryEvents(settings.delivery.eventsFile().isEmpty() ? settings.dataDir.resolve("events.jsonl")
                : Path.of(settings.delivery.eventsFile()).toAbsolutePath());
        io.mailhub.queue.IdempotencyRecords suppressed = records.in(io.mailhub.queue.IdempotencyRecords.SUPPRESSIONS);
        suppressions = new io.mailhub.delivery.Suppressions(Suspensions.Records.of(suppressed::save,
                suppressed::loadAll, suppressed::loadSince), Clock.systemUTC(), settings.suppression.lifetime());
        DeliveryOutcome outcome = new DeliveryOutcome(settings.delivery.retrySchedule(),
                settings.delivery.retryMaxLifetime(), settings.delivery.retryDelayWarning(), Clock.systemDefaultZone(),
                events).withMeters(new DeliveryMeters(meters))
                .withSuppressions(suppressions, settings.suppression.scope());
        io.micrometer.core.instrument.Gauge.builder("mailhub.suppression.addresses", suppressions,
                io.mailhub.delivery.Suppressions::count).description("addresses on the suppression list")
                .register(meters);
        context.getRegistry().bind("deliveryOutcome", outcome);
        returnPath = returnPath(settings);
        io.mailhub.delivery.SuppressionSettings.Scope scope = settings.suppression.scope();
        context.getRegistry().bind("returnPathStamp", new io.mailhub.bounce.ReturnPathStamp(returnPath,
                door -> scope == io.mailhub.delivery.SuppressionSettings.Scope.OFF ? "http".equals(door)
                        : scope.covers(door)));
        context.getRegistry().bind("returnedMail", new io.mailhub.bounce.ReturnedMail(returnPath,
                scope == io.mailhub.delivery.SuppressionSettings.Scope.OFF ? null : suppressions, events,
                Clock.systemUTC()));
        // in the broker: shared by the hubs on it
        suspensions = Suspensions.shared(Suspensions.Records.of(records::save, records::loadAll), Clock.systemUTC());
        context.getRegistry().bind("suspensionGate", new SuspensionGate(suspensions, events));
        hooks = new RouteHooks(context);
        context.getRegistry().bind("mailLists", new MailLists(settings.configDir.resolve("lists")));
        context.getRegistry().bind("mailHeaders", new MailHeaders());
        context.getRegistry().bind("routingStage", new RoutingStage(hooks, outcome).withEvents(events)
                .withSigner(signer));
        context.getRegistry().bind("bounceStage", new BounceStage(
                new DsnComposer(settings.hostname, settings.acceptance.maxMessageSize(), settings.bounceTemplates,
                        Clock.systemDefaultZone()),
                new NotifyRules(settings.delivery.retryDelayWarning() != null), Clock.systemDefaultZone())
                .withMeters(meters).withEvents(events));
    }

    private static io.mailhub.bounce.ReturnPath returnPath(MailhubSettings settings) throws IOException {
        if (settings.returnPath.domain() == null) {
            return null;
        }
        Path keyFile = settings.returnPath.keyFile() != null ? settings.returnPath.keyFile()
                : settings.dataDir.resolve("return-path.key");
        byte[] key;
        try {
            key = io.mailhub.crypto.KeyFile.loadOrMake(keyFile, "a return path key");
        } catch (IOException e) {
            throw new IOException("mailhub.bounce.return-path-key: " + e.getMessage(), e);
        }
        LOG.info("return path bounce-ID-SIGNATURE@{} for relayed mail (key {}); reports sent to it are read, not"
                + " delivered", settings.returnPath.domain(), keyFile);
        return new io.mailhub.bounce.ReturnPath(settings.returnPath.domain(), key);
    }

    private static SmtpRelayComponent relay(MailhubSettings settings, MeterRegistry meters, String ownPorts) {
        SmtpRelayComponent relay = new SmtpRelayComponent();
        var c = relay.getConfiguration();
        c.setHeloName(settings.hostname);
        c.setOwnPorts(ownPorts);
        c.setPort(settings.delivery.relayPort());
        c.setDnsServers(settings.delivery.dnsServers());
        c.setDeadDestinationTime(settings.delivery.deadDestinationTime());
        c.setTlsPolicy(settings.delivery.relayTls());
        c.setMtaSts(settings.delivery.mtaSts());
        c.setMtaStsPort(settings.delivery.mtaStsPort());
        c.setMtaStsCacheFile(settings.dataDir.resolve("mta-sts-policies.jsonl").toString());
        c.setMaxConnectionsPerDestination(settings.delivery.destinationConcurrency());
        if (settings.delivery.tlsTrustAnchors() != null) {
            c.setTlsTrustAnchors(settings.delivery.tlsTrustAnchors().toString());
        }
        if (settings.delivery.transportMap() != null) {
            c.setTransportMap(settings.delivery.transportMap().toString());
        }
        c.setMeterRegistry(meters);
        return relay;
    }
}
