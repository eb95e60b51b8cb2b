package io.mailhub.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailhub.model.EnvelopeHeaders;
import io.mailhub.queue.EmbeddedBroker;
import io.mailhub.queue.QueueNames;
import io.mailhub.testing.FakeSmtpServer;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.Session;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged routes (YAML and XML) running in-process on the real embedded broker, with a scripted next hop:
 * the first attempt runs in dispatch, pending recipients come back through mail.outbound, failures go to mail.bounce.
 */
class DeliveryRoutesTest {

    @TempDir
    Path dir;

    private FakeSmtpServer nextHop;
    private InProcessHub hub;
    private int smtpPort;

    @BeforeEach
    void startHub(org.junit.jupiter.api.TestInfo test) throws Exception {
        nextHop = new FakeSmtpServer();
        smtpPort = InProcessHub.freePort();
        Map<String, String> values = InProcessHub.settings(dir, smtpPort, InProcessHub.freePort());
        values.put("mailhub.relay.smarthost", "127.0.0.1:" + nextHop.port());
        values.put("mailhub.retry.schedule", "1s");
        if (test.getTags().contains("short-lifetime")) {
            values.put("mailhub.retry.max-lifetime", "3s");
        }
        if (test.getTags().contains("delay-warning")) {
            values.put("mailhub.retry.delay-warning", "2s");
        }
        if (test.getTags().contains("fast-redelivery")) {
            // the shipped broker.xml, with redeliveries 100 ms apart instead of 5 s, 15 s, 45 s, ...
            Path config = InProcessHub.fastRedelivery(dir, 100, 5);
            values.put("mailhub.broker.config", config.toString());
        }
        hub = InProcessHub.start(values);
    }

    @AfterEach
    void stopHub() throws Exception {
        hub.stop();
        nextHop.close();
    }

    @Test
    void bothDslsAreLoadedFromThePackagedRouteFiles() {
        CamelContext camel = hub.main().getCamelContext();
        assertThat(camel.getRoute("dispatch")).as("routes/dispatch.camel.yaml").isNotNull();
        assertThat(camel.getRoute("retry")).as("routes/retry.camel.yaml").isNotNull();
        assertThat(camel.getRoute("delivery")).as("routes/delivery.camel.xml").isNotNull();
        assertThat(camel.getRoute("delivery").getSourceLocationShort()).contains("delivery.camel.xml");
    }

    @Test
    void onlyDeferredRecipientsAreRetriedAndFailedOnesGoToTheBounceQueue() throws Exception {
        AtomicInteger laterAttempts = new AtomicInteger();
        nextHop.rcptReply(a -> switch (a) {
            case "later@remote.test" -> laterAttempts.incrementAndGet() == 1 ? "450 4.2.0 mailbox busy" : "250 2.1.5 Ok";
            case "never@remote.test" -> "550 5.1.1 no such user";
            default -> "250 2.1.5 Ok";
        });

        send("ok@remote.test", "later@remote.test", "never@remote.test");

        await().atMost(Duration.ofSeconds(30)).until(() -> nextHop.transactions().size() == 3);
        FakeSmtpServer.Transaction first = nextHop.transactions().get(0);
        assertThat(first.accepted()).containsExactly("ok@remote.test");
        FakeSmtpServer.Transaction retry = transactionFrom("MAIL FROM:<a@client.test>", 1);
        assertThat(retry.rcptLines()).as("the retry carries only the pending recipient")
                .singleElement().asString().contains("later@remote.test");
        assertThat(retry.data()).isEqualTo(first.data());

        FakeSmtpServer.Transaction notice = transactionFrom("MAIL FROM:<>", 0);
        assertThat(notice.mailLine()).as("the notice comes from the null sender").startsWith("MAIL FROM:<>");
        assertThat(notice.accepted()).as("to the original sender").containsExactly("a@client.test");
        String dsn = notice.data();
        assertThat(dsn).contains("multipart/report").contains("report-type=delivery-status")
                .contains("Final-Recipient: rfc822; never@remote.test").contains("Status: 5.1.1")
                .contains("Action: failed").doesNotContain("ok@remote.test\r\nAction");
        // a second delivery would come with the next retry round (1 s): the count must hold for longer than that
        await().during(Duration.ofMillis(1_500)).atMost(Duration.ofSeconds(10))
                .until(() -> nextHop.transactions().size() == 3);
        assertThat(nextHop.transactions()).as("nothing is delivered twice").hasSize(3);
        assertThat(InProcessHub.receive(QueueNames.BOUNCE, 500)).as("the bounce request was consumed").isNull();
    }

