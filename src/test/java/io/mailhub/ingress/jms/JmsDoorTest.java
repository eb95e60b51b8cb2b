package io.mailhub.ingress.jms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailhub.acceptance.Origin;
import io.mailhub.auth.ApiKey;
import io.mailhub.auth.Logins;
import io.mailhub.auth.User;
import io.mailhub.ingress.http.LocalSubmissions;
import io.mailhub.ingress.http.Submissions;
import io.mailhub.model.DsnRet;
import io.mailhub.model.MailAddress;
import io.mailhub.model.Recipient;
import io.mailhub.queue.EmbeddedBroker;
import io.mailhub.testing.TestBroker;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The JMS door's transactions against the real embedded broker with the broker.xml the hub ships: messages waiting
 * together are taken in one transaction, a refusal among them goes to the invalid queue, and a message that must be
 * tried again takes the others of its transaction back with it, to be stored again under the same queue ids. The
 * acceptance path is a fake that records what it was given.
 */
class JmsDoorTest {

    @RegisterExtension
    final TestBroker broker = new TestBroker();

    private ActiveMQConnectionFactory cf;
    private JmsDoor door;
    private final RecordingSubmissions submissions = new RecordingSubmissions(this::atTheConsumer);

    @BeforeEach
    void start() {
        cf = broker.cf();
    }

    @AfterEach
    void stop() throws Exception {
        if (door != null) {
            door.stop();
        }
    }

    @Test
    void messagesWaitingTogetherAreEachStoredOnceAndARefusalAmongThemGoesToTheInvalidQueue() throws Exception {
        send("m1", "m2", "not-json:m3", "m4", "m5");

        startDoor();

        // the transaction's work shows once it commits: the refused copy in the invalid queue among it
        await().atMost(Duration.ofSeconds(20)).until(() -> count("mail.submit.invalid") == 1
                && count("mail.submit") == 0 && submissions.calls.size() == 4);
        assertThat(submissions.calls).extracting(Call::body).containsExactly("m1", "m2", "m4", "m5");
        assertThat(count("mail.submit.invalid")).isEqualTo(1);
        assertThat(invalidReasons()).singleElement().asString().startsWith("5.6.0 invalid-json");
        assertThat(count("mail.dead")).isZero();
    }

    @Test
    void aMessageToBeTriedAgainTakesTheOthersOfItsTransactionBackAndEachIsStoredUnderOneQueueId() throws Exception {
        submissions.failOnceOn = "m3";
        send("m1", "m2", "m3", "m4", "m5");

        startDoor();

        // the broker gives the rolled-back messages again after its redelivery delay (5 s in broker.xml)
        await().atMost(Duration.ofSeconds(30)).until(() -> count("mail.submit") == 0
                && submissions.stored().keySet().containsAll(List.of("m1", "m2", "m3", "m4", "m5")));
        Map<String, List<String>> ids = submissions.calls.stream().collect(Collectors.groupingBy(Call::body,
                Collectors.mapping(Call::queueId, Collectors.toList())));
        assertThat(ids.get("m3")).as("m3: refused once for now, then stored").hasSize(2);
        assertThat(ids.get("m1")).as("m1 was in m3's transaction: taken again").hasSize(2);
        assertThat(ids.values()).allSatisfy(each -> assertThat(each).as("one queue id per message").containsOnly(
                each.get(0)));
        assertThat(ids.values().stream().map(l -> l.get(0)).distinct()).hasSize(5);
        assertThat(count("mail.dead")).isZero();
        assertThat(count("mail.submit.invalid")).isZero();
    }

    @Test
    void onABrokerThatAuthenticatesNoProducerTheDoorTakesNothingAndTheMessagesWait() throws Exception {
        send("m1", "m2");
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        try (io.mailhub.queue.RemoteQueues remote = new io.mailhub.queue.RemoteQueues(EmbeddedBroker.IN_VM_URL)) {
            assertThat(remote.securityEnabled()).as("the packaged broker.xml: security off").isFalse();

            startDoor(() -> {
                asked.incrementAndGet();
                return remote.securityEnabled();
            });

            await().atMost(Duration.ofSeconds(10)).until(() -> asked.get() >= 1);
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                    .until(() -> count("mail.submit") == 2 && submissions.calls.isEmpty());
            assertThat(count("mail.submit.invalid")).as("not refused either: they wait").isZero();
            door.stop(); // before the management session closes: a door still asking would open it again
            door = null;
        }
    }

    @Test
    void whileNoMailCanBeQueuedTheDoorTakesNothingSoNoDeliveryAttemptIsSpentAndItTakesThemOnceItCan()
            throws Exception {
        submissions.notReady = "4.3.1 insufficient-storage: Insufficient system storage";
        send("m1", "m2", "m3", "m4", "m5");

        startDoor();

        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> submissions.calls.isEmpty());
        assertThat(broker.broker().server().locateQueue("mail.submit").getMessageCount()).isEqualTo(5);

