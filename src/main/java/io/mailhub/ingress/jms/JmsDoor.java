package io.mailhub.ingress.jms;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.mailhub.acceptance.Door;
import io.mailhub.acceptance.Origin;
import io.mailhub.auth.ApiKey;
import io.mailhub.auth.Logins;
import io.mailhub.auth.SendAs;
import io.mailhub.auth.User;
import io.mailhub.cleanup.SessionTrace;
import io.mailhub.ingress.http.LocalSubmissions;
import io.mailhub.ingress.http.Submissions;
import io.mailhub.ingress.pickup.ReplayEnvelope;
import io.mailhub.model.MailAddress;
import io.mailhub.model.QueueIds;
import io.mailhub.model.Recipient;
import io.mailhub.model.SmtpPath;
import io.mailhub.model.SyntaxException;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JMS door: messages on {@code mailhub.jms.submit-queue} (default {@code mail.submit}) become mail. A
 * {@code TextMessage} holds the send API's JSON; a {@code BytesMessage} an RFC 5322 message, its envelope in the
 * properties {@code MailhubMailFrom} and {@code MailhubRcptTo} (comma-separated) or in leading X-Sender/X-Receiver
 * lines, else the header's; a {@code MapMessage} flat fields ({@code from, to, cc, bcc, subject, text, html}, byte
 * arrays as attachments named by their key). Other properties are never read: a property named {@code To} sends
 * nothing anywhere. {@code ObjectMessage} is refused (no deserialization of producer classes).
 *
 * <p>The principal is the user the broker authenticated ({@code _AMQ_VALIDATED_USER}: a login of the users file),
 * with that login's sender rules. The message is consumed in a local transaction that commits after the durable
 * enqueue (a second session of the same broker): a crash before the commit redelivers it, and its queue id, derived
 * from the user and the Idempotency-Key property or else the JMS message id, makes the broker store it once. A refused
 * message goes to {@code SUBMIT.invalid} with {@code MailhubRejectReason} (enhanced code, type, detail) in the same
 * transaction; a temporary failure is rolled back and redelivered (the broker's delays, then mail.dead). With a
 * JMSReplyTo, a receipt ({@code {"id", "message_id", "accepted", "rejected", "reason"}}) goes there with the
 * correlation id (the request's, else its message id).
 */
public final class JmsDoor {

    private static final Logger LOG = LoggerFactory.getLogger("io.mailhub.ingress");
    private static final JsonFactory JSON = new JsonFactory();

    /** The property a refused message carries in the invalid queue. */
    public static final String REJECT_REASON = "MailhubRejectReason";
    public static final String MAIL_FROM = "MailhubMailFrom";
    public static final String RCPT_TO = "MailhubRcptTo";
    public static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    public static final String IDEMPOTENCY_KEY_JMS = "IdempotencyKey";
    private static final String VALIDATED_USER = "_AMQ_VALIDATED_USER";
    /** Most messages one transaction takes while the consumer has more at hand: one synced commit for all. */
    static final int MAX_BATCH = 16;
    /** After a rollback, one message per transaction for a while, so that one message does not drag others along. */
    static final java.time.Duration SINGLE_AFTER_ROLLBACK = java.time.Duration.ofSeconds(30);

    private final JmsSettings settings;
    private final ConnectionFactory cf;
    private final Submissions submissions;
    private final Logins logins;
    private volatile boolean running;
    private final List<Thread> threads = new ArrayList<>();
    private ProducerAuthentication authentication = () -> true;
    private final java.util.concurrent.atomic.AtomicBoolean toldUnauthenticated =
            new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicBoolean toldNotReady = new java.util.concurrent.atomic.AtomicBoolean();
    /** Whether a consumer has said that the broker is away: said once for all of them, not by each. */
    private final java.util.concurrent.atomic.AtomicBoolean toldDisconnected =
            new java.util.concurrent.atomic.AtomicBoolean();

    /**
     * Whether the broker authenticates the producers of the submit queue, so that {@code _AMQ_VALIDATED_USER} names who
     * sent a message rather than what the sender wrote there.
     */
    @FunctionalInterface
    public interface ProducerAuthentication {
        boolean isOn() throws Exception;
    }

    /** How long the door waits before it asks a broker that authenticates no producer again. */
    static final java.time.Duration ASK_AGAIN = java.time.Duration.ofSeconds(30);

    /** @param logins the users file's logins, or {@code null}: every message is refused (5.7.0) */
    public JmsDoor(JmsSettings settings, ConnectionFactory cf, Submissions submissions, Logins logins) {
        this.settings = settings;
        this.cf = cf;
        this.submissions = submissions;
        this.logins = logins;
    }

    /**
     * Takes messages only while {@code check} says the broker authenticates producers (an external broker with
     * security on). Asked each time a consumer connects; while it says no, the door leaves the messages in the submit
     * queue, logs why once, and asks again every {@link #ASK_AGAIN}.
     */
    public JmsDoor takingOnlyWhen(ProducerAuthentication check) {
        this.authentication = check;
        return this;
    }

    public void start() {
        running = true;
        for (int i = 1; i <= settings.consumers(); i++) {
            Thread t = new Thread(this::consume, "mailhub-jms-" + i);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        LOG.info("JMS door on queue {} with {} consumers (refused messages to {})", settings.submitQueue(),
                settings.consumers(), settings.invalidQueue());
    }

    public void stop() throws InterruptedException {
        running = false;
        for (Thread t : threads) {
            t.join(10_000);
        }
    }

    private void consume() {
        while (running) {
            if (!producersAuthenticated()) {
                pause(ASK_AGAIN);
                continue;
            }
            try (Connection c = cf.createConnection()) {
                Session s = c.createSession(true, Session.SESSION_TRANSACTED);
                MessageConsumer consumer = s.createConsumer(s.createQueue(settings.submitQueue()));
                MessageProducer producer = s.createProducer(null);
                c.start();
                if (toldDisconnected.compareAndSet(true, false)) {
                    LOG.info("JMS door: connected to the broker again; taking messages from {}", settings.submitQueue());
                }
                long singleUntil = System.nanoTime();
                while (running) {
                    if (!queueReady()) {
                        pause();
                        continue;
                    }
                    Message m = consumer.receive(500);
                    if (m != null && !takeBatch(s, consumer, producer, m,
                            System.nanoTime() - singleUntil < 0 ? 1 : MAX_BATCH)) {
                        singleUntil = System.nanoTime() + SINGLE_AFTER_ROLLBACK.toNanos();
                    }
                }
            } catch (JMSException | RuntimeException e) {
                if (toldDisconnected.compareAndSet(false, true)) {
                    LOG.warn("JMS door: {}; its consumers try again every second", e.toString());
                }
                pause();
            }
        }
    }

    /**
     * Handles {@code first} and, while the consumer has more at hand, up to {@code limit} messages in all, then commits
     * them together (one synced write for all their acknowledgements). Each one's mail is already stored when the next
     * is taken. When one must be tried again, the whole transaction rolls back: those before it are redelivered too,
     * and their queue ids make the broker store their mail once.
     *
     * @return false when it rolled back
     */
    private boolean takeBatch(Session s, MessageConsumer consumer, MessageProducer producer, Message first, int limit)
            throws JMSException {
        List<Runnable> afterCommit = new ArrayList<>();
        Message m = first;
        for (int n = 1; m != null; n++) {
            Runnable done;
            try {
                done = handle(s, producer, m);
            } catch (JMSException | RuntimeException e) { // redelivered, after 5 attempts to mail.dead
                LOG.warn("jms: {} failed, rolled back: {}", name(m), e.toString());
                done = null;
            }
            if (done == null) {
                s.rollback();
                return false;
            }
            afterCommit.add(done);
            m = n < limit ? consumer.receiveNoWait() : null;
        }
        s.commit();
        afterCommit.forEach(Runnable::run);
        return true;
    }

    private boolean producersAuthenticated() {
        String why;
        try {
            if (authentication.isOn()) {
                if (toldUnauthenticated.compareAndSet(true, false)) {
                    LOG.info("JMS door: the broker authenticates producers now; taking messages from {}",
                            settings.submitQueue());
                }
                return true;
            }
            why = "the broker has security off, so it authenticates no producer and any client could name any user"
                    + " in _AMQ_VALIDATED_USER (turn it on: -Dmailhub.broker.security-enabled=true, artemis/README.md)";
        } catch (Exception e) {
            why = "cannot ask the broker whether it authenticates producers: " + e.getMessage();
        }
        if (toldUnauthenticated.compareAndSet(false, true)) {
            LOG.error("JMS door takes no message from {}: {}; the messages wait there, asked again every {} s",
                    settings.submitQueue(), why, ASK_AGAIN.toSeconds());
        }
        return false;
    }

    /**
     * Whether mail can be queued now. While it cannot (a full disk, the broker's or the data disk's), the door takes
     * nothing: each message taken would be rolled back, and the broker moves a message to mail.dead after five
     * redeliveries, a few minutes. Waiting in the submit queue, it spends no attempt.
     */
    private boolean queueReady() {
        String why = submissions.notReady();
        if (why == null) {
            if (toldNotReady.compareAndSet(true, false)) {
                LOG.info("JMS door: mail can be queued again; taking messages from {}", settings.submitQueue());
            }
            return true;
        }
        if (toldNotReady.compareAndSet(false, true)) {
            LOG.warn("JMS door takes no message from {} while mail cannot be queued ({}); the messages wait there",
                    settings.submitQueue(), why);
        }
        return false;
    }

    private static void pause() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void pause(java.time.Duration d) {
        for (long waited = 0; running && waited < d.toSeconds(); waited++) {
            pause();
        }
    }

    /** Takes one message in the open transaction: what to log once it commits, or {@code null} to roll back. */
    private Runnable handle(Session s, MessageProducer producer, Message m) throws JMSException {
        String user = m.getStringProperty(VALIDATED_USER);
        User u = user == null || logins == null ? null : logins.user(user);
        if (u == null) {
            return reject(s, producer, m, "5.7.0 authentication-required: the message was not sent by a login of the"
                    + " users file (mailhub.auth.users-file)");
        }
        ApiKey principal = new ApiKey(u.name(), "", new SendAs(u.addresses(), u.domains()), 0, 0, false, false);
        InetAddress local = InetAddress.getLoopbackAddress();
        Origin origin = new Origin(Door.JMS, local, null, principal, false,
                SessionTrace.via("JMS", local.getHostAddress(), null, null, u.name()));
        String seed = "jms\0" + u.name() + "\0" + identity(m);
        try {
            List<LocalSubmissions.Queued> queued;
            if (m instanceof TextMessage t) {
                queued = submissions.json(stream(t.getText()), principal, origin, n -> QueueIds.derived(seed + "\0" + n));
            } else if (m instanceof BytesMessage b) {
                queued = List.of(raw(b, principal, origin, QueueIds.derived(seed)));
            } else if (m instanceof MapMessage map) {
                queued = submissions.json(stream(json(map)), principal, origin, n -> QueueIds.derived(seed + "\0" + n));
            } else {
                return reject(s, producer, m, "5.6.0 unsupported-message-type: " + type(m) + " is not taken; send a"
                        + " TextMessage (JSON), a BytesMessage (RFC 5322) or a MapMessage");
            }
            receipt(s, producer, m, queued, null);
            String name = name(m);
            String ids = String.join(", ", queued.stream().map(LocalSubmissions.Queued::queueId).toList());
            return () -> LOG.info("jms: {} from {} queued as {}", name, u.name(), ids);
        } catch (LocalSubmissions.Refused e) {
            if (e.isTemporary()) {
                LOG.warn("jms: {} not queued yet, rolled back for redelivery: {}", name(m), e.reason());
                return null;
            }
            return reject(s, producer, m, e.reason());
        } catch (SyntaxException e) {
            return reject(s, producer, m, "5.6.0 invalid-envelope: " + e.getMessage());
        } catch (io.mailhub.queue.LargeBodyCheck.CutShort e) {
            return reject(s, producer, m, "5.3.0 truncated-body: " + e.getMessage() + "; send it again");
        } catch (IOException e) {
            LOG.warn("jms: {} cannot be read, rolled back: {}", name(m), e.toString());
            return null;
        }
    }

    /**
     * What makes the message the same message when it comes again: the producer's Idempotency-Key (a STOMP or AMQP
     * header {@code Idempotency-Key}, or the JMS property {@code IdempotencyKey}, since JMS names cannot hold '-'), else
     * its JMS message id, else (STOMP messages have none) the broker's id of the stored message, which a redelivery
     * keeps.
     */
    private static String identity(Message m) throws JMSException {
        String key = m.getStringProperty(IDEMPOTENCY_KEY);
        if (key == null) {
            key = m.getStringProperty(IDEMPOTENCY_KEY_JMS);
        }
        if (key != null) {
            return "key:" + key;
        }
        if (m.getJMSMessageID() != null) {
            return "id:" + m.getJMSMessageID();
        }
        return "core:" + ((org.apache.activemq.artemis.jms.client.ActiveMQMessage) m).getCoreMessage().getMessageID();
    }

    /** The message in logs: its JMS message id, or the broker's id (STOMP messages have no JMS id). */
    private static String name(Message m) {
        try {
            return m.getJMSMessageID() != null ? m.getJMSMessageID() : "message " + ((org.apache.activemq.artemis.jms
                    .client.ActiveMQMessage) m).getCoreMessage().getMessageID();
        } catch (JMSException | RuntimeException e) {
            return "a message";
        }
    }

    private LocalSubmissions.Queued raw(BytesMessage b, ApiKey principal, Origin origin, String queueId)
            throws JMSException, IOException, SyntaxException, LocalSubmissions.Refused {
        byte[] body = new byte[(int) b.getBodyLength()];
        int read = Math.max(0, b.readBytes(body)); // the whole body at once (Artemis reads all it has)
        io.mailhub.queue.LargeBodyCheck.verify(b, read);
        InputStream in = new BufferedInputStream(new ByteArrayInputStream(body));
        String from = b.getStringProperty(MAIL_FROM);
        String to = b.getStringProperty(RCPT_TO);
        if (from == null && to == null) {
            ReplayEnvelope env = ReplayEnvelope.read(in);
            return submissions.raw(in, body.length, principal, origin, env.senderGiven(), env.sender(),
                    env.recipients(), env.ret(), env.envid(), queueId);
        }
        MailAddress sender = null;
        if (from != null && !from.isBlank() && !from.strip().equals("<>")) {
            sender = address(from, MAIL_FROM);
        }
        List<Recipient> rcpts = new ArrayList<>();
        for (String r : to == null ? new String[0] : to.split(",")) {
            if (!r.isBlank()) {
                rcpts.add(Recipient.of(address(r, RCPT_TO)));
            }
        }
        return submissions.raw(in, body.length, principal, origin, from != null, sender, rcpts, null, null, queueId);
    }

    private static MailAddress address(String text, String property) throws SyntaxException {
        try {
            return SmtpPath.looseMailbox(text);
        } catch (SyntaxException e) {
            throw new SyntaxException(property + ": '" + text.strip() + "' is not an address");
        }
    }

    /** A MapMessage's fields as the send API's JSON: strings as fields, byte arrays as attachments. */
    static String json(MapMessage map) throws JMSException, IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            List<String> attachments = new ArrayList<>();
            for (Object n : Collections.list(map.getMapNames())) {
                String name = (String) n;
                Object v = map.getObject(name);
                if (v instanceof byte[]) {
                    attachments.add(name);
                } else if (v != null) {
                    g.writeStringField(name, v.toString());
                }
            }
            if (!attachments.isEmpty()) {
                g.writeArrayFieldStart("attachments");
                for (String name : attachments) {
                    g.writeStartObject();
                    g.writeStringField("filename", name);
                    g.writeStringField("content", Base64.getEncoder().encodeToString(map.getBytes(name)));
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static InputStream stream(String text) {
        return new ByteArrayInputStream((text == null ? "" : text).getBytes(StandardCharsets.UTF_8));
    }

    private static String type(Message m) {
        for (Class<?> c : m.getClass().getInterfaces()) {
            if (c.getName().startsWith("jakarta.jms.")) {
                return c.getSimpleName();
            }
        }
        return m.getClass().getSimpleName().replace("ActiveMQ", "");
    }

    /** Moves the message to the invalid queue with its reason, in the consuming transaction; what to log at commit. */
    private Runnable reject(Session s, MessageProducer producer, Message m, String reason) throws JMSException {
        Message copy = copy(s, m);
        copy.setStringProperty(REJECT_REASON, reason);
        producer.send(s.createQueue(settings.invalidQueue()), copy);
        receipt(s, producer, m, List.of(), reason);
        String name = name(m);
        return () -> LOG.warn("jms: {} refused, moved to {}: {}", name, settings.invalidQueue(), reason);
    }

    private static Message copy(Session s, Message m) throws JMSException {
        Message c;
        if (m instanceof TextMessage t) {
            c = s.createTextMessage(t.getText());
        } else if (m instanceof BytesMessage b) {
            b.reset();
            byte[] body = new byte[(int) b.getBodyLength()];
            b.readBytes(body);
            BytesMessage bc = s.createBytesMessage();
            bc.writeBytes(body);
            c = bc;
        } else if (m instanceof MapMessage map) {
            MapMessage mc = s.createMapMessage();
            for (Object n : Collections.list(map.getMapNames())) {
                mc.setObject((String) n, map.getObject((String) n));
            }
            c = mc;
        } else {
            c = s.createMessage(); // an ObjectMessage's body is never deserialized, so it is not kept
        }
        for (Object n : Collections.list(m.getPropertyNames())) {
            String name = (String) n;
            boolean javaName = !name.isEmpty() && Character.isJavaIdentifierStart(name.charAt(0))
                    && name.chars().allMatch(Character::isJavaIdentifierPart); // STOMP headers may be anything
            if (javaName && (!name.startsWith("JMSX") && !name.startsWith("_AMQ_") || name.equals(VALIDATED_USER))) {
                c.setObjectProperty(name, m.getObjectProperty(name));
            }
        }
        c.setJMSCorrelationID(m.getJMSCorrelationID() != null ? m.getJMSCorrelationID() : m.getJMSMessageID());
        return c;
    }

    private static void receipt(Session s, MessageProducer producer, Message m, List<LocalSubmissions.Queued> queued,
            String reason) throws JMSException {
        Destination replyTo = m.getJMSReplyTo();
        if (replyTo == null) {
            return;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            LocalSubmissions.Queued first = queued.isEmpty() ? null : queued.get(0);
            g.writeStringField("id", first == null ? null : first.queueId());
            g.writeStringField("message_id", first == null ? null : first.messageId());
            g.writeArrayFieldStart("accepted");
            for (LocalSubmissions.Queued q : queued) {
                for (String a : q.accepted()) {
                    g.writeString(a);
                }
            }
            g.writeEndArray();
            g.writeObjectFieldStart("rejected");
            for (LocalSubmissions.Queued q : queued) {
                for (var e : q.rejected().entrySet()) {
                    g.writeStringField(e.getKey(), e.getValue());
                }
            }
            g.writeEndObject();
            g.writeStringField("reason", reason);
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        TextMessage r = s.createTextMessage(out.toString(StandardCharsets.UTF_8));
        r.setJMSCorrelationID(m.getJMSCorrelationID() != null ? m.getJMSCorrelationID() : m.getJMSMessageID());
        producer.send(replyTo, r);
    }

    @Override
    public String toString() {
        return "JMS door on " + settings.submitQueue().toLowerCase(Locale.ROOT);
    }
}
