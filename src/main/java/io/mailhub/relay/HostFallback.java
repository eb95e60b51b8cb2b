package io.mailhub.relay;

import io.mailhub.model.Envelope;
import io.mailhub.model.SmtpReply;
import java.time.Duration;
import java.util.List;

/**
 * Tries a route's hosts in order (MX preference, then address) until one takes part in a transaction: a host that
 * cannot be reached or refuses to talk is marked dead for a while and the next is tried (RFC 5321 section 5.1). A host
 * that cannot meet the delivery's TLS policy is skipped for this delivery only, as Postfix tries the next MX host.
 * Recipient and message outcomes from a host that did talk are final for this attempt. The time spent on the hosts
 * tried before counts as connection setup of the report returned (as in Postfix's {@code delays=}).
 */
final class HostFallback {

    private final SmtpRelay relay;
    private final DeadDestinations dead;

    HostFallback(SmtpRelay relay, DeadDestinations dead) {
        this.relay = relay;
        this.dead = dead;
    }

    DeliveryReport deliver(List<Destination> hosts, SessionProfile profile, Envelope envelope, BodySource body)
            throws InterruptedException {
        long start = System.nanoTime();
        DeliveryReport lastFailure = null;
        SmtpReply suspended = null;
        for (Destination host : hosts) {
            Duration earlier = Duration.ofNanos(System.nanoTime() - start);
            SmtpReply deadReply = dead.deadReply(host);
            if (deadReply != null) {
                suspended = deadReply;
                continue;
            }
            DeliveryReport report = relay.deliver(host, profile, envelope, body)
                    .map(r -> r.with(r.times().plusSetup(earlier)));
            if (allDeferredFor(report, Blame.SITE)) {
                dead.markDead(host, report.results().get(0).reply());
                lastFailure = report;
                continue;
            }
            if (allDeferredFor(report, Blame.POLICY)) {
                lastFailure = report;
                continue;
            }
            dead.markAlive(host);
            return report;
        }
        if (lastFailure != null) {
            return lastFailure;
        }
        return relay.deferAll(envelope, SmtpReply.of(suspended.code(), suspended.status(),
                "delivery temporarily suspended: " + String.join(" ", suspended.lines())));
    }

    private static boolean allDeferredFor(DeliveryReport report, Blame blame) {
        return !report.results().isEmpty() && report.results().stream()
                .allMatch(r -> r.status() == RecipientStatus.DEFERRED && r.blame() == blame);
    }
}
