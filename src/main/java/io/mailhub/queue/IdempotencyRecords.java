package io.mailhub.queue;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.time.Duration;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Durable records of API idempotency keys in the broker ({@code hub.idempotency}, a last-value queue: the newest record
 * per key counts), each kept for its time-to-live: they survive a restart of the hub and are shared by hubs on one
 * broker. Records are written with a synced send and read back whole when the hub starts.
 */
public final class IdempotencyRecords {

    public static final String QUEUE = "hub.idempotency";
    /** The last-value key of the queue (artemis/broker.xml). */
    public static final String KEY = "MailhubIdempotencyKey";

    /** The suspended destinations (delivery.Suspensions): a queue of their own, read every few seconds by each hub. */
    public static final String SUSPENSIONS = "hub.suspensions";
    /**
     * When monitoring notifications were first mailed (the webhook doors' repeat windows): a queue of their own, so
     * that looking one up browses these records only, not every idempotency key of the last 24 hours.
     */
    public static final String ALERTS = "hub.alerts";

    /** The suppressed recipients (delivery.Suppressions): read again every few seconds by each hub. */
    public static final String SUPPRESSIONS = "hub.suppressions";

    /** When a record was written (epoch milliseconds): what {@link #loadSince} selects on. */
    public static final String TIME = "MailhubRecordTime";

    private final ConnectionFactory connectionFactory;
    private final String queue;

    public IdempotencyRecords(ConnectionFactory connectionFactory) {
        this(connectionFactory, QUEUE);
    }

    /** Records in another last-value queue with the same key ({@link #SUSPENSIONS}). */
    public IdempotencyRecords(ConnectionFactory connectionFactory, String queue) {
        this.connectionFactory = connectionFactory;
        this.queue = queue;
    }

    /** The records of another last-value queue of the same broker, with the same key. */
    public IdempotencyRecords in(String otherQueue) {
        return new IdempotencyRecords(connectionFactory, otherQueue);
    }

    /** Stores {@code value} as the record of {@code key}, durably, for {@code ttl}. */
    public void save(String key, String value, Duration ttl) throws JMSException {
        try (Connection c = connectionFactory.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer p = s.createProducer(s.createQueue(queue));
            TextMessage m = s.createTextMessage(value);
            m.setStringProperty(KEY, key);
            m.setLongProperty(TIME, System.currentTimeMillis());
            p.send(m, DeliveryMode.PERSISTENT, Message.DEFAULT_PRIORITY, ttl.toMillis());
        }
    }

    /**
     * The record of {@code key} if it has not expired, else {@code null}: what another hub on the same broker stored
     * after this one read the records. One browse with a selector, which the broker matches against every record.
     */
    public String find(String key) throws JMSException {
        long now = System.currentTimeMillis();
        try (Connection c = connectionFactory.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            QueueBrowser browser = s.createBrowser(s.createQueue(queue), KEY + " = '" + key.replace("'", "''") + "'");
            String found = null;
            for (Enumeration<?> e = browser.getEnumeration(); e.hasMoreElements(); ) {
                Message m = (Message) e.nextElement();
                if (m instanceof TextMessage t && (m.getJMSExpiration() == 0 || m.getJMSExpiration() > now)) {
                    found = t.getText(); // a last-value queue: the newest record of the key is the one left
                }
            }
            return found;
        }
    }

    /** Every record that has not expired, by key. */
    public Map<String, String> loadAll() throws JMSException {
        return load(null);
    }

    /** The records whose keys start with {@code prefix} (letters, digits and dots) that have not expired, by key. */
    public Map<String, String> loadAll(String prefix) throws JMSException {
        if (!prefix.matches("[A-Za-z0-9.]+")) {
            throw new IllegalArgumentException("not a record key prefix: " + prefix);
        }
        return load(KEY + " LIKE '" + prefix + "%'");
    }

    /**
     * The records whose keys start with {@code prefix} written at or after {@code sinceMillis} (by the writer's clock)
     * that have not expired: what changed since an earlier read, without reading every record again.
     */
    public Map<String, String> loadSince(String prefix, long sinceMillis) throws JMSException {
        if (!prefix.matches("[A-Za-z0-9.]+")) {
            throw new IllegalArgumentException("not a record key prefix: " + prefix);
        }
        return load(KEY + " LIKE '" + prefix + "%' AND " + TIME + " >= " + sinceMillis);
    }

    private Map<String, String> load(String selector) throws JMSException {
        Map<String, String> records = new LinkedHashMap<>();
        long now = System.currentTimeMillis();
        try (Connection c = connectionFactory.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            QueueBrowser browser = s.createBrowser(s.createQueue(queue), selector);
            Enumeration<?> e = browser.getEnumeration();
            while (e.hasMoreElements()) {
                Message m = (Message) e.nextElement();
                if (m instanceof TextMessage t && (m.getJMSExpiration() == 0 || m.getJMSExpiration() > now)) {
                    records.put(m.getStringProperty(KEY), t.getText());
                }
            }
        }
        return records;
    }
}