        submissions.notReady = null;
        await().atMost(Duration.ofSeconds(20)).until(() -> count("mail.submit") == 0
                && submissions.stored().size() == 5);
        assertThat(submissions.calls).as("each taken once: none was rolled back").hasSize(5);
        assertThat(count("mail.dead")).isZero();
        assertThat(count("mail.submit.invalid")).isZero();
    }

    @Test
    void aRawMessageWhoseBodyTheBrokerHoldsCutShortGoesToTheInvalidQueueWithTheReason() throws Exception {
        try (Connection c = cf.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            jakarta.jms.BytesMessage m = s.createBytesMessage();
            m.writeBytes("Subject: x\r\n\r\nhi\r\n".getBytes(StandardCharsets.US_ASCII));
            m.setLongProperty("_AMQ_LARGE_SIZE", 1_500_000); // as the broker records a large message's sent length
            m.setStringProperty("_AMQ_VALIDATED_USER", "erp");
            s.createProducer(s.createQueue("mail.submit")).send(m);
        }

        startDoor();

        await().atMost(Duration.ofSeconds(20)).until(() -> count("mail.submit.invalid") == 1);
        assertThat(invalidReasons()).singleElement().asString().isEqualTo("5.3.0 truncated-body: body cut short: the"
                + " broker holds 18 of the 1500000 octets sent (it failed to write the rest, such as on a full disk);"
                + " send it again");
        assertThat(submissions.calls).as("never handed on").isEmpty();
        assertThat(count("mail.submit")).isZero();
    }

    // ---- harness ----

    private void startDoor() {
        startDoor(() -> true);
    }

    private void startDoor(JmsDoor.ProducerAuthentication check) {
        Logins logins = new Logins() {
            @Override
            public User authenticate(String name, char[] password) {
                return null;
            }

            @Override
            public User user(String name) {
                return name.equals("erp") ? new User("erp", "", List.of("orders@erp.test"), List.of()) : null;
            }
        };
        door = new JmsDoor(new JmsSettings(null, "mail.submit", 1), cf, submissions, logins).takingOnlyWhen(check);
        door.start();
    }

    /** TextMessages from the login {@code erp} (as the broker marks them when it authenticated the producer). */
    private void send(String... bodies) throws Exception {
        try (Connection c = cf.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer p = s.createProducer(s.createQueue("mail.submit"));
            for (String body : bodies) {
                Message m = s.createTextMessage(body);
                m.setStringProperty("_AMQ_VALIDATED_USER", "erp");
                p.send(m);
            }
        }
    }

    /** Messages the broker has handed to a consumer and not yet had acknowledged. */
    private long atTheConsumer() {
        return broker.broker().server().locateQueue("mail.submit").getDeliveringCount();
    }

    private int count(String queue) throws Exception {
        try (Connection c = cf.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            c.start();
            try (QueueBrowser b = s.createBrowser(s.createQueue(queue))) {
                return Collections.list(b.getEnumeration()).size();
            }
        }
    }

    private List<String> invalidReasons() throws Exception {
        try (Connection c = cf.createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            c.start();
            try (QueueBrowser b = s.createBrowser(s.createQueue("mail.submit.invalid"))) {
                List<String> reasons = new java.util.ArrayList<>();
                for (Object m : Collections.list(b.getEnumeration())) {
                    reasons.add(((Message) m).getStringProperty(JmsDoor.REJECT_REASON));
                }
                return reasons;
            }
        }
    }

    record Call(String body, String queueId, boolean stored) {}

    /**
     * Takes the body as the message; a body starting {@code not-json:} is refused for good, and {@link #failOnceOn}
     * is refused for now the first time. The first call waits until the broker has handed all five waiting messages
     * to the door's consumer, so that the door has them at hand and takes them in the same transaction.
     */
    static final class RecordingSubmissions implements Submissions {
        final List<Call> calls = new CopyOnWriteArrayList<>();
        volatile String failOnceOn;
        volatile String notReady;
        private final java.util.function.LongSupplier atTheConsumer;

        RecordingSubmissions(java.util.function.LongSupplier atTheConsumer) {
            this.atTheConsumer = atTheConsumer;
        }

        @Override
        public List<LocalSubmissions.Queued> json(InputStream in, ApiKey principal, Origin origin,
                IntFunction<String> queueIds) throws LocalSubmissions.Refused, java.io.IOException {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            if (calls.isEmpty()) {
                await().atMost(Duration.ofSeconds(10)).until(() -> atTheConsumer.getAsLong() >= 5);
            }
            if (body.startsWith("not-json:")) {
                throw LocalSubmissions.Refused.of("5.6.0", "invalid-json", "the body is not JSON");
            }
            String queueId = queueIds.apply(0);
            if (body.equals(failOnceOn)) {
                failOnceOn = null;
                calls.add(new Call(body, queueId, false));
                throw LocalSubmissions.Refused.of("4.3.0", "queue-unavailable", "cannot store now");
            }
            calls.add(new Call(body, queueId, true));
            return List.of(new LocalSubmissions.Queued(queueId, "<" + queueId + "@test>", List.of("a@b.test"),
                    Map.of()));
        }

        @Override
        public LocalSubmissions.Queued raw(InputStream in, long size, ApiKey principal, Origin origin,
                boolean senderGiven, MailAddress sender, List<Recipient> recipients, DsnRet ret, String envid,
                String queueId) {
            throw new UnsupportedOperationException("TextMessages only");
        }

        @Override
        public String notReady() {
            return notReady;
        }

        /** The messages stored (their last call stored them). */
        Map<String, Call> stored() {
            return calls.stream().filter(Call::stored).collect(Collectors.toMap(Call::body, c -> c, (a, b) -> b));
        }
    }
}
