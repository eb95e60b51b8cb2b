package io.mailhub.relay;

import java.time.Duration;

/** Relays with test timeouts and a small pool, for tests outside this package (integration tests with real peers). */
public final class TestRelays {

    private TestRelays() {}

    /** A relay over plain TCP sockets with these TLS contexts: 5 s to connect, 10 s per reply, 30 s after the dot. */
    public static SmtpRelay create(String heloName, TlsClient tls) {
        return new SmtpRelay(SmtpTransport.PLAIN, heloName,
                new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30)),
                new ConnectionPool(4, Duration.ofSeconds(2), Duration.ofMinutes(1), 10), tls);
    }
}
