package io.mailhub.app;

import io.mailhub.queue.QueueSupervisor;
import java.time.Duration;
import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Liveness: DOWN when the embedded broker has been down for longer than the hub's own restarts should take, so a
 * supervisor (Kubernetes, systemd) restarts the whole process. A shorter outage is the hub's to heal.
 */
final class BrokerLivenessCheck extends AbstractHealthCheck {

    static final Duration GRACE = Duration.ofMinutes(2);

    private final QueueSupervisor supervisor;

    BrokerLivenessCheck(QueueSupervisor supervisor) {
        super("mailhub", "broker");
        this.supervisor = supervisor;
    }

    @Override
    public boolean isReadiness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        Duration down = supervisor.brokerDownFor();
        if (down.compareTo(GRACE) > 0) {
            builder.down().message("the embedded broker has been down for " + down.toSeconds()
                    + " s and could not be restarted");
        } else {
            builder.up().detail("down_seconds", down.toSeconds());
        }
    }
}
