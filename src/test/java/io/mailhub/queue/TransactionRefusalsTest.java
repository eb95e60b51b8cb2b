package io.mailhub.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailhub.testing.TestBroker;
import org.apache.activemq.artemis.api.core.ActiveMQException;
import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientConsumer;
import org.apache.activemq.artemis.api.core.client.ClientMessage;
import org.apache.activemq.artemis.api.core.client.ClientProducer;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The routes take a message and queue what follows from it (a retry, a notice, a copy) in one transaction. A send the
 * broker refuses inside that transaction must make the commit fail, or the consumed message would be gone and its
 * successor never stored. Artemis 2.56 marks the transaction rollback-only for a duplicate id, but a send to a mail.*
 * address without a queue is committed as if stored: over JMS it went to an auto-created "jms.queue.NAME" (the client's
 * 1.x fallback), over the core API nowhere. The hub's broker.xml turns the first into a failed send (no auto-creation
 * under "jms.#") and the second into a dead letter ({@code send-to-dla-on-no-route}).
 */
class TransactionRefusalsTest {

    private final io.micrometer.core.instrument.simple.SimpleMeterRegistry meters =
            new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    @RegisterExtension
    final TestBroker broker = new TestBroker().withPlugin(new DeadLetterMeter(meters));
    private ServerLocator locator;
    private ClientSessionFactory factory;

    @BeforeEach
    void start() throws Exception {
        locator = ActiveMQClient.createServerLocator(EmbeddedBroker.IN_VM_URL);
        factory = locator.createSessionFactory();
    }

    @AfterEach
    void stop() throws Exception {
        factory.close();
        locator.close();
    }

    private void store(String queue, String duplicateId) throws ActiveMQException {
        try (ClientSession s = factory.createSession(); ClientProducer p = s.createProducer(queue)) {
            ClientMessage m = s.createMessage(true);
            m.getBodyBuffer().writeString("Subject: x\r\n\r\n");
            if (duplicateId != null) {
                m.putStringProperty(Message.HDR_DUPLICATE_DETECTION_ID, SimpleString.of(duplicateId));
            }
            p.send(m);
        }
    }

    private long count(String queue) {
        return broker.broker().server().locateQueue(SimpleString.of(queue)).getMessageCount();
    }

    /** Takes the message waiting in mail.outbound, sends {@code successor} to {@code address}, and commits. */
    private void takeAndSendInOneTransaction(String address, String duplicateId) throws Exception {
        try (ClientSession s = factory.createSession(false, false, false)) {
            s.start();
            ClientConsumer c = s.createConsumer(QueueNames.OUTBOUND);
            ClientMessage taken = c.receive(5000);
            assertThat(taken).as("the message to take").isNotNull();
            taken.acknowledge();
            ClientMessage successor = s.createMessage(true);
            successor.getBodyBuffer().writeString("Subject: next\r\n\r\n");
            if (duplicateId != null) {
                successor.putStringProperty(Message.HDR_DUPLICATE_DETECTION_ID, SimpleString.of(duplicateId));
            }
            try (ClientProducer p = s.createProducer(address)) {
                p.send(successor);
            } catch (ActiveMQException refusedAtOnce) {
                // some refusals also come back with the send; the commit must fail all the same
            }
            s.commit();
        }
    }

    private void jmsTakeAndSend(String queue) throws Exception {
        var cf = new org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory(EmbeddedBroker.IN_VM_URL);
        try (jakarta.jms.Connection c = cf.createConnection()) {
            c.start();
            jakarta.jms.Session s = c.createSession(true, jakarta.jms.Session.SESSION_TRANSACTED);
            try {
                assertThat(s.createConsumer(s.createQueue(QueueNames.OUTBOUND)).receive(5000)).isNotNull();
                s.createProducer(s.createQueue(queue)).send(s.createTextMessage("x"));
                s.commit();
            } catch (Exception e) {
                s.rollback();
                throw e;
            }
        }
    }

    @Test
    void aRouteSendToAMailQueueThatDoesNotExistFailsSoTheTransactionRollsBackAndTheTakenMessageStays()
            throws Exception {
        store(QueueNames.OUTBOUND, null);

        assertThatThrownBy(() -> jmsTakeAndSend("mail.no-such-queue"))
                .hasMessageContaining("There is no queue with name mail.no-such-queue");

        assertThat(count(QueueNames.OUTBOUND)).isEqualTo(1);
        assertThat(broker.broker().server().getAddressInfo(SimpleString.of("jms.queue.mail.no-such-queue")))
                .as("no 1.x-compatible queue made on the side").isNull();
    }

    @Test
    void aCoreSendToAMailAddressWithoutAQueueEndsInMailDeadInsteadOfVanishingWithTheCommit() throws Exception {
        store(QueueNames.OUTBOUND, null);

        takeAndSendInOneTransaction("mail.no-such-queue", null); // committed: Artemis takes it as stored

        assertThat(count(QueueNames.OUTBOUND)).isZero();
        assertThat(count(QueueNames.DEAD)).as("the successor, kept").isEqualTo(1);
        try (ClientSession s = factory.createSession()) {
            s.start();
            ClientMessage dead = s.createConsumer(QueueNames.DEAD).receive(5000);
            assertThat(dead.getStringProperty(Message.HDR_ORIGINAL_ADDRESS)).isEqualTo("mail.no-such-queue");
        }
        assertThat(meters.counter("mailhub.dead.letters", "reason", "no_queue").count()).isEqualTo(1.0);
    }

    @Test
    void aSendWithAnIdTheAddressHasSeenMakesTheCommitFailAndTheTakenMessageStays() throws Exception {
        store(QueueNames.OUTBOUND, null);
        store(QueueNames.INCOMING, "mailhub:0000000000000A");

        assertThatThrownBy(() -> takeAndSendInOneTransaction(QueueNames.INCOMING, "mailhub:0000000000000A"))
                .isInstanceOf(ActiveMQException.class).hasMessageContaining("Duplicate");

        assertThat(count(QueueNames.OUTBOUND)).isEqualTo(1);
        assertThat(count(QueueNames.INCOMING)).as("stored once").isEqualTo(1);
    }

    @Test
    void anAcceptedSendCommitsWithTheTakenMessage() throws Exception {
        store(QueueNames.OUTBOUND, null);

        takeAndSendInOneTransaction(QueueNames.INCOMING, "mailhub:0000000000000B");

        assertThat(count(QueueNames.OUTBOUND)).isZero();
        assertThat(count(QueueNames.INCOMING)).isEqualTo(1);
    }
}
