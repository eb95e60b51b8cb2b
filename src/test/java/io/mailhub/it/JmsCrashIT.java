package io.mailhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;

/**
 * "Committed means stored" for the JMS door: 500 messages wait on mail.submit while the door takes them, the hub is
 * killed with SIGKILL in the middle, and after a restart every message reaches the next hop exactly once (the one in
 * flight at the kill is delivered again by the broker and stored once, by its derived queue id).
 */
class JmsCrashIT {

    private static final int MESSAGES = 500;
    private static final Pattern TAKEN = Pattern.compile("jms: \\S+ from erp queued as");

    @Test
    void aHubKilledWhileItConsumes500MessagesDeliversEachExactlyOnceAfterARestart() throws Exception {
        Path dir = HubProcess.itDir("jms-crash");
        Path users = dir.resolve("users");
        Files.writeString(users, "erp:" + SubmissionIT.hashPassword("erp-secret-1") + ":@erp.test\n");
        int brokerPort = Ports.free();
        SmtpSink sink = SmtpSink.onFreePort(); // down until after the restart (see PickupIT: the relay's own window)
        try (sink; HubProcess hub = new HubProcess(dir)) {
            hub.set("mailhub.relay.smarthost", "127.0.0.1:" + sink.port).set("mailhub.auth.users-file", users)
                    .set("mailhub.broker.acceptor", "tcp://127.0.0.1:" + brokerPort)
                    .set("mailhub.retry.schedule", "1s").set("mailhub.relay.dead-destination-time", "1s").start();
            ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + brokerPort);
            try (Connection c = cf.createConnection("erp", "erp-secret-1")) {
                Session s = c.createSession(true, Session.SESSION_TRANSACTED);
                MessageProducer p = s.createProducer(s.createQueue("mail.submit"));
                for (int i = 0; i < MESSAGES; i++) {
                    p.send(s.createTextMessage("{\"from\": \"orders@erp.test\", \"to\": \"customer" + i
                            + "@remote.test\", \"subject\": \"jms-crash-" + i + "\", \"text\": \"order " + i + "\"}"));
                }
                s.commit(); // all 500 on the queue at once: the door takes them while the test waits to kill
            }
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10))
                    .until(() -> taken(hub) >= 50);
            hub.kill();
            long before = taken(hub);
            assertThat(before).as("taken before the kill").isBetween(50L, MESSAGES - 1L);

            hub.start(); // the door takes the rest; what was taken but not committed at the kill comes again
            sink.start();
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> sink.count() >= MESSAGES);
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(30)).until(() -> sink.count() == MESSAGES);
            Map<String, Long> arrivals = sink.arrivalsBySubject();
            assertThat(arrivals).hasSize(MESSAGES);
            assertThat(arrivals.values()).allMatch(n -> n == 1, "each message arrives once");
        }
    }

    /** How many messages the door of the current hub process logged as taken. */
    private static long taken(HubProcess hub) {
        return TAKEN.matcher(hub.log()).results().count();
    }
}
