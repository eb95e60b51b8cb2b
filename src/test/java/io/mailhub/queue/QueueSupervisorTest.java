package io.mailhub.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailhub.model.Envelope;
import io.mailhub.model.EnvelopeHeaders;
import io.mailhub.model.MailAddress;
import io.mailhub.model.MessageContent;
import io.mailhub.model.Recipient;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real embedded broker that stops on a critical I/O error, as Artemis does when a write finds the disk full. */
class QueueSupervisorTest {

    @TempDir
    Path dir;

    private EmbeddedBroker broker;
    private ActiveMQConnectionFactory cf;
    private ArtemisMailQueue queue;
    private QueueSupervisor supervisor;

    @AfterEach
    void stop() throws Exception {
        if (supervisor != null) {
            supervisor.close();
        }
        queue.close();
        cf.close();
        broker.stop();
    }

    private static Envelope envelope(String queueId) {
        return new Envelope(queueId, new MailAddress("a", "client.test"),
                List.of(Recipient.of(new MailAddress("b", "remote.test"))), null, null, io.mailhub.model.BodyType.SEVEN_BIT, false, "127.0.0.1",
                "client.test", null, Instant.now(), -1);
    }

    @Test
    void aBrokerStoppedByACriticalIoErrorIsStartedAgainAndStillHoldsWhatWasStored() throws Exception {
        broker = new EmbeddedBroker("artemis/broker.xml", dir, false);
        broker.start();
        cf = new ActiveMQConnectionFactory(EmbeddedBroker.IN_VM_URL);
        StorageGuard storage = new StorageGuard(dir, 0);
        queue = new ArtemisMailQueue(cf, cf, storage, 1024 * 1024);
        queue.enqueue(envelope("Q0000000000042"), MessageContent.of("Subject: x\r\n\r\nkept\r\n"
                .getBytes(StandardCharsets.US_ASCII)));

        broker.server().getIoCriticalErrorListener().onIOException(new IOException("No space left on device"),
                "No space left on device", "42.msg");
        await().atMost(Duration.ofSeconds(10)).until(broker::hasFailed);
        assertThat(broker.criticalError()).contains("No space left on device");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(queue.readiness(0)).as("MAIL is answered 451 while it is down")
                        .isEqualTo(MailQueue.Readiness.UNREACHABLE));

        supervisor = new QueueSupervisor(broker, storage, new DefaultCamelContext()).start();
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(queue.readiness(0)).isEqualTo(MailQueue.Readiness.READY));
        assertThat(broker.hasFailed()).isFalse();
        assertThat(supervisor.brokerDownFor()).isZero();

        try (Connection c = cf.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createQueue(QueueNames.INCOMING));
            Message m = consumer.receive(5000);
            assertThat(m).isNotNull();
            assertThat(m.getStringProperty(EnvelopeHeaders.QUEUE_ID)).isEqualTo("Q0000000000042");
        }
        queue.enqueue(envelope("Q0000000000043"), MessageContent.of("Subject: y\r\n\r\nnew\r\n"
                .getBytes(StandardCharsets.US_ASCII)));
    }
}
