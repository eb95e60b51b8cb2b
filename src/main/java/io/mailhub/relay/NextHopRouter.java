package io.mailhub.relay;

import io.mailhub.model.SmtpReply;
import io.mailhub.model.SyntaxException;
import io.mailhub.relay.dns.MxHost;
import io.mailhub.relay.dns.MxResolution;
import io.mailhub.relay.dns.MxResolver;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Decides where one recipient domain's mail goes, Postfix's trivial-rewrite and smtp(8) MX step: a next hop the
 * route chose (header), else the transport map's entry, else the smart host, else the domain's MX hosts. DNS
 * outcomes that settle the matter (null MX, no such domain, DNS trouble) become a {@link Route.Fail}.
 */
final class NextHopRouter {

    /** The result for one domain; equal routes share one SMTP transaction. */
    sealed interface Route {
        /**
         * Try these hosts in order, with this TLS policy name ({@code null}: the relay's default) and these AUTH
         * credentials ({@code null}: none).
         */
        record Hosts(List<Destination> hosts, String tls, Credentials auth, boolean lmtp) implements Route {

            Hosts(List<Destination> hosts, String tls) {
                this(hosts, tls, null);
            }

            Hosts(List<Destination> hosts, String tls, Credentials auth) {
                this(hosts, tls, auth, false);
            }
        }

        /** No delivery: every recipient of the domain gets this status and reply. */
        record Fail(RecipientStatus status, SmtpReply reply) implements Route {}
    }

    private final Destination smartHost;
    private final int port;
    private final TransportMap transportMap;
    private final MxResolver resolver;
    private final int maxHosts;
    private final io.mailhub.relay.sts.MtaStsPolicies sts;
    /** The domains and policy ids whose testing-mode mismatch was logged already. */
    private final java.util.Set<String> toldTesting = java.util.concurrent.ConcurrentHashMap.newKeySet();

    NextHopRouter(Destination smartHost, int port, TransportMap transportMap, MxResolver resolver, int maxHosts) {
        this(smartHost, port, transportMap, resolver, maxHosts, null);
    }

    /** @param sts the recipient domains' MTA-STS policies for MX delivery, or {@code null}: none looked for */
    NextHopRouter(Destination smartHost, int port, TransportMap transportMap, MxResolver resolver, int maxHosts,
            io.mailhub.relay.sts.MtaStsPolicies sts) {
        this.smartHost = smartHost;
        this.port = port;
        this.transportMap = transportMap;
        this.resolver = resolver;
        this.maxHosts = maxHosts;
        this.sts = sts;
    }

    /**
     * @param domain the recipient domain
     * @param override a next hop chosen by the route ({@code mx}, {@code mx:domain}, {@code host:port}), or null
     */
    private static final String TRANSPORT_PREFIX = SmtpRelayConstants.TRANSPORT_PREFIX;

    Route route(String domain, String override) throws InterruptedException {
        TransportMap.NextHopSpec spec;
        String tls = null;
        Credentials auth = null;
        if (override != null && override.startsWith(TRANSPORT_PREFIX)) { // a named entry of the transport map
            String name = override.substring(TRANSPORT_PREFIX.length());
            Optional<TransportMap.Entry> entry = transportMap.lookup(name);
            if (entry.isEmpty()) {
                return new Route.Fail(RecipientStatus.DEFERRED, SmtpReply.of(451, "4.3.5", "the route chose transport '"
                        + name + "', which the transport map does not have"));
            }
            spec = entry.get().nextHop();
            tls = entry.get().tls();
            auth = entry.get().auth();
        } else if (override != null && !override.isBlank()) {
            try {
                spec = TransportMap.NextHopSpec.parse(override, port);
            } catch (SyntaxException e) {
                return new Route.Fail(RecipientStatus.DEFERRED,
                        SmtpReply.of(451, "4.3.5", "bad next hop '" + override + "' set by the route: " + e.getMessage()));
            }
        } else {
            Optional<TransportMap.Entry> entry = transportMap.lookup(domain);
            spec = entry.map(TransportMap.Entry::nextHop).orElse(null);
            tls = entry.map(TransportMap.Entry::tls).orElse(null);
            auth = entry.map(TransportMap.Entry::auth).orElse(null);
        }
        if (spec == null) {
            spec = smartHost != null ? new TransportMap.NextHopSpec.Host(smartHost) : new TransportMap.NextHopSpec.Mx(null);
        }
        if (spec instanceof TransportMap.NextHopSpec.Host h) {
            return new Route.Hosts(List.of(h.destination()), tls, auth);
        }
        if (spec instanceof TransportMap.NextHopSpec.Lmtp l) { // no STARTTLS on a local socket: nothing to protect
            return new Route.Hosts(List.of(l.destination()), l.destination().socket() != null ? "none" : tls,
                    auth, true);
        }
        String lookup = ((TransportMap.NextHopSpec.Mx) spec).domain();
        Route r = mx(lookup != null ? lookup : domain.toLowerCase(Locale.ROOT), tls, auth);
        // MTA-STS is the recipient domain's policy for its own MX hosts; mail routed to other hosts is not its concern
        return lookup == null && sts != null && r instanceof Route.Hosts hosts
                ? withPolicy(domain.toLowerCase(Locale.ROOT), hosts) : r;
    }

