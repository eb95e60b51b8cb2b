package io.mailhub.app;

import io.mailhub.queue.ArtemisMailQueue;
import io.mailhub.queue.EmbeddedBroker;
import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/** UP while mail can be queued: the broker is reachable (embedded: active) and the disk has room. */
final class QueueHealthCheck extends AbstractHealthCheck {

    private final ArtemisMailQueue queue;
    private final EmbeddedBroker broker;

    QueueHealthCheck(ArtemisMailQueue queue, EmbeddedBroker broker) {
        super("mailhub", "queue");
        this.queue = queue;
        this.broker = broker;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        if (broker != null && !broker.isActive()) {
            builder.down().message("embedded broker is not active");
        } else if (!queue.isAvailable()) {
            builder.down().message("mail queue unavailable (broker unreachable or disk nearly full)");
        } else {
            builder.up();
        }
    }
}
