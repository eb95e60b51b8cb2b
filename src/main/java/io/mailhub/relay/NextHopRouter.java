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
        record Hosts(List<Destination> hosts, String tls, Credentials auth) implements Route {

            Hosts(List<Destination> hosts, String tls) {
                this(hosts, tls, null);
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

    NextHopRouter(Destination smartHost, int port, TransportMap transportMap, MxResolver resolver, int maxHosts) {
        this.smartHost = smartHost;
        this.port = port;
        this.transportMap = transportMap;
        this.resolver = resolver;
        this.maxHosts = maxHosts;
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
        String lookup = ((TransportMap.NextHopSpec.Mx) spec).domain();
        return mx(lookup != null ? lookup : domain.toLowerCase(Locale.ROOT), tls, auth);
    }

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
