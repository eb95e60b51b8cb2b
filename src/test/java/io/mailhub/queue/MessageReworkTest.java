package io.mailhub.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailhub.model.EnvelopeHeaders;
import io.mailhub.testing.TestBroker;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Editing queued messages on the real embedded broker, with the broker reached the way an external one is: by
 * management messages ({@link RemoteQueues} over the in-VM connector) for the queue operations, JMS for the rest.
 */
class MessageReworkTest {

    @RegisterExtension
    final TestBroker broker = new TestBroker();

    private ActiveMQConnectionFactory cf;
    private Connection connection;
    private RemoteQueues queues;
    private MailQueueAdmin admin;
    private MessageRework rework;

    @BeforeEach
    void start() throws Exception {
        cf = broker.cf();
        connection = cf.createConnection();
        connection.start();
        queues = new RemoteQueues(EmbeddedBroker.IN_VM_URL);
        admin = new MailQueueAdmin(queues);
        rework = new MessageRework(queues, cf);
    }

    @AfterEach
    void stop() throws Exception {
        queues.close();
        connection.close();
    }

    private void put(String queue, String queueId, long scheduledInMillis, String body) throws Exception {
        try (Session s = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            MessageProducer p = s.createProducer(s.createQueue(queue));
            BytesMessage m = s.createBytesMessage();
            m.writeBytes(body.getBytes(StandardCharsets.US_ASCII));
            m.setStringProperty(EnvelopeHeaders.QUEUE_ID, queueId);
            m.setStringProperty(EnvelopeHeaders.SENDER, "a@client.test");
            m.setStringProperty(EnvelopeHeaders.RECIPIENTS, "<b@remote.test>\n<c@remote.test>");
            m.setIntProperty(EnvelopeHeaders.ATTEMPT, 3);
            if (scheduledInMillis > 0) {
                m.setLongProperty(MessageRework.SCHEDULED, System.currentTimeMillis() + scheduledInMillis);
            }
            p.send(m);
        }
    }

    @Test
    void remoteQueuesSeeWaitingAndDeferredMessagesLikeTheLocalControls() throws Exception {
        put(QueueNames.OUTBOUND, "0000000000000A", 0, "Subject: a\r\n\r\n");
        put(QueueNames.OUTBOUND, "0000000000000B", 3_600_000, "Subject: b\r\n\r\n");
        MailQueueAdmin local = new MailQueueAdmin(broker.broker()::server);

        assertThat(admin.snapshot(QueueNames.OUTBOUND)).isEqualTo(local.snapshot(QueueNames.OUTBOUND)).hasSize(2);
        assertThat(admin.count(QueueNames.OUTBOUND)).containsExactly(2, 1);
        assertThat(queues.names()).contains(QueueNames.OUTBOUND, MessageRework.WORK);
        assertThat(queues.first(QueueNames.OUTBOUND)).containsEntry(EnvelopeHeaders.QUEUE_ID, "0000000000000A");
        assertThat(queues.first(QueueNames.HOLD)).isNull();
        assertThat(admin.apply(QueueNames.OUTBOUND, MailQueueAdmin.Action.MOVE, List.of("0000000000000B"),
                QueueNames.HOLD)).isEqualTo(1);
        assertThat(admin.snapshot(QueueNames.HOLD)).extracting(QueuedMail::queueId).containsExactly("0000000000000B");
    }

    @Test
    void anEditedMessageLeavesItsQueueAndArrivesWithTheEditAndTheSameBody() throws Exception {
        put(QueueNames.OUTBOUND, "0000000000000A", 3_600_000, "Subject: deferred\r\n\r\nbody\r\n");
        put(QueueNames.OUTBOUND, "0000000000000B", 3_600_000, "Subject: other\r\n\r\n");

        int done = rework.rework(QueueNames.OUTBOUND, List.of("0000000000000A"), (props, body) -> {
            assertThat(props).containsKey(MessageRework.SCHEDULED).containsEntry(EnvelopeHeaders.ATTEMPT, 3);
            props.remove(MessageRework.SCHEDULED);
            props.put("MailhubNextHop", "[127.0.0.1]:2525");
            return QueueNames.HOLD;
        });

        assertThat(done).isEqualTo(1);
        assertThat(admin.snapshot(QueueNames.OUTBOUND)).extracting(QueuedMail::queueId).containsExactly("0000000000000B");
        QueuedMail moved = admin.snapshot(QueueNames.HOLD).get(0);
        assertThat(moved.queueId()).isEqualTo("0000000000000A");
        assertThat(moved.state()).as("no longer deferred").isEqualTo("waiting");
        assertThat(moved.nextHop()).isEqualTo("[127.0.0.1]:2525");
        assertThat(moved.attempt()).isEqualTo(3);
        assertThat(queues.messageCount(MessageRework.WORK)).isZero();
        try (Session s = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            BytesMessage m = (BytesMessage) s.createConsumer(s.createQueue(QueueNames.HOLD)).receive(2_000);
            byte[] b = new byte[(int) m.getBodyLength()];
            m.readBytes(b);
            assertThat(new String(b, StandardCharsets.US_ASCII)).isEqualTo("Subject: deferred\r\n\r\nbody\r\n");
        }
    }

