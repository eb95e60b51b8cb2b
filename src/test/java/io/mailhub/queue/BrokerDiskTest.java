package io.mailhub.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.mailhub.model.Envelope;
import io.mailhub.model.MailAddress;
import io.mailhub.model.MessageContent;
import io.mailhub.model.Recipient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The disk of an external broker, which the hub cannot read itself: a real broker (ours, with broker.xml's
 * max-disk-usage set so that the test machine's disk is past it or within it) reached by management messages, as the
 * hub reaches a standalone one.
 */
class BrokerDiskTest {

    @TempDir
    Path dir;

    private EmbeddedBroker broker;
    private ActiveMQConnectionFactory cf;
    private RemoteQueues remote;
    private ArtemisMailQueue queue;
    private QueueSupervisor supervisor;

    @AfterEach
    void stop() throws Exception {
        if (supervisor != null) {
            supervisor.close();
        }
        if (queue != null) {
            queue.close();
        }
        if (remote != null) {
            remote.close();
        }
        if (cf != null) {
            cf.close();
        }
        if (broker != null) {
            broker.stop();
        }
    }

    /** A broker whose broker.xml says max-disk-usage {@code percent}: 1 is past any real disk, 100 within it. */
    private StorageGuard brokerWithMaxDiskUsage(int percent) throws Exception {
        String xml = Files.readString(Path.of("artemis/broker.xml"));
        assertThat(xml).contains("<max-disk-usage>95</max-disk-usage>");
        Path config = Files.writeString(dir.resolve("broker.xml"), xml.replace("<max-disk-usage>95</max-disk-usage>",
                "<max-disk-usage>" + percent + "</max-disk-usage>"));
        broker = new EmbeddedBroker(config.toString(), dir, false);
        broker.start();
        cf = new ActiveMQConnectionFactory(EmbeddedBroker.IN_VM_URL);
        cf.setBlockOnDurableSend(true);
        remote = new RemoteQueues(EmbeddedBroker.IN_VM_URL);
        StorageGuard storage = new StorageGuard(dir, 0); // the hub's own disk: no limit, so only the broker's counts
        queue = new ArtemisMailQueue(cf, cf, storage, 1024 * 1024);
        return storage;
    }

    private static Envelope envelope(String queueId) {
        return new Envelope(queueId, new MailAddress("a", "client.test"),
                List.of(Recipient.of(new MailAddress("b", "remote.test"))), null, null,
                io.mailhub.model.BodyType.SEVEN_BIT, false, "127.0.0.1", "client.test", null, Instant.now(), -1);
    }

    private static MessageContent content() {
        return MessageContent.of("Subject: x\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void aBrokerPastItsMaxDiskUsageSaysSoAndTheHubRefusesNewMailAndCountsTheDiskAsCritical() throws Exception {
        StorageGuard storage = brokerWithMaxDiskUsage(1);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(remote.diskFull())
                .startsWith("the broker's disk is full: ").endsWith("% used, its max-disk-usage is 1%"));
        assertThat(queue.readiness(0)).as("before the hub asks").isEqualTo(MailQueue.Readiness.READY);

        supervisor = new QueueSupervisor(null, storage, new DefaultCamelContext()).watching(remote::diskFull).start();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(queue.readiness(0)).isEqualTo(MailQueue.Readiness.NO_ROOM));
        assertThat(storage.isCritical()).as("delivery pauses").isTrue();
        QueueException refused = catchThrowableOfType(QueueException.class,
                () -> queue.enqueue(envelope("Q0000000000051"), content()));
        assertThat(refused.isNoRoom()).isTrue();
        assertThat(refused).hasMessageContaining("the broker's disk is full");
    }

    @Test
    void aSendTheFullBrokerRefusesBeforeTheHubHasAskedIsAnsweredAsNoRoomNotAsAnUnreachableQueue() throws Exception {
        brokerWithMaxDiskUsage(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> remote.diskFull() != null);

        QueueException refused = catchThrowableOfType(QueueException.class,
                () -> queue.enqueue(envelope("Q0000000000052"), content()));

        assertThat(refused.isNoRoom()).as("452 4.3.1, not 451 4.3.0: %s", refused.getMessage()).isTrue();
        assertThat(remote.messageCount(QueueNames.INCOMING)).isZero();
    }

    @Test
    void aBrokerWithinItsMaxDiskUsageHasRoomAndTakesMail() throws Exception {
        StorageGuard storage = brokerWithMaxDiskUsage(100);
        supervisor = new QueueSupervisor(null, storage, new DefaultCamelContext()).watching(remote::diskFull);
        supervisor.askBrokerDisk();

        assertThat(remote.diskFull()).isNull();
        assertThat(queue.readiness(0)).isEqualTo(MailQueue.Readiness.READY);
        queue.enqueue(envelope("Q0000000000053"), content());
        assertThat(remote.messageCount(QueueNames.INCOMING)).isOne();
    }

    @Test
    void aBrokerThatCannotBeAskedKeepsItsLastAnswerUntilItAnswersAgain() throws Exception {
        StorageGuard storage = new StorageGuard(dir, 0);
        Deque<Object> answers = new ArrayDeque<>(List.of("the broker's disk is full: 96.0% used, its max-disk-usage"
                + " is 95%", new IllegalStateException("the broker cannot be reached"), "no"));
        supervisor = new QueueSupervisor(null, storage, new DefaultCamelContext()).watching(() -> {
            Object a = answers.pop();
            if (a instanceof Exception e) {
                throw e;
            }
            return "no".equals(a) ? null : (String) a;
        });

        supervisor.askBrokerDisk();
        assertThat(storage.hasRoomFor(0)).isFalse();
        assertThat(storage.lacking()).isEqualTo("the broker's disk is full: 96.0% used, its max-disk-usage is 95%");
        supervisor.askBrokerDisk();
        assertThat(storage.hasRoomFor(0)).as("still full: not known otherwise").isFalse();
        supervisor.askBrokerDisk();
        assertThat(storage.hasRoomFor(0)).isTrue();
        assertThat(storage.isCritical()).isFalse();
    }
}
