package io.mailhub.app;

import io.mailhub.delivery.RetrySchedule;
import io.mailhub.model.DataSize;
import io.mailhub.model.DurationText;
import io.mailhub.model.SmtpPath;
import io.mailhub.model.SyntaxException;
import io.mailhub.policy.DomainList;
import io.mailhub.policy.NetworkList;
import io.mailhub.relay.Destination;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Every {@code mailhub.*} setting, read once at start-up and validated before anything starts. A bad value, or a key
 * we do not know (a typo would otherwise be silently ignored), is reported as one line naming the property, where it
 * came from and what is wrong; the hub then does not start. docs/configuration.md documents each key in {@link #KEYS}.
 */
public final class MailhubSettings {

    /** The documented keys and their defaults (a {@code null} default is computed, see the field). */
    public static final Map<String, String> KEYS = keys();

    private static Map<String, String> keys() {
        Map<String, String> k = new LinkedHashMap<>();
        k.put("mailhub.hostname", null);
        k.put("mailhub.smtp.port", "2525");
        k.put("mailhub.smtp.max-connections", "100");
        k.put("mailhub.smtp.idle-timeout", "5m");
        k.put("mailhub.smtp.min-data-rate", "500B");
        k.put("mailhub.smtp.max-recipients", "100");
        k.put("mailhub.smtp.max-line-length", "64KB");
        k.put("mailhub.submission.port", "2587");
        k.put("mailhub.smtps.port", "2465");
        k.put("mailhub.tls.cert", "");
        k.put("mailhub.tls.key", "");
        k.put("mailhub.auth.users-file", "");
        k.put("mailhub.auth.max-failures", "10");
        k.put("mailhub.auth.failure-window", "15m");
        k.put("mailhub.auth.lockout", "15m");
        k.put("mailhub.auth.lockout-delay", "2s");
        k.put("mailhub.auth.check-header-from", "on");
        k.put("mailhub.dkim.key-table", "");
        k.put("mailhub.inbound.checks", "on");
        k.put("mailhub.dmarc.reject", "off");
        k.put("mailhub.limits.connections-per-minute", "100");
        k.put("mailhub.limits.connections-per-client", "50");
        k.put("mailhub.limits.messages-per-hour", "1000");
        k.put("mailhub.limits.recipients-per-hour", "5000");
        k.put("mailhub.http.port", "8080");
        k.put("mailhub.data.dir", "./data");
        k.put("mailhub.config.dir", "./config");
        k.put("mailhub.routes.dir", "");
        k.put("mailhub.broker.url", "");
        k.put("mailhub.broker.config", "artemis/broker.xml");
        k.put("mailhub.queue.min-free-space", "100MB");
        k.put("mailhub.relay.smarthost", "");
        k.put("mailhub.relay.port", "25");
        k.put("mailhub.relay.transport-map", "");
        k.put("mailhub.relay.dead-destination-time", "60s");
        k.put("mailhub.relay.destination-concurrency", "20");
        k.put("mailhub.relay.tls", "may");
        k.put("mailhub.relay.tls-trust-anchors", "");
        k.put("mailhub.dns.servers", "");
        k.put("mailhub.relay.trusted-networks", "127.0.0.0/8,::1/128");
        k.put("mailhub.local-domains", "");
        k.put("mailhub.max-message-size", "26214400");
        k.put("mailhub.max-hops", "50");
        k.put("mailhub.delivery.concurrency", "20");
        k.put("mailhub.retry.concurrency", "5");
        k.put("mailhub.retry.schedule", "5m, 10m, 20m, 40m, 1h*4, 2h");
        k.put("mailhub.retry.max-lifetime", "5d");
        k.put("mailhub.retry.delay-warning", "");
        return java.util.Collections.unmodifiableMap(k);
    }

    public final String hostname;
    public final int smtpPort;
    public final int smtpMaxConnections;
    public final Duration smtpIdleTimeout;
    /** Octets per second of message content that extend its deadline by a second. */
    public final long smtpMinDataRate;
    public final int smtpMaxRecipients;
    public final int smtpMaxLineLength;
    /** The submission listener's port (RFC 6409), or -1 when it is off. */
    public final int submissionPort;
    /** The implicit-TLS submission listener's port (RFC 8314), or -1 when it is off. */
    public final int smtpsPort;
    /** The operator's certificate chain and key (PEM); both {@code null}: a self-signed pair under the data dir. */
    public final Path tlsCert;
    public final Path tlsKey;
    /** The users file, or {@code null}: no AUTH (the submission listeners then accept no mail). */
    public final Path usersFile;
    public final int authMaxFailures;
    public final Duration authFailureWindow;
    public final Duration authLockout;
    public final Duration authLockoutDelay;
    /** Whether a logged-in user's From: header addresses must be theirs too (not only MAIL FROM). */
    public final boolean authCheckHeaderFrom;
    /** DKIM keys by domain (from the key table); empty: no signing. */
    public final Map<String, List<io.mailhub.dkim.DkimKey>> dkimKeys;
    /** SPF, DKIM and DMARC checks of mail from other servers on the MX listener. */
    public final boolean inboundChecks;
    /** Whether DMARC p=reject failures are refused (550 5.7.1) instead of only marked. */
    public final boolean dmarcReject;
    /** Rate limits (0: off); trusted networks are exempt. */
    public final int limitConnectionsPerMinute;
    /** Concurrent sessions per client address on each listener (0: off); trusted networks are exempt. */
    public final int limitConnectionsPerClient;
    public final int limitMessagesPerHour;
    public final int limitRecipientsPerHour;
    public final int httpPort;
    public final Path dataDir;
    public final Path configDir;
    /** The configuration file the values were read from, or {@code null} when there was none. */
    public final Path configFile;
    public final Path routesDir;
    public final String brokerUrl;
    public final String brokerConfig;
    public final long queueMinFreeSpace;
    public final String smarthost;
    public final int relayPort;
    public final Path transportMap;
    public final Duration deadDestinationTime;
    public final int relayDestinationConcurrency;
    public final String relayTls;
    public final Path relayTlsTrustAnchors;
    public final String dnsServers;
    public final NetworkList trustedNetworks;
    public final DomainList localDomains;
    public final long maxMessageSize;
    /** Received header fields a message may have before it is refused as a loop. */
    public final int maxHops;
    public final int deliveryConcurrency;
    public final int retryConcurrency;
    public final RetrySchedule retrySchedule;
    public final Duration retryMaxLifetime;
    /** After how long a still-pending message gets one "delayed" notice; {@code null}: never. */
    public final Duration retryDelayWarning;
    /** The sender notice texts: {@code bounce-templates.txt} in the config dir over the packaged ones. */
    public final io.mailhub.bounce.DsnTemplates bounceTemplates;

    private final ConfigSource source;
    private final List<String> errors = new ArrayList<>();

    private MailhubSettings(ConfigSource source) {
        this.source = source;
        checkKnownKeys();
        hostname = hostname("mailhub.hostname");
        smtpPort = port("mailhub.smtp.port");
        smtpMaxConnections = intIn("mailhub.smtp.max-connections", 1, 10_000);
        smtpIdleTimeout = duration("mailhub.smtp.idle-timeout", Duration.ofSeconds(1));
        smtpMinDataRate = size("mailhub.smtp.min-data-rate", 0, 1L << 30);
        smtpMaxRecipients = intIn("mailhub.smtp.max-recipients", 1, 100_000);
        smtpMaxLineLength = (int) size("mailhub.smtp.max-line-length", 1000, 16L << 20);
        submissionPort = optionalPort("mailhub.submission.port");
        smtpsPort = optionalPort("mailhub.smtps.port");
        tlsCert = readableFile("mailhub.tls.cert");
        tlsKey = readableFile("mailhub.tls.key");
        if ((tlsCert == null) != (tlsKey == null)) {
            errors.add("mailhub.tls.cert and mailhub.tls.key: set both (certificate chain and private key, PEM) or"
                    + " neither (a self-signed certificate is made under the data dir)");
        }
        checkTlsPair();
        usersFile = readableFile("mailhub.auth.users-file"); // bad lines are reported (with numbers) at load, and skipped
        authMaxFailures = intIn("mailhub.auth.max-failures", 1, 1_000_000);
        authFailureWindow = duration("mailhub.auth.failure-window", Duration.ofSeconds(1));
        authLockout = duration("mailhub.auth.lockout", Duration.ofSeconds(1));
        authLockoutDelay = duration("mailhub.auth.lockout-delay", Duration.ZERO);
        authCheckHeaderFrom = onOff("mailhub.auth.check-header-from");
        dkimKeys = dkimKeys("mailhub.dkim.key-table");
        inboundChecks = onOff("mailhub.inbound.checks");
        dmarcReject = onOff("mailhub.dmarc.reject");
        limitConnectionsPerMinute = intIn("mailhub.limits.connections-per-minute", 0, 1_000_000);
        limitConnectionsPerClient = connectionsPerClient("mailhub.limits.connections-per-client");
        limitMessagesPerHour = intIn("mailhub.limits.messages-per-hour", 0, 10_000_000);
        limitRecipientsPerHour = intIn("mailhub.limits.recipients-per-hour", 0, 100_000_000);
        httpPort = port("mailhub.http.port");
        dataDir = Path.of(value("mailhub.data.dir")).toAbsolutePath().normalize();
        configDir = Path.of(value("mailhub.config.dir")).toAbsolutePath().normalize();
        configFile = source.filePath();
        String routes = value("mailhub.routes.dir");
        routesDir = routes.isBlank() ? null : Path.of(routes).toAbsolutePath().normalize();
        brokerUrl = brokerUrl("mailhub.broker.url");
        brokerConfig = value("mailhub.broker.config").trim();
        queueMinFreeSpace = size("mailhub.queue.min-free-space", 0, Long.MAX_VALUE);
        smarthost = smarthost("mailhub.relay.smarthost");
        relayPort = intIn("mailhub.relay.port", 1, 65535);
        transportMap = transportMap("mailhub.relay.transport-map");
        deadDestinationTime = duration("mailhub.relay.dead-destination-time", Duration.ZERO);
        relayDestinationConcurrency = intIn("mailhub.relay.destination-concurrency", 1, 1000);
        relayTls = tlsPolicy("mailhub.relay.tls");
        relayTlsTrustAnchors = trustAnchors("mailhub.relay.tls-trust-anchors");
        dnsServers = dnsServers("mailhub.dns.servers");
        trustedNetworks = parse("mailhub.relay.trusted-networks", NetworkList::parse);
        localDomains = parse("mailhub.local-domains", DomainList::parse);
        maxMessageSize = size("mailhub.max-message-size", 1024, 4L << 30);
        maxHops = intIn("mailhub.max-hops", 1, 1000);
        deliveryConcurrency = intIn("mailhub.delivery.concurrency", 1, 1000);
        retryConcurrency = intIn("mailhub.retry.concurrency", 1, 1000);
        retrySchedule = parse("mailhub.retry.schedule", RetrySchedule::parse);
        retryMaxLifetime = duration("mailhub.retry.max-lifetime", Duration.ofSeconds(1));
        retryDelayWarning = value("mailhub.retry.delay-warning").isBlank() ? null
                : duration("mailhub.retry.delay-warning", Duration.ofSeconds(1));
        bounceTemplates = bounceTemplates();
    }

    /**
     * Reads and validates every setting.
     *
     * @throws InvalidSettingsException listing one line per problem
     */
    public static MailhubSettings from(ConfigSource source) throws InvalidSettingsException {
        MailhubSettings s = new MailhubSettings(source);
        if (!s.errors.isEmpty()) {
            throw new InvalidSettingsException(s.errors);
        }
        return s;
    }

    /** The resolved values as Camel properties, so routes can use {@code {{mailhub.smtp.port}}} and the like. */
    public Map<String, String> asProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        for (String key : KEYS.keySet()) {
            p.put(key, value(key));
        }
        p.put("mailhub.hostname", hostname);
        p.put("mailhub.data.dir", dataDir.toString());
        p.put("mailhub.config.dir", configDir.toString());
        p.put("mailhub.relay.smarthost", smarthost);
        p.put("mailhub.max-message-size", Long.toString(maxMessageSize));
        return p;
    }

    // ---- parsing helpers: each records an error and returns a harmless value ----

    private String value(String key) {
        String v = source.get(key);
        return v != null ? v : KEYS.get(key) == null ? "" : KEYS.get(key);
    }

    private void error(String key, String problem) {
        String given = source.get(key);
        errors.add(key + (given == null ? "" : "=" + given) + " (" + source.origin(key) + "): " + problem);
    }

    private void checkKnownKeys() {
        Set<String> envNames = new java.util.HashSet<>();
        KEYS.keySet().forEach(k -> envNames.add(ConfigSource.environmentName(k)));
        envNames.add("MAILHUB_CONFIG_DIR");
        for (String key : source.givenKeys()) {
            if (isKubernetesServiceLink(key)) {
                continue;
            }
            boolean known = key.startsWith("MAILHUB_") ? envNames.contains(key) : KEYS.containsKey(key);
            if (!known) {
                errors.add(key + ": unknown setting" + suggestion(key));
            }
        }
    }

    /**
     * Kubernetes injects {@code MAILHUB_SERVICE_HOST}, {@code MAILHUB_PORT_2525_TCP_ADDR} and the like for a Service
     * named "mailhub": those are not settings and must not stop the hub.
     */
    static boolean isKubernetesServiceLink(String key) {
        return key.matches("MAILHUB_(SERVICE_(HOST|PORT)(_[A-Z0-9_]+)?|PORT(_\\d+_(TCP|UDP|SCTP)(_(ADDR|PORT|PROTO))?)?)");
    }

    private static String suggestion(String key) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : KEYS.keySet()) {
            String candidate = key.startsWith("MAILHUB_") ? ConfigSource.environmentName(k) : k;
            int d = distance(key, candidate);
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        return bestDistance <= 3 ? " (did you mean " + best + "?)" : "";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private int port(String key) {
        String v = value(key).trim();
        try {
            int p = Integer.parseInt(v);
            if (p >= 0 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        error(key, "must be a TCP port number from 1 to 65535 (0 picks a free port)");
        return 0;
    }

    private int intIn(String key, int min, int max) {
        String v = value(key).trim();
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        error(key, "must be a whole number from " + min + " to " + max);
        return min;
    }

    private long size(String key, long min, long max) {
        try {
            long n = DataSize.parse(value(key));
            if (n >= min && n <= max) {
                return n;
            }
            error(key, "must be between " + min + " and " + max + " octets");
        } catch (SyntaxException e) {
            error(key, e.getMessage());
        }
        return Math.max(min, 1);
    }

    private Duration duration(String key, Duration min) {
        try {
            Duration d = DurationText.parse(value(key));
            if (d.compareTo(min) >= 0) {
                return d;
            }
            error(key, "must be at least " + DurationText.format(min));
        } catch (SyntaxException e) {
            error(key, e.getMessage());
        }
        return min;
    }

    private String hostname(String key) {
        String v = source.get(key);
        if (v == null || v.isBlank()) {
            try {
                String name = InetAddress.getLocalHost().getCanonicalHostName();
                return SmtpPath.isDomain(name, false) ? name : "localhost";
            } catch (UnknownHostException e) {
                return "localhost";
            }
        }
        String name = v.trim().toLowerCase(Locale.ROOT);
        if (!SmtpPath.isDomain(name, false)) {
            error(key, "must be a host name such as mail.example.com");
        }
        return name;
    }

    private static final java.util.regex.Pattern BROKER_URL =
            java.util.regex.Pattern.compile("\\(?\\s*(tcp|ssl|vm)://[^\\s,()]+(\\s*,\\s*(tcp|ssl|vm)://[^\\s,()]+)*\\s*\\)?(\\?\\S*)?");

    private String brokerUrl(String key) {
        String v = value(key).trim();
        if (!v.isEmpty() && !BROKER_URL.matcher(v).matches()) {
            error(key, "must be empty (embedded broker) or an Artemis URL such as tcp://broker:61616"
                    + " or (tcp://a:61616,tcp://b:61616)");
        }
        return v;
    }

    private Path transportMap(String key) {
        Path p = readableFile(key);
        if (p == null || !java.nio.file.Files.isReadable(p)) {
            return null;
        }
        try {
            io.mailhub.relay.TransportMap.load(p, 25);
        } catch (java.io.IOException | SyntaxException e) {
            error(key, e.getMessage());
        }
        return p;
    }

    private Map<String, List<io.mailhub.dkim.DkimKey>> dkimKeys(String key) {
        Path table = readableFile(key);
        if (table == null || !java.nio.file.Files.isReadable(table)) {
            return Map.of();
        }
        try {
            return io.mailhub.dkim.DkimKeyTable.load(table);
        } catch (java.io.IOException e) {
            error(key, e.getMessage());
            return Map.of();
        }
    }

    private boolean onOff(String key) {
        String v = value(key).trim().toLowerCase(java.util.Locale.ROOT);
        switch (v) {
            case "on", "true", "yes":
                return true;
            case "off", "false", "no":
                return false;
            default:
                error(key, "must be on or off");
                return false;
        }
    }

    /**
     * The per-client session limit: given, it must be lower than max-connections (or one address could still take
     * every session); by default 50 (Postfix's smtpd_client_connection_count_limit), or half of max-connections when
     * that is lower.
     */
    private int connectionsPerClient(String key) {
        if (source.get(key) == null) {
            return Math.min(Integer.parseInt(KEYS.get(key)), Math.max(1, smtpMaxConnections / 2));
        }
        int n = intIn(key, 0, 10_000);
        if (n >= smtpMaxConnections) {
            error(key, "must be lower than mailhub.smtp.max-connections (" + smtpMaxConnections
                    + "), or one client address can still take every session; 0 turns the limit off");
        }
        return n;
    }

    /** A port, or "off" (-1) for a listener that is not started. */
    private int optionalPort(String key) {
        if (value(key).trim().equalsIgnoreCase("off")) {
            return -1;
        }
        return port(key);
    }

    private Path readableFile(String key) {
        String v = value(key).trim();
        if (v.isEmpty()) {
            return null;
        }
        Path p = Path.of(v).toAbsolutePath().normalize();
        if (!java.nio.file.Files.isReadable(p)) {
            error(key, "file " + p + " does not exist or cannot be read");
        }
        return p;
    }

    private void checkTlsPair() {
        if (tlsCert == null || tlsKey == null || !java.nio.file.Files.isReadable(tlsCert)
                || !java.nio.file.Files.isReadable(tlsKey)) {
            return;
        }
        try {
            io.mailhub.ingress.tls.ServerTls.fromPem(tlsCert, tlsKey);
        } catch (io.mailhub.ingress.tls.TlsConfigException e) {
            errors.add("mailhub.tls.cert/mailhub.tls.key: " + e.getMessage());
        }
    }

    private String tlsPolicy(String key) {
        try {
            return io.mailhub.relay.TlsPolicy.parse(value(key)).text();
        } catch (IllegalArgumentException e) {
            error(key, e.getMessage());
            return "may";
        }
    }

    private Path trustAnchors(String key) {
        String v = value(key).trim();
        if (v.isEmpty()) {
            return null;
        }
        Path p = Path.of(v).toAbsolutePath().normalize();
        try {
            io.mailhub.relay.TlsClient.withTrustAnchors(p);
        } catch (java.io.IOException | java.security.GeneralSecurityException | RuntimeException e) {
            error(key, "cannot read CA certificates from " + p + ": " + e.getMessage());
        }
        return p;
    }

    private io.mailhub.bounce.DsnTemplates bounceTemplates() {
        try {
            return io.mailhub.bounce.DsnTemplates.load(configDir);
        } catch (SyntaxException e) {
            errors.add(e.getMessage()); // names the file and the line
            return io.mailhub.bounce.DsnTemplates.defaults();
        } catch (java.io.IOException e) {
            errors.add(configDir.resolve(io.mailhub.bounce.DsnTemplates.FILE_NAME) + ": cannot be read: " + e);
            return io.mailhub.bounce.DsnTemplates.defaults();
        }
    }

    private String dnsServers(String key) {
        String v = value(key).trim();
        try {
            io.mailhub.relay.dns.DnsjavaMxResolver.fromSetting(v, Duration.ofSeconds(10));
        } catch (IllegalArgumentException e) {
            error(key, e.getMessage());
        }
        return v;
    }

    private String smarthost(String key) {
        String v = value(key).trim();
        if (v.isEmpty()) {
            return "";
        }
        try {
            Destination.parse(v, 25);
        } catch (SyntaxException e) {
            error(key, e.getMessage() + " (expected host:port or [host]:port)");
        }
        return v;
    }

    private interface Parser<T> {
        T parse(String text) throws SyntaxException;
    }

    private <T> T parse(String key, Parser<T> parser) {
        try {
            return parser.parse(value(key));
        } catch (SyntaxException e) {
            error(key, e.getMessage());
            try {
                return parser.parse(KEYS.get(key));
            } catch (SyntaxException impossible) {
                throw new IllegalStateException("default of " + key + " does not parse", impossible);
            }
        }
    }
}
