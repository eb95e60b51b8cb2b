package io.mailhub.queue;

import io.mailhub.model.Envelope;
import io.mailhub.model.EnvelopeHeaders;
import io.mailhub.model.MessageContent;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores accepted mail in {@code mail.incoming} over JMS. Each send is persistent and blocks until the broker has
 * synced it to its journal (Artemis' {@code blockOnDurableSend}, on by default), so a returned {@link #enqueue} means
 * "durable". Concurrent sessions each use their own JMS session from a small pool; the broker groups their writes
 * into one disk sync, which is what makes durable intake fast.
 *
 * <p>Small messages are sent as one regular message; messages above {@code largeThreshold} are streamed from the
 * spool as an Artemis large message ({@code JMS_AMQ_InputStream}), so their size never matters to the heap. Large
 * messages go over connections of their own ({@code largeConnectionFactory}), whose {@code minLargeMessageSize} sets
 * the chunk size: regular messages need a large value (up to the threshold they stay whole), chunks a small one
 * (chunks of 1 MiB are humongous objects for G1).
 *
 * <p>Large messages are sent in a transaction and committed. Outside a transaction, Artemis only logs a chunk it
 * failed to write (the middle chunks get no reply), and stores the message with the chunks it could write: on a disk
 * that fills during the send, the message could be acknowledged, or kept after a failed send, with its body cut short
 * (ADR 0032). Inside one, the failed chunk marks the transaction failed and the commit throws: nothing is stored.
 * As Artemis does not promise that for every write it fails, a message stored while the embedded broker met a critical
 * I/O error is refused all the same (the client tries again later), and a body found cut short when it is read is
 * refused there ({@link LargeBodyCheck}).
 */
public final class ArtemisMailQueue implements MailQueue, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ArtemisMailQueue.class);
    private static final long RETRY_AFTER_FAILURE_NANOS = 2_000_000_000L;
    /** Artemis' scheduled delivery time (epoch milliseconds). */
    private static final String SCHEDULED_DELIVERY = "_AMQ_SCHED_DELIVERY";

    private record Sender(Session session, MessageProducer producer) {}

    private final StorageGuard storage;
    private final int largeThreshold;
    private final java.util.function.LongSupplier brokerErrors;
    private final Senders regular;
    private final Senders large;
    private volatile long failedAt;
    private volatile boolean closed;

    public ArtemisMailQueue(ConnectionFactory connectionFactory, ConnectionFactory largeConnectionFactory,
            StorageGuard storage, int largeThreshold) {
        this(connectionFactory, largeConnectionFactory, storage, largeThreshold, () -> 0);
    }

    /**
     * @param brokerErrors the embedded broker's count of critical I/O errors ({@link EmbeddedBroker#criticalErrors}):
     *     a message stored while it changed is refused, whatever the broker answered
     */
    public ArtemisMailQueue(ConnectionFactory connectionFactory, ConnectionFactory largeConnectionFactory,
            StorageGuard storage, int largeThreshold, java.util.function.LongSupplier brokerErrors) {
        this.storage = storage;
        this.largeThreshold = largeThreshold;
        this.brokerErrors = brokerErrors;
        this.regular = new Senders(connectionFactory, false);
        this.large = new Senders(largeConnectionFactory, true);
    }

    @Override
    public void enqueue(Envelope envelope, MessageContent content, Map<String, String> annotations)
            throws QueueException {
        enqueue(envelope, content, annotations, null);
    }

    @Override
    public void enqueue(Envelope envelope, MessageContent content, Map<String, String> annotations, Instant deliverAt)
            throws QueueException {
        if (!storage.reserve(content.size())) {
            throw QueueException.noRoom(storage.lacking());
        }
        boolean streamed = content.size() > largeThreshold;
        Senders pool = streamed ? large : regular;
        Sender sender = null;
        long errorsBefore = brokerErrors.getAsLong();
        try {
            sender = pool.borrow();
            BytesMessage message = sender.session().createBytesMessage();
            Map<String, Object> headers = new LinkedHashMap<>();
            EnvelopeHeaders.write(envelope, headers);
            headers.putAll(annotations);
            for (Map.Entry<String, Object> h : headers.entrySet()) {
                message.setObjectProperty(h.getKey(), h.getValue());
            }
            if (deliverAt != null) {
                message.setLongProperty(SCHEDULED_DELIVERY, deliverAt.toEpochMilli());
            }
            if (streamed) {
                message.setObjectProperty("JMS_AMQ_InputStream", content.openStream());
            } else {
                message.writeBytes(bytes(envelope, content));
            }
            sender.producer().send(message, DeliveryMode.PERSISTENT, Message.DEFAULT_PRIORITY, 0);
            if (pool.transacted) {
                sender.session().commit();
            }
            if (brokerErrors.getAsLong() != errorsBefore) {
                throw new JMSException("the broker met a critical I/O error while storing it, and stops; its answer"
                        + " cannot be trusted");
            }
            pool.giveBack(sender);
            failedAt = 0;
        } catch (JMSException | IOException | RuntimeException e) {
            discard(sender);
            if (addressFull(e)) { // refused for want of disk (LowDiskSendRefusal; a broker's disk-full-policy FAIL)
                throw QueueException.noRoom("cannot store " + envelope.queueId() + ": " + e.getMessage());
            }
            failedAt = System.nanoTime();
            throw new QueueException("cannot store " + envelope.queueId() + " in " + QueueNames.INCOMING + ": " + e, e);
        }
    }

    private static boolean addressFull(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.apache.activemq.artemis.api.core.ActiveMQException a
                    && a.getType() == org.apache.activemq.artemis.api.core.ActiveMQExceptionType.ADDRESS_FULL) {
                return true;
            }
        }
        return false;
    }

    /** The content as one array: as it is when in memory, read at its exact size when spooled (no growing). */
    private static byte[] bytes(Envelope envelope, MessageContent content) throws IOException {
        byte[] bytes = content.inMemory();
        if (bytes != null) {
            return bytes;
        }
        bytes = new byte[(int) content.size()];
        try (java.io.InputStream in = content.openStream()) {
            int n = in.readNBytes(bytes, 0, bytes.length);
            if (n != bytes.length || in.read() >= 0) {
                throw new IOException("spool of " + envelope.queueId() + " holds " + n + " octets, not the "
                        + bytes.length + " received");
            }
        }
        return bytes;
    }

    /**
     * Ready while connected and the disk has room. Without a connection (the broker went away) it tries to connect at
     * most every 2 seconds, so a client hears 451 at MAIL time, not after sending its whole message.
     */
    @Override
    public Readiness readiness(long declaredSize) {
        if (closed) {
            return Readiness.UNREACHABLE;
        }
        if (!storage.hasRoomFor(declaredSize)) {
            return Readiness.NO_ROOM;
        }
        if (regular.isConnected()) {
            return Readiness.READY;
        }
        long failed = failedAt;
        if (failed != 0 && System.nanoTime() - failed < RETRY_AFTER_FAILURE_NANOS) {
            return Readiness.UNREACHABLE;
        }
        return regular.tryConnect() ? Readiness.READY : Readiness.UNREACHABLE;
    }

    private void discard(Sender sender) {
        if (sender != null) {
            try {
                sender.session().close();
            } catch (JMSException e) {
                LOG.debug("closing a failed session: {}", e.toString());
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        regular.close();
        large.close();
    }

    /** How long a door waits for another thread's connection attempt before it answers "try again later". */
    static final long PROBE_WAIT_MILLIS = 5_000;

    /** One connection to the broker (made when first needed, again after a failure) and its idle sessions. */
    private final class Senders {
        private final ConnectionFactory connectionFactory;
        private final boolean transacted;
        private final ConcurrentLinkedDeque<Sender> idle = new ConcurrentLinkedDeque<>();
        private final Object connectionLock = new Object();
        private final java.util.concurrent.locks.ReentrantLock probe = new java.util.concurrent.locks.ReentrantLock();
        private volatile Connection connection;

        Senders(ConnectionFactory connectionFactory, boolean transacted) {
            this.connectionFactory = connectionFactory;
            this.transacted = transacted;
        }

        Sender borrow() throws JMSException {
            Sender s = idle.poll();
            if (s != null) {
                return s;
            }
            Session session = transacted ? connection().createSession(true, Session.SESSION_TRANSACTED)
                    : connection().createSession(false, Session.AUTO_ACKNOWLEDGE);
            try {
                MessageProducer producer = session.createProducer(session.createQueue(QueueNames.INCOMING));
                producer.setDisableMessageTimestamp(false);
                return new Sender(session, producer);
            } catch (JMSException e) {
                session.close();
                throw e;
            }
        }

        void giveBack(Sender sender) {
            idle.push(sender);
        }

        boolean isConnected() {
            return connection != null;
        }

        /**
         * Connects now, or waits (up to {@link #PROBE_WAIT_MILLIS}) for the thread that is connecting; false when the
         * broker cannot be reached. Waiting matters: the first requests after a start or a reconnect arrive together,
         * and all but one of them would otherwise be refused while that one connects.
         */
        boolean tryConnect() {
            try {
                if (!probe.tryLock(PROBE_WAIT_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    return isConnected();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return isConnected();
            }
            try {
                if (isConnected()) {
                    return true; // the thread we waited for has connected
                }
                long failed = failedAt;
                if (failed != 0 && System.nanoTime() - failed < RETRY_AFTER_FAILURE_NANOS) {
                    return false; // it has just failed
                }
                connection();
                failedAt = 0;
                return true;
            } catch (JMSException | RuntimeException e) {
                failedAt = System.nanoTime();
                LOG.debug("broker still unreachable: {}", e.toString());
                return false;
            } finally {
                probe.unlock();
            }
        }

        private Connection connection() throws JMSException {
            Connection c = connection;
            if (c != null) {
                return c;
            }
            synchronized (connectionLock) {
                if (closed) {
                    throw new JMSException("mail queue is closed");
                }
                if (connection == null) {
                    Connection created = connectionFactory.createConnection();
                    created.setExceptionListener(this::connectionFailed);
                    connection = created;
                    LOG.debug("connected to the broker for {}", QueueNames.INCOMING);
                }
                return connection;
            }
        }

        private void connectionFailed(JMSException e) {
            LOG.warn("broker connection lost: {}", e.toString());
            failedAt = System.nanoTime();
            synchronized (connectionLock) {
                Connection c = connection;
                connection = null;
                idle.clear();
                closeQuietly(c);
            }
        }

        void close() {
            synchronized (connectionLock) {
                idle.clear();
                closeQuietly(connection);
                connection = null;
            }
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (JMSException e) {
                LOG.debug("closing broker connection: {}", e.toString());
            }
        }
    }
}
