package io.mailhub.ingress.http;

import io.mailhub.config.SettingsReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The HTTP listener and the send API ({@code mailhub.http.port}, {@code mailhub.https.port},
 * {@code mailhub.api.keys-file}).
 *
 * @param port the plain HTTP port (health, and the API for loopback and development)
 * @param httpsPort the HTTPS port, -1 when off (the SMTP listeners' PEM pair)
 * @param apiKeysFile the API keys, or {@code null}: every API call gets 401
 * @param maxThreads request threads (each may wait for the broker's synced write)
 * @param idleTimeout how long a connection may stay idle, and the longest pause while a request is read
 * @param connectionsPerClient open connections from one client address outside the trusted networks, 0: no limit
 * @param minDataRate octets per second of a request body that extend its deadline (idle timeout) by a second, 0: no
 *     deadline for bodies
 */
public record HttpSettings(int port, int httpsPort, Path apiKeysFile, int maxThreads, Duration idleTimeout,
        int connectionsPerClient, long minDataRate) {

    public HttpSettings(int port, int httpsPort, Path apiKeysFile, int maxThreads, Duration idleTimeout) {
        this(port, httpsPort, apiKeysFile, maxThreads, idleTimeout, 0, 0);
    }

    public HttpSettings(int port, int httpsPort, Path apiKeysFile, int maxThreads, Duration idleTimeout,
            int connectionsPerClient) {
        this(port, httpsPort, apiKeysFile, maxThreads, idleTimeout, connectionsPerClient, 0);
    }

    public static final Map<String, String> KEYS = SettingsReader.defaults(
            "mailhub.http.port", "8080",
            "mailhub.https.port", "off",
            "mailhub.api.keys-file", "",
            "mailhub.http.max-threads", "200",
            "mailhub.http.idle-timeout", "60s",
            "mailhub.http.connections-per-client", "100",
            "mailhub.http.min-data-rate", "500B");

    public static HttpSettings read(SettingsReader r) {
        return new HttpSettings(r.port("mailhub.http.port"), r.optionalPort("mailhub.https.port"),
                r.readableFile("mailhub.api.keys-file"), r.intIn("mailhub.http.max-threads", 16, 10_000),
                r.duration("mailhub.http.idle-timeout", Duration.ofSeconds(1)),
                r.intIn("mailhub.http.connections-per-client", 0, 1_000_000),
                r.size("mailhub.http.min-data-rate", 0, 1L << 30));
    }
}
