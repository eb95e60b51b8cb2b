package io.mailhub.delivery;

import io.mailhub.config.SettingsReader;
import io.mailhub.model.SyntaxException;
import io.mailhub.relay.Destination;
import io.mailhub.relay.TlsClient;
import io.mailhub.relay.TlsPolicy;
import io.mailhub.relay.TransportMap;
import io.mailhub.relay.dns.DnsjavaMxResolver;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Map;

/**
 * Delivery: the next hops and how the relay talks to them ({@code mailhub.relay.*}, {@code mailhub.dns.servers}), how
 * many attempts run at once and the retry schedule ({@code mailhub.delivery.*}, {@code mailhub.retry.*}).
 *
 * @param smarthost the next hop for every domain without a transport map entry, "" for MX delivery
 * @param transportMap the transport map file, or {@code null}
 * @param tlsTrustAnchors CA certificates for {@code tls=verify}, or {@code null} for the JDK's
 * @param retryDelayWarning after how long a still-pending message gets one "delayed" notice, {@code null}: never
 * @param eventsFile the delivery event log, "" for {@code <data dir>/events.jsonl}
 * @param eventsEndpoint a Camel endpoint URI that also gets every event line, "" for none
 */
public record DeliverySettings(String smarthost, int relayPort, Path transportMap, Duration deadDestinationTime,
        int destinationConcurrency, String relayTls, Path tlsTrustAnchors, boolean mtaSts, int mtaStsPort,
        String dnsServers, int deliveryConcurrency,
        int retryConcurrency, RetrySchedule retrySchedule, Duration retryMaxLifetime, Duration retryDelayWarning,
        String eventsFile, String eventsEndpoint) {

    public static final Map<String, String> KEYS = SettingsReader.defaults(
            "mailhub.relay.smarthost", "",
            "mailhub.relay.port", "25",
            "mailhub.relay.transport-map", "",
            "mailhub.relay.dead-destination-time", "60s",
            "mailhub.relay.destination-concurrency", "20",
            "mailhub.relay.tls", "may",
            "mailhub.relay.tls-trust-anchors", "",
            "mailhub.relay.mta-sts", "on",
            "mailhub.relay.mta-sts-port", "443",
            "mailhub.dns.servers", "",
            "mailhub.delivery.concurrency", "20",
            "mailhub.retry.concurrency", "5",
            "mailhub.retry.schedule", "5m, 10m, 20m, 40m, 1h*4, 2h",
            "mailhub.retry.max-lifetime", "5d",
            "mailhub.retry.delay-warning", "",
            "mailhub.events.file", "",
            "mailhub.events.endpoint", "");

    public static DeliverySettings read(SettingsReader r) {
        return new DeliverySettings(smarthost(r), r.intIn("mailhub.relay.port", 1, 65535), transportMap(r),
                r.duration("mailhub.relay.dead-destination-time", Duration.ZERO),
                r.intIn("mailhub.relay.destination-concurrency", 1, 1000), tlsPolicy(r), trustAnchors(r),
                r.onOff("mailhub.relay.mta-sts"), r.intIn("mailhub.relay.mta-sts-port", 1, 65535), dnsServers(r), r.intIn("mailhub.delivery.concurrency", 1, 1000),
                r.intIn("mailhub.retry.concurrency", 1, 1000), r.parse("mailhub.retry.schedule", RetrySchedule::parse),
                r.duration("mailhub.retry.max-lifetime", Duration.ofSeconds(1)),
                r.optionalDuration("mailhub.retry.delay-warning", Duration.ofSeconds(1)),
                r.value("mailhub.events.file").trim(), r.value("mailhub.events.endpoint").trim());
    }

    private static String smarthost(SettingsReader r) {
        String v = r.value("mailhub.relay.smarthost").trim();
        if (!v.isEmpty()) {
            try {
                Destination.parse(v, 25);
            } catch (SyntaxException e) {
                r.error("mailhub.relay.smarthost", e.getMessage() + " (expected host:port or [host]:port)");
            }
        }
        return v;
    }

    private static Path transportMap(SettingsReader r) {
        Path p = r.readableFile("mailhub.relay.transport-map");
        if (!SettingsReader.canRead(p)) {
            return null;
        }
        try {
            TransportMap.load(p, 25);
        } catch (IOException | SyntaxException e) {
            r.error("mailhub.relay.transport-map", e.getMessage());
        }
        return p;
    }

    private static String tlsPolicy(SettingsReader r) {
        try {
            return TlsPolicy.parse(r.value("mailhub.relay.tls")).text();
        } catch (IllegalArgumentException e) {
            r.error("mailhub.relay.tls", e.getMessage());
            return "may";
        }
    }

    private static Path trustAnchors(SettingsReader r) {
        String v = r.value("mailhub.relay.tls-trust-anchors").trim();
        if (v.isEmpty()) {
            return null;
        }
        Path p = Path.of(v).toAbsolutePath().normalize();
        try {
            TlsClient.withTrustAnchors(p);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            r.error("mailhub.relay.tls-trust-anchors", "cannot read CA certificates from " + p + ": " + e.getMessage());
        }
        return p;
    }

    private static String dnsServers(SettingsReader r) {
        String v = r.value("mailhub.dns.servers").trim();
        try {
            DnsjavaMxResolver.fromSetting(v, Duration.ofSeconds(10));
        } catch (IllegalArgumentException e) {
            r.error("mailhub.dns.servers", e.getMessage());
        }
        return v;
    }
}
