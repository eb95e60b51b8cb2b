package io.mailhub.ingress.smtp;

import io.mailhub.config.SettingsReader;
import io.mailhub.policy.NetworkList;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The SMTP listeners' settings ({@code mailhub.smtp.*}, {@code mailhub.submission.port}, {@code mailhub.smtps.port},
 * {@code mailhub.limits.connections-per-client}); {@link #forRole} makes the settings of one listener.
 *
 * @param submissionPort the submission listener's port (RFC 6409), -1 when off
 * @param smtpsPort the implicit-TLS submission listener's port (RFC 8314), -1 when off
 * @param connectionsPerClient concurrent sessions per client address on each listener, 0: no limit
 * @param minDataRate octets per second of message content that extend its deadline by a second
 */
public record ListenerSettings(int smtpPort, int submissionPort, int smtpsPort, int maxConnections,
        int connectionsPerClient, Duration idleTimeout, long minDataRate, int maxRecipients, int maxLineLength) {

    public static final Map<String, String> KEYS = SettingsReader.defaults(
            "mailhub.smtp.port", "2525",
            "mailhub.smtp.max-connections", "100",
            "mailhub.smtp.idle-timeout", "5m",
            "mailhub.smtp.min-data-rate", "500B",
            "mailhub.smtp.max-recipients", "100",
            "mailhub.smtp.max-line-length", "64KB",
            "mailhub.submission.port", "2587",
            "mailhub.smtps.port", "2465",
            "mailhub.limits.connections-per-client", "50");

    private static final String PER_CLIENT = "mailhub.limits.connections-per-client";

    public static ListenerSettings read(SettingsReader r) {
        int maxConnections = r.intIn("mailhub.smtp.max-connections", 1, 10_000);
        return new ListenerSettings(r.port("mailhub.smtp.port"), r.optionalPort("mailhub.submission.port"),
                r.optionalPort("mailhub.smtps.port"), maxConnections, connectionsPerClient(r, maxConnections),
                r.duration("mailhub.smtp.idle-timeout", Duration.ofSeconds(1)),
                r.size("mailhub.smtp.min-data-rate", 0, 1L << 30), r.intIn("mailhub.smtp.max-recipients", 1, 100_000),
                (int) r.size("mailhub.smtp.max-line-length", 1000, 16L << 20));
    }

    /**
     * The per-client session limit: given, it must be lower than max-connections (or one address could still take
     * every session); by default 50 (Postfix's smtpd_client_connection_count_limit), or half of max-connections when
     * that is lower.
     */
    private static int connectionsPerClient(SettingsReader r, int maxConnections) {
        if (!r.isGiven(PER_CLIENT)) {
            return Math.min(Integer.parseInt(KEYS.get(PER_CLIENT)), Math.max(1, maxConnections / 2));
        }
        int n = r.intIn(PER_CLIENT, 0, 10_000);
        if (n >= maxConnections) {
            r.error(PER_CLIENT, "must be lower than mailhub.smtp.max-connections (" + maxConnections
                    + "), or one client address can still take every session; 0 turns the limit off");
        }
        return n;
    }

    /** The port of a listener, -1 when it is off. */
    public int port(ListenerRole role) {
        return switch (role) {
            case MX -> smtpPort;
            case SUBMISSION -> submissionPort;
            case SMTPS -> smtpsPort;
        };
    }

    /** The settings of one listener. */
    public SmtpSettings forRole(ListenerRole role, String hostname, NetworkList trustedNetworks, long maxMessageSize,
            Path spoolDirectory, int spoolMemoryThreshold) {
        return new SmtpSettings(hostname, null, port(role), role, maxConnections, connectionsPerClient, trustedNetworks,
                idleTimeout, minDataRate, maxMessageSize, maxRecipients, maxLineLength, spoolDirectory,
                spoolMemoryThreshold, 20, Duration.ofSeconds(10));
    }
}
