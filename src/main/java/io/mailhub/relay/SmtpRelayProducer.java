package io.mailhub.relay;

import io.mailhub.model.Envelope;
import io.mailhub.model.EnvelopeHeaders;
import io.mailhub.model.Recipient;
import io.mailhub.relay.dns.DnsjavaMxResolver;
import io.mailhub.relay.dns.MxResolver;
import io.mailhub.model.SyntaxException;
import java.io.FilterInputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Message;
import org.apache.camel.StreamCache;
import org.apache.camel.support.DefaultProducer;

/**
 * Reads the envelope from the headers and the content from the body, delivers once, and puts the
 * {@link DeliveryReport} and the per-status counts into headers. A message that cannot be read (missing envelope) is
 * an exception: the route's transaction rolls back and the broker's redelivery ends it in the dead-letter queue.
 */
public class SmtpRelayProducer extends DefaultProducer {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SmtpRelayProducer.class);
    private final SmtpRelayConfiguration config;
    private SmtpRelay relay;
    private HostFallback hosts;
    private NextHopRouter router;
    private TlsPolicy defaultTls;
    private io.micrometer.core.instrument.Timer attempts;

    SmtpRelayProducer(SmtpRelayEndpoint endpoint) {
        super(endpoint);
        this.config = endpoint.getConfiguration();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        Destination smartHost = config.getSmartHost().isEmpty() ? null : Destination.parse(config.getSmartHost(), config.getPort());
        String helo = config.getHeloName() != null ? config.getHeloName() : localHostName();
        ConnectionPool pool = new ConnectionPool(config.getMaxConnectionsPerDestination(), config.getConnectionIdleTime(),
                config.getConnectionMaxAge(), config.getMaxTransactionsPerConnection());
        defaultTls = TlsPolicy.parse(config.getTlsPolicy());
        TlsClient tls = config.getTlsTrustAnchors().isEmpty() ? TlsClient.withDefaultTrust()
                : TlsClient.withTrustAnchors(Path.of(config.getTlsTrustAnchors()));
        io.micrometer.core.instrument.MeterRegistry meters = config.getMeterRegistry() != null
                ? config.getMeterRegistry() : new io.micrometer.core.instrument.composite.CompositeMeterRegistry();
        attempts = io.micrometer.core.instrument.Timer.builder("mailhub.delivery.attempt.duration")
                .description("Time of one delivery attempt of a message (all its routes and hosts)")
                .serviceLevelObjectives(java.time.Duration.ofMillis(10), java.time.Duration.ofMillis(50),
                        java.time.Duration.ofMillis(100), java.time.Duration.ofMillis(250),
                        java.time.Duration.ofMillis(500), java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(5),
                        java.time.Duration.ofSeconds(30), java.time.Duration.ofSeconds(120),
                        java.time.Duration.ofSeconds(600))
                .register(meters);
        io.micrometer.core.instrument.Counter connectFailures = io.micrometer.core.instrument.Counter
                .builder("mailhub.relay.connect.failures")
                .description("TCP connections to next hops that could not be opened")
                .register(meters);
        SmtpTransport transport = config.getTransport();
        SmtpTransport counted = (destination, timeoutMillis) -> {
            try {
                return transport.connect(destination, timeoutMillis);
            } catch (java.io.IOException e) {
                connectFailures.increment();
                throw e;
            }
        };
        relay = new SmtpRelay(counted, new Myself(helo, config.ownPorts()), config.timeouts(), pool, tls);
        hosts = new HostFallback(relay, new DeadDestinations(config.getDeadDestinationTime()));
        TransportMap map = config.getTransportMap().isEmpty() ? TransportMap.EMPTY
                : TransportMap.load(Path.of(config.getTransportMap()), config.getPort());
        MxResolver resolver = config.getMxResolver() != null ? config.getMxResolver()
                : DnsjavaMxResolver.fromSetting(config.getDnsServers(), config.getDnsTimeout());
        io.mailhub.relay.sts.MtaStsPolicies sts = config.isMtaSts() && resolver instanceof io.mailhub.relay.dns.DnsLookups
                dns ? new io.mailhub.relay.sts.MtaStsPolicies(dns, new io.mailhub.relay.sts.HttpsPolicyFetcher(dns, tls,
                        config.getMtaStsPort(), java.time.Duration.ofSeconds(10)), java.time.Clock.systemUTC(),
                        config.getMtaStsCacheFile().isEmpty() ? null : Path.of(config.getMtaStsCacheFile()))
                        .withMeters(meters)
                : null;
        router = new NextHopRouter(smartHost, config.getPort(), map, resolver, config.getMaxMxAddresses(), sts);
        LOG.info("smtp-relay {}: {}{}", getEndpoint().getEndpointKey(),
                smartHost != null ? "smart host " + smartHost : "MX delivery (DNS " + (config.getDnsServers().isEmpty()
                        ? "from the system" : config.getDnsServers()) + ")",
                (map.size() > 0 ? ", transport map with " + map.size() + " entries" : "") + ", TLS " + defaultTls.text()
                        + (sts != null && smartHost == null ? ", MTA-STS" : ""));
    }

    @Override
    protected void doStop() throws Exception {
        if (relay != null) {
            relay.close();
            relay = null;
        }
        super.doStop();
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Message message = exchange.getMessage();
        Envelope envelope;
        try {
            envelope = EnvelopeHeaders.read(message::getHeader);
            String returnPath = message.getHeader(SmtpRelayConstants.RETURN_PATH, String.class);
            if (returnPath != null && envelope.sender() != null) {
                envelope = envelope.withSender(io.mailhub.model.SmtpPath.mailbox(returnPath, true));
            }
        } catch (SyntaxException e) {
            throw new InvalidPayloadException(exchange, Envelope.class, message, e);
        }
        long start = System.nanoTime();
        java.time.Duration inQueue = java.time.Duration.between(envelope.arrival(), java.time.Instant.now());
        DeliveryReport report = deliver(envelope, message.getHeader(SmtpRelayConstants.NEXT_HOP, String.class),
                bodyOf(exchange));
        attempts.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
        if (!inQueue.isNegative()) { // negative: the arrival came from a clock ahead of ours, nothing measured
            report = report.map(r -> r.with(r.times().withInQueue(inQueue)));
        }
        message.setHeader(SmtpRelayConstants.REPORT, report);
        message.setHeader(SmtpRelayConstants.DELIVERED, report.count(RecipientStatus.DELIVERED));
        message.setHeader(SmtpRelayConstants.DEFERRED, report.count(RecipientStatus.DEFERRED));
        message.setHeader(SmtpRelayConstants.FAILED, report.count(RecipientStatus.FAILED));
    }

    /**
     * Routes each recipient domain, groups the domains that share a route into one transaction each, and returns
     * one result per recipient in the envelope's order.
     */
    private DeliveryReport deliver(Envelope envelope, String nextHop, BodySource body) throws InterruptedException {
        Map<String, NextHopRouter.Route> byDomain = new HashMap<>();
        Map<NextHopRouter.Route, List<Recipient>> groups = new LinkedHashMap<>();
        for (Recipient r : envelope.recipients()) {
            String domain = r.address().domainKey(); // A-labels: what DNS and the transport map know
            NextHopRouter.Route route = byDomain.get(domain);
            if (route == null) {
                route = router.route(domain, nextHop);
                byDomain.put(domain, route);
            }
            groups.computeIfAbsent(route, k -> new ArrayList<>()).add(r);
        }
        if (groups.size() == 1 && groups.keySet().iterator().next() instanceof NextHopRouter.Route.Hosts h) {
            return hosts.deliver(h.hosts(), profile(h), envelope, body); // the common case: one route for all
        }
        Map<Recipient, RecipientResult> results = new HashMap<>();
        for (Map.Entry<NextHopRouter.Route, List<Recipient>> g : groups.entrySet()) {
            Envelope part = envelope.withRecipients(g.getValue());
            DeliveryReport partReport;
            if (g.getKey() instanceof NextHopRouter.Route.Hosts h) {
                partReport = hosts.deliver(h.hosts(), profile(h), part, body);
            } else {
                NextHopRouter.Route.Fail f = (NextHopRouter.Route.Fail) g.getKey();
                partReport = relay.reportAll(part, f.status(), f.reply());
            }
            partReport.results().forEach(x -> results.put(x.recipient(), x));
        }
        List<RecipientResult> ordered = new ArrayList<>();
        for (Recipient r : envelope.recipients()) {
            ordered.add(results.get(r));
        }
        return new DeliveryReport(ordered);
    }

    private SessionProfile profile(NextHopRouter.Route.Hosts route) {
        return new SessionProfile(route.tls() == null ? defaultTls : TlsPolicy.parse(route.tls()), route.auth(),
                route.lmtp());
    }

    /** The message content of a queued exchange, readable more than once (stream cache or bytes). */
    public static BodySource bodyOf(Exchange exchange) throws InvalidPayloadException {
        Object body = exchange.getMessage().getBody();
        if (body instanceof StreamCache cache && body instanceof InputStream in) {
            return new BodySource() {
                @Override
                public long size() {
                    return cache.length();
                }

                @Override
                public InputStream open() {
                    cache.reset();
                    return new FilterInputStream(in) {
                        @Override
                        public void close() {
                            // the stream cache belongs to the exchange; it is reset, not closed, between reads
                        }
                    };
                }
            };
        }
        byte[] bytes = exchange.getMessage().getMandatoryBody(byte[].class);
        return BodySource.of(bytes);
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getCanonicalHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