    /**
     * RFC 8461 section 5: under a policy in {@code enforce} mode only the MX hosts it names are tried, with TLS and a
     * certificate verified for their name ({@code tls=verify}, whatever the transport map or the default says); none
     * named: every recipient deferred ({@code 4.7.5}). A policy in {@code testing} mode changes nothing; an MX host it
     * does not name is logged once per policy.
     */
    private Route withPolicy(String domain, Route.Hosts hosts) throws InterruptedException {
        Optional<io.mailhub.relay.sts.MtaStsPolicy> found = sts.policy(domain);
        if (found.isEmpty() || found.get().mode() == io.mailhub.relay.sts.MtaStsPolicy.Mode.NONE) {
            return hosts;
        }
        io.mailhub.relay.sts.MtaStsPolicy p = found.get();
        List<Destination> allowed = hosts.hosts().stream().filter(d -> p.allows(d.host())).toList();
        if (p.mode() == io.mailhub.relay.sts.MtaStsPolicy.Mode.TESTING) {
            if (toldTesting.size() > 10_000) {
                toldTesting.clear();
            }
            if (allowed.size() < hosts.hosts().size() && toldTesting.add(domain + " " + p)) {
                LOG.warn("MTA-STS policy of {} (mode testing) does not name MX host(s) {}: delivered anyway", domain,
                        hosts.hosts().stream().filter(d -> !p.allows(d.host())).map(Destination::host).distinct()
                                .toList());
            }
            return hosts;
        }
        if (allowed.isEmpty()) {
            sts.refusedDelivery();
            return new Route.Fail(RecipientStatus.DEFERRED, SmtpReply.of(451, "4.7.5", "MTA-STS policy of " + domain
                    + " names none of its MX hosts (" + String.join(", ", hosts.hosts().stream().map(Destination::host)
                            .distinct().toList()) + "; policy mx: " + String.join(" ", p.mx()) + ")"));
        }
        return new Route.Hosts(allowed, TlsPolicy.VERIFY.text(), hosts.auth());
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger("io.mailhub.delivery");

    private Route mx(String domain, String tls, Credentials auth) throws InterruptedException {
        if (resolver == null) {
            return new Route.Fail(RecipientStatus.DEFERRED,
                    SmtpReply.of(451, "4.3.5", "no smart host and no DNS resolver configured for MX delivery"));
        }
        MxResolution r = resolver.resolve(domain);
        if (r instanceof MxResolution.Hosts hosts) {
            List<Destination> list = new ArrayList<>();
            for (MxHost h : hosts.hosts()) {
                for (InetAddress a : h.addresses()) {
                    if (list.size() < maxHosts) {
                        list.add(new Destination(h.name(), port, a, h.preference()));
                    }
                }
            }
            if (list.isEmpty()) {
                return new Route.Fail(RecipientStatus.DEFERRED,
                        SmtpReply.of(451, "4.4.3", "Host or domain name not found. MX hosts of " + domain + " have no address"));
            }
            return new Route.Hosts(List.copyOf(list), tls, auth);
        }
        if (r instanceof MxResolution.NullMx) {
            return new Route.Fail(RecipientStatus.FAILED, SmtpReply.of(556, r.status(), r.reason()));
        }
        if (r instanceof MxResolution.NoSuchDomain) {
            return new Route.Fail(RecipientStatus.FAILED, SmtpReply.of(550, r.status(), r.reason()));
        }
        return new Route.Fail(RecipientStatus.DEFERRED, SmtpReply.of(451, r.status(), r.reason()));
    }
}