    @Test
    void readingAMessageUnchangedPutsItBackStillDeferredOrStillDeadWithItsOrigin() throws Exception {
        put(QueueNames.OUTBOUND, "0000000000000A", 3_600_000, "Subject: deferred\r\n\r\n");
        long next = admin.snapshot(QueueNames.OUTBOUND).get(0).nextAttempt().toEpochMilli();
        put(QueueNames.OUTBOUND, "0000000000000D", 0, "Subject: dies\r\n\r\n");
        admin.apply(QueueNames.OUTBOUND, MailQueueAdmin.Action.MOVE, List.of("0000000000000D"), QueueNames.DEAD);
        byte[][] seen = new byte[2][];

        rework.rework(QueueNames.OUTBOUND, List.of("0000000000000A"), (props, body) -> {
            seen[0] = body;
            return QueueNames.OUTBOUND;
        });
        rework.rework(QueueNames.DEAD, List.of("0000000000000D"), (props, body) -> {
            seen[1] = body;
            return QueueNames.DEAD;
        });

        assertThat(new String(seen[0], StandardCharsets.US_ASCII)).startsWith("Subject: deferred");
        assertThat(new String(seen[1], StandardCharsets.US_ASCII)).startsWith("Subject: dies");
        QueuedMail back = admin.snapshot(QueueNames.OUTBOUND).get(0);
        assertThat(back.state()).isEqualTo("deferred");
        assertThat(back.nextAttempt().toEpochMilli()).isEqualTo(next);
        assertThat(admin.apply(QueueNames.DEAD, MailQueueAdmin.Action.REQUEUE_DEAD, List.of("0000000000000D"), null))
                .as("the dead letter still knows the queue it died in").isEqualTo(1);
        assertThat(admin.snapshot(QueueNames.OUTBOUND)).extracting(QueuedMail::queueId)
                .containsExactlyInAnyOrder("0000000000000A", "0000000000000D");
    }

    @Test
    void whatAnInterruptedReworkLeftInTheWorkQueueGoesBackUnchangedBeforeTheNextOne() throws Exception {
        put(QueueNames.OUTBOUND, "0000000000000A", 3_600_000, "Subject: a\r\n\r\n");
        queues.move(QueueNames.OUTBOUND, null, MessageRework.WORK); // a crash right after the move

        assertThat(rework.recover()).isEqualTo(1);

        assertThat(queues.messageCount(MessageRework.WORK)).isZero();
        assertThat(admin.snapshot(QueueNames.OUTBOUND)).extracting(QueuedMail::queueId)
                .containsExactly("0000000000000A");
    }

    @Test
    void anEditThatFailsLeavesTheMessageWhereItWas() throws Exception {
        put(QueueNames.OUTBOUND, "0000000000000A", 0, "Subject: a\r\n\r\n");

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> rework.rework(QueueNames.OUTBOUND,
                List.of("0000000000000A"), (props, body) -> {
                    throw new IllegalStateException("unreadable");
                })).hasMessageContaining("unreadable");

        assertThat(queues.messageCount(MessageRework.WORK)).isZero();
        assertThat(admin.snapshot(QueueNames.OUTBOUND)).extracting(QueuedMail::queueId)
                .containsExactly("0000000000000A");
        assertThat(Map.copyOf(queues.first(QueueNames.OUTBOUND))).containsEntry(EnvelopeHeaders.QUEUE_ID,
                "0000000000000A");
    }

    @Test
    void aMessageWhoseBodyTheBrokerHoldsCutShortIsNotEditedAndStaysWhereItWas() throws Exception {
        try (Session s = connection.createSession(false, Session.AUTO_ACKNOWLEDGE)) {
            BytesMessage m = s.createBytesMessage();
            m.writeBytes("Subject: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            m.setLongProperty(LargeBodyCheck.SENT_LENGTH, 1_500_000); // as Artemis records a large message's length
            m.setStringProperty(EnvelopeHeaders.QUEUE_ID, "0000000000000C");
            s.createProducer(s.createQueue(QueueNames.DEAD)).send(m);
        }

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> rework.rework(QueueNames.DEAD,
                List.of("0000000000000C"), (props, body) -> QueueNames.INCOMING))
                .isInstanceOf(LargeBodyCheck.CutShort.class)
                .hasMessageStartingWith("body cut short: the broker holds 14 of the 1500000 octets sent");

        assertThat(queues.messageCount(MessageRework.WORK)).isZero();
        assertThat(queues.messageCount(QueueNames.INCOMING)).as("nothing sent on").isZero();
        assertThat(Map.copyOf(queues.first(QueueNames.DEAD))).containsEntry(EnvelopeHeaders.QUEUE_ID,
                "0000000000000C");
    }
}
