package io.mailhub.app;

import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Liveness: DOWN when the embedded broker has been down for longer than the hub's own restarts should take, so a
 * supervisor (Kubernetes, systemd) restarts the whole process. A shorter outage is the hub's to heal.
 */
final class BrokerLivenessCheck extends AbstractHealthCheck {

    static final Duration GRACE = Duration.ofMinutes(2);

    private final Supplier<Duration> brokerDownFor;

    /** @param brokerDownFor how long the embedded broker has been down (zero while it runs) */
    BrokerLivenessCheck(Supplier<Duration> brokerDownFor) {
        super("mailhub", "broker");
        this.brokerDownFor = brokerDownFor;
    }

    @Override
    public boolean isLiveness() {
        return true; // Camel's default for a check is readiness only
    }

    @Override
    public boolean isReadiness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        Duration down = brokerDownFor.get();
        if (down.compareTo(GRACE) > 0) {
            builder.down().message("the embedded broker has been down for " + down.toSeconds()
                    + " s and could not be restarted");
        } else {
            builder.up().detail("down_seconds", down.toSeconds());
        }
    }
}
