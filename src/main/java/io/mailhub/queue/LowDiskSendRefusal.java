package io.mailhub.queue;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.activemq.artemis.api.core.ActiveMQAddressFullException;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin;
import org.apache.activemq.artemis.core.transaction.Transaction;

/**
 * A plugin of the embedded broker that refuses a client's send while the data disk has less than the broker's minimum
 * free space, before the broker routes it. Without it, a send that arrives after the disk filled up (another process
 * wrote it full between two of the hub's readings) makes Artemis start paging the address, whose first write fails
 * for want of space and shuts the whole broker down (AMQ222010). Refused, the sender gets an error it can answer with
 * a temporary failure (the door's 451/452, a retry left in its queue), and the broker keeps running.
 *
 * <p>The free space is read for every send (one {@code statfs}, microseconds), not from the broker's periodic scan.
 *
 * <p>A send inside a transaction (a route re-enqueueing a retry in the transaction of the message it consumed) is
 * not answered one by one: the client learns of a failed send only at the commit. So the refusal also marks the
 * transaction rollback-only; otherwise the commit would succeed without the refused message and the consumed one
 * would be gone (seen in DiskFullIT under load: a deferred message vanished when its retry could not be stored).
 */
final class LowDiskSendRefusal implements ActiveMQServerMessagePlugin {

    private final FileStore store;
    private final long minFree;

    LowDiskSendRefusal(Path dataDirectory, long minFree) throws IOException {
        this.store = Files.getFileStore(dataDirectory);
        this.minFree = minFree;
    }

    @Override
    public void beforeSend(ServerSession session, Transaction tx, Message message, boolean direct,
            boolean noAutoCreateQueues) throws ActiveMQException {
        long free = free();
        if (free < minFree) {
            ActiveMQAddressFullException refused = new ActiveMQAddressFullException("data disk full: " + free
                    + " octets free, less than " + minFree + "; " + message.getAddress() + " is refused until there is"
                    + " room");
            if (tx != null) {
                tx.markAsRollbackOnly(refused); // the commit fails, so the consumed message stays in its queue
            }
            throw refused;
        }
    }

    private long free() {
        try {
            return store.getUsableSpace();
        } catch (IOException e) {
            return 0;
        }
    }
}
