package io.mailhub.app;

import io.mailhub.ingress.smtp.SmtpServer;
import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/** UP while the SMTP listener accepts connections. */
final class ListenerHealthCheck extends AbstractHealthCheck {

    private final SmtpServer server;

    ListenerHealthCheck(String name, SmtpServer server) {
        super("mailhub", name);
        this.server = server;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        if (server.isRunning()) {
            builder.up().detail("port", server.port()).detail("sessions", server.activeSessions());
        } else {
            builder.down().message("SMTP listener is not accepting connections");
        }
    }
}
