package io.mailhub.ingress.smtp;

import io.mailhub.acceptance.AcceptanceMeters;
import io.mailhub.model.SmtpReply;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntSupplier;

/**
 * One listener's meters: {@code mailhub_smtp_connections_total{listener}}, {@code mailhub_smtp_sessions_active
 * {listener}}, {@code mailhub_tls_sessions_total{listener,protocol}}, {@code mailhub_auth_failures_total{door}} and
 * every 4xx/5xx reply it sends as {@code mailhub_rejections_total{door,code,reason}}.
 */
final class SmtpMeters {

    private final MeterRegistry registry;
    private final String listener;
    private final Counter connections;
    private final Counter authFailures;
    private final Map<String, Counter> tls = new ConcurrentHashMap<>();

    static SmtpMeters none(String listener) {
        return new SmtpMeters(new CompositeMeterRegistry(), listener, () -> 0);
    }

    SmtpMeters(MeterRegistry registry, String listener, IntSupplier activeSessions) {
        this.registry = registry;
        this.listener = listener;
        connections = Counter.builder("mailhub.smtp.connections")
                .description("SMTP connections accepted by a listener (refused ones included)")
                .tag("listener", listener)
                .register(registry);
        authFailures = Counter.builder("mailhub.auth.failures")
                .description("Failed logins and refused credentials, by door")
                .tag("door", listener)
                .register(registry);
        Gauge.builder("mailhub.smtp.sessions.active", activeSessions::getAsInt)
                .description("SMTP sessions open now")
                .tag("listener", listener)
                .register(registry);
    }

    void connected() {
        connections.increment();
    }

    void tls(String protocol) {
        tls.computeIfAbsent(protocol, p -> Counter.builder("mailhub.tls.sessions")
                .description("TLS handshakes completed, by listener and protocol")
                .tag("listener", listener)
                .tag("protocol", p)
                .register(registry)).increment();
    }

    void authFailed() {
        authFailures.increment();
    }

    /** Counts a reply when it refuses something (4xx or 5xx). */
    void replied(SmtpReply reply) {
        if (reply.code() >= 400) {
            AcceptanceMeters.rejection(registry, listener, reply);
        }
    }
}
