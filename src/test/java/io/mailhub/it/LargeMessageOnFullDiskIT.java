package io.mailhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mailhub.model.BodyType;
import io.mailhub.model.Envelope;
import io.mailhub.model.MailAddress;
import io.mailhub.model.MessageContent;
import io.mailhub.model.Recipient;
import io.mailhub.queue.ArtemisMailQueue;
import io.mailhub.queue.EmbeddedBroker;
import io.mailhub.queue.LargeBodyCheck;
import io.mailhub.queue.QueueException;
import io.mailhub.queue.QueueNames;
import io.mailhub.queue.StorageGuard;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The mail queue on a real embedded broker whose disk (a tmpfs) fills while a large message is being stored: Artemis
 * fails to write one of its chunks. The queue must refuse the message, and what Artemis kept of it after all (outside
 * a transaction it often kept such a message with its body cut short; inside one, rarely) must be recognised as cut
 * short where it is read, so that it is never delivered (ADR 0032). In-process: no hub, no guard (the broker itself
 * meets ENOSPC).
 */
class LargeMessageOnFullDiskIT {

    private static final int SIZE = 1_500_000;
    private static final int CHUNK = 256 * 1024; // the hub's chunk size for large messages

    private Path work;
    private String brokerXml;

    @BeforeEach
    void needsRoot() throws Exception {
        assumeTrue(Tmpfs.canMount(), "mounting a tmpfs needs root (.ci/run runs as root)");
        work = HubProcess.itDir("large-full");
        String xml = Files.readString(Path.of("artemis/broker.xml")) // no disk limit: the broker meets ENOSPC itself
                .replace("<max-disk-usage>95</max-disk-usage>", "<max-disk-usage>100</max-disk-usage>");
        brokerXml = Files.writeString(work.resolve("broker.xml"), xml).toString();
    }

    @Test
    void aLargeMessageWhoseChunkTheBrokerCannotWriteIsRefusedAndNothingOfItIsKept() throws Exception {
        // the chunk that fails is an early one, the one before the last (which alone gets a reply), or the last
        for (long room : new long[] {400_000, 1_100_000, 1_200_000, 1_300_000, 1_350_000, 1_420_000}) {
            Path disk = work.resolve("disk-" + room);
            try (Tmpfs tmpfs = new Tmpfs(disk, "64m")) {
                Path data = disk.resolve("data");
                EmbeddedBroker broker = new EmbeddedBroker(brokerXml, data, false);
                broker.start();
                try (ActiveMQConnectionFactory cf = factory(); ArtemisMailQueue queue = new ArtemisMailQueue(cf, cf,
                        new StorageGuard(data, 0), 1024 * 1024, broker::criticalErrors)) {
                    tmpfs.fillLeaving(room);
                    assertThatThrownBy(() -> queue.enqueue(envelope(room), body(), Map.of()))
                            .as("with %d octets free", room).isInstanceOf(QueueException.class);
                } finally {
                    broker.stop();
                }

                tmpfs.release();
                broker = new EmbeddedBroker(brokerXml, data, false);
                broker.start();
                try {
                    assertThat(keptIn(QueueNames.INCOMING)).as("kept after the refusal, %d octets free", room)
                            .allSatisfy(verdict -> assertThat(verdict).startsWith("cut short: "));
                } finally {
                    broker.stop();
                }
            }
        }
    }

    private static ActiveMQConnectionFactory factory() {
        ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory(EmbeddedBroker.IN_VM_URL);
        cf.setMinLargeMessageSize(CHUNK);
        cf.setBlockOnDurableSend(true);
        return cf;
    }

    private static Envelope envelope(long room) {
        return new Envelope("01LARGEFULL" + room, new MailAddress("a", "client.test"),
                List.of(Recipient.of(new MailAddress("b", "remote.test"))), null, null, BodyType.SEVEN_BIT, false,
                null, null, null, Instant.now(), SIZE);
    }

    private static MessageContent body() {
        return MessageContent.of(("Subject: big\r\n\r\n" + "Y".repeat(SIZE - 18) + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * What the hub's stages would make of each message in {@code queue}: {@code "cut short: ..."} when
     * {@link LargeBodyCheck} refuses it, else {@code "whole, N octets"} (each received, then rolled back).
     */
    private static List<String> keptIn(String queue) throws Exception {
        List<String> verdicts = new ArrayList<>();
        try (ActiveMQConnectionFactory cf = factory(); Connection c = cf.createConnection()) {
            c.start();
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            MessageConsumer consumer = s.createConsumer(s.createQueue(queue));
            for (Message m; (m = consumer.receive(1000)) != null;) {
                int read = Math.max(0, ((BytesMessage) m).readBytes(new byte[2 * SIZE]));
                try {
                    LargeBodyCheck.verify(m, read);
                    verdicts.add("whole, " + read + " octets");
                } catch (LargeBodyCheck.CutShort e) {
                    verdicts.add("cut short: " + e.getMessage());
                }
            }
            s.rollback();
        }
        return verdicts;
    }
}
