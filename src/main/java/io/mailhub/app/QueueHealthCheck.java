package io.mailhub.app;

import io.mailhub.queue.ArtemisMailQueue;
import io.mailhub.queue.EmbeddedBroker;
import io.mailhub.queue.MailQueue;
import io.mailhub.queue.QueueSupervisor;
import io.mailhub.queue.StorageGuard;
import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness: UP while mail can be queued (the broker is reachable, embedded: active, and the disk has room); the
 * message says why not, and whether delivery is paused for want of disk space.
 */
final class QueueHealthCheck extends AbstractHealthCheck {

    private final ArtemisMailQueue queue;
    private final EmbeddedBroker broker;
    private final StorageGuard storage;
    private final QueueSupervisor supervisor;

    QueueHealthCheck(ArtemisMailQueue queue, EmbeddedBroker broker, StorageGuard storage, QueueSupervisor supervisor) {
        super("mailhub", "queue");
        this.queue = queue;
        this.broker = broker;
        this.storage = storage;
        this.supervisor = supervisor;
    }

    @Override
    public boolean isLiveness() {
        return false; // a full disk or a broker being restarted is no reason to restart the hub
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("free_octets", storage.free()).detail("delivery_paused", supervisor.isDeliveryPaused());
        MailQueue.Readiness readiness = queue.readiness(0);
        if (broker != null && !broker.isActive()) {
            builder.down().message("embedded broker is not active" + (broker.criticalError() == null ? ""
                    : " (critical I/O error: " + broker.criticalError() + "); it is restarted once the disk has room"));
        } else if (readiness == MailQueue.Readiness.NO_ROOM) {
            String broker = storage.brokerDiskFull();
            builder.down().message((broker != null ? broker : "data disk has " + storage.free()
                    + " octets free, less than mailhub.queue.min-free-space") + ": new mail is refused with 452 4.3.1"
                    + (supervisor.isDeliveryPaused() ? "; delivery is paused" : ""));
        } else if (readiness == MailQueue.Readiness.UNREACHABLE) {
            builder.down().message("mail queue unavailable (broker unreachable)");
        } else {
            builder.up();
        }
    }
}