    @Test
    @org.junit.jupiter.api.Tag("delay-warning")
    void aMessageStillWaitingAfterTheDelayWarningTimeGetsExactlyOneDelayedNotice() throws Exception {
        nextHop.rcptReply(a -> a.equals("slow@remote.test") ? "450 4.2.0 mailbox busy" : "250 2.1.5 Ok");

        send("slow@remote.test");

        await().atMost(Duration.ofSeconds(30)).until(() -> nextHop.transactions().stream()
                .anyMatch(t -> t.mailLine().startsWith("MAIL FROM:<>")));
        // several more retry rounds (1 s each) pass without a second warning
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> nextHop.transactions().stream()
                .filter(t -> t.mailLine().startsWith("MAIL FROM:<>")).count() == 1);
        List<FakeSmtpServer.Transaction> notices = nextHop.transactions().stream()
                .filter(t -> t.mailLine().startsWith("MAIL FROM:<>")).toList();
        assertThat(notices).as("one delay notice").hasSize(1);
        assertThat(notices.get(0).accepted()).containsExactly("a@client.test");
        assertThat(notices.get(0).data()).contains("Action: delayed").contains("Status: 4.2.0")
                .contains("Will-Retry-Until:").contains("Final-Recipient: rfc822; slow@remote.test");
        assertThat(nextHop.commands().stream().filter(c -> c.line().equals("RCPT TO:<slow@remote.test>")).count())
                .as("retries go on after the warning").isGreaterThanOrEqualTo(4);
    }

    @Test
    @org.junit.jupiter.api.Tag("fast-redelivery")
    void aMessageThatMakesTheRouteFailEveryTimeEndsInTheDeadLetterQueue() throws Exception {
        ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory(EmbeddedBroker.IN_VM_URL);
        try (Connection c = cf.createConnection()) {
            Session s = c.createSession(true, Session.SESSION_TRANSACTED);
            jakarta.jms.BytesMessage m = s.createBytesMessage();
            m.writeBytes("Subject: poison\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII));
            m.setStringProperty(EnvelopeHeaders.QUEUE_ID, "POISON1");
            m.setStringProperty(EnvelopeHeaders.SENDER, "a@client.test");
            m.setStringProperty(EnvelopeHeaders.RECIPIENTS, "this is not a recipient line");
            s.createProducer(s.createQueue(QueueNames.INCOMING)).send(m);
            s.commit();
        } finally {
            cf.close();
        }

        Message dead = InProcessHub.receive(QueueNames.DEAD, 60_000);

        assertThat(dead).as("after the broker's 5 delivery attempts").isNotNull();
        assertThat(nextHop.connections()).isZero();
        assertThat(dead.getStringProperty(EnvelopeHeaders.QUEUE_ID)).isEqualTo("POISON1");
        assertThat(dead.getStringProperty("_AMQ_ORIG_ADDRESS")).as("moved by the broker from").isEqualTo(QueueNames.INCOMING);
        assertThat(nextHop.connections()).as("nothing was sent anywhere").isZero();
    }

    @Test
    void aFailedNoticeIsNeverBouncedButEndsInTheDeadLetterQueue() throws Exception {
        nextHop.rcptReply(a -> a.equals("a@client.test") ? "550 5.1.1 sender gone" : "550 5.1.1 no such user");

        send("never@remote.test");

        Message dead = InProcessHub.receive(QueueNames.DEAD, 30_000);
        assertThat(dead).as("the undeliverable notice in " + QueueNames.DEAD).isNotNull();
        assertThat(dead.getStringProperty(EnvelopeHeaders.SENDER)).as("it is the notice, from <>").isEmpty();
        assertThat(dead.getStringProperty("MailhubDeadReason")).startsWith("double bounce");
        await().during(Duration.ofMillis(1_500)).atMost(Duration.ofSeconds(10)).until(() -> nextHop.commands().stream()
                .filter(c -> c.line().startsWith("MAIL FROM:")).count() == 2);
        assertThat(nextHop.commands().stream().filter(c -> c.line().startsWith("MAIL FROM:")))
                .as("the original and the notice, each tried once").hasSize(2);
    }

    @Test
    @org.junit.jupiter.api.Tag("short-lifetime")
    void aRecipientDeferredPastItsLifetimeIsLoggedAsExpiredWith547() throws Exception {
        nextHop.rcptReply(a -> a.equals("slow@remote.test") ? "451 4.3.0 try later" : "250 2.1.5 Ok");

        send("slow@remote.test");

        Path events = dir.resolve("data/events.jsonl");
        await().atMost(Duration.ofSeconds(30)).until(() -> java.nio.file.Files.exists(events)
                && java.nio.file.Files.readString(events).contains("\"status\":\"5.4.7\""));
        List<String> all = java.nio.file.Files.readAllLines(events);
        assertThat(all.get(0)).contains("\"event\":\"received\"");
        List<String> lines = all.stream().filter(l -> l.contains("\"recipient\":")).toList(); // the attempts
        assertThat(lines.get(0)).contains("\"event\":\"deferred\"").contains("\"status\":\"4.3.0\"");
        assertThat(lines.get(lines.size() - 1)).contains("\"event\":\"expired\"").contains("\"status\":\"5.4.7\"")
                .contains("delivery time expired");
    }

    @Test
    void mailForASuspendedDomainWaitsWithoutUsingAnAttemptAndGoesOutWhenRetriedAfterTheResume() throws Exception {
        io.mailhub.delivery.Suspensions suspensions = hub.main().getCamelContext().getRegistry()
                .lookupByNameAndType("suspensionGate", io.mailhub.delivery.SuspensionGate.class).suspensions();
        java.time.Instant until = suspensions.suspend("Remote.TEST", Duration.ofHours(1), "their MX is down", "ops")
                .until();

        send("waits@remote.test", "goes@other.test");

        await().atMost(Duration.ofSeconds(30)).until(() -> nextHop.transactions().size() == 1);
        assertThat(nextHop.transactions().get(0).accepted()).as("the other domain is delivered at once")
                .containsExactly("goes@other.test");
        io.mailhub.queue.MailQueueAdmin queues = new io.mailhub.queue.MailQueueAdmin(
                new io.mailhub.queue.RemoteQueues(EmbeddedBroker.IN_VM_URL));
        await().atMost(Duration.ofSeconds(10)).until(() -> queues.snapshot(QueueNames.OUTBOUND).size() == 1);
        io.mailhub.queue.QueuedMail waiting = queues.snapshot(QueueNames.OUTBOUND).get(0);
        assertThat(waiting.recipients()).containsExactly("waits@remote.test");
        assertThat(waiting.state()).isEqualTo("deferred");
        assertThat(waiting.nextAttempt()).as("until the suspension ends").isEqualTo(until.truncatedTo(
                java.time.temporal.ChronoUnit.MILLIS));
        assertThat(waiting.attempt()).as("no attempt was used").isZero();

        assertThat(suspensions.resume("remote.test")).isNotNull();
        assertThat(queues.apply(QueueNames.OUTBOUND, io.mailhub.queue.MailQueueAdmin.Action.RETRY,
                List.of(waiting.queueId()), null)).isEqualTo(1);

        await().atMost(Duration.ofSeconds(30)).until(() -> nextHop.transactions().size() == 2);
        assertThat(nextHop.transactions().get(1).accepted()).containsExactly("waits@remote.test");
    }

    /** The n-th (from 0) transaction whose MAIL command starts with the given text. */
    private FakeSmtpServer.Transaction transactionFrom(String mailPrefix, int n) {
        return nextHop.transactions().stream().filter(t -> t.mailLine().startsWith(mailPrefix)).skip(n).findFirst()
                .orElseThrow(() -> new AssertionError("no transaction " + n + " with " + mailPrefix));
    }

    private void send(String... recipients) throws Exception {
        assertThat(InProcessHub.smtp(smtpPort, "a@client.test", List.of(recipients), "Subject: routes\r\n\r\nbody\r\n"))
                .startsWith("250 2.0.0 Ok: queued as");
    }
}
