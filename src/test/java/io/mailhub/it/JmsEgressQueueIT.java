package io.mailhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;

/**
 * A JMS queue the routing route hands mail to ({@code mailhub:jms?queue=erp.inbox}) belongs to the system that reads
 * it, not to the hub's quarantine: an operator's {@code queue release --all} releases the quarantined mail and leaves
 * the messages waiting for that system where they are. (It failed before the held messages were marked
 * {@code MailhubHeldBy}: the admin side took every queue outside {@code mail.*}/{@code hub.*} for a quarantine queue, so
 * the release moved the egress JSON into mail.outbound and the hub sent the JSON text by SMTP to the recipient.)
 */
class JmsEgressQueueIT {

    private static final String OPERATOR_PASSWORD = "operator pass";
    private static final String JMS_PASSWORD = "erp-secret-13";
    private static final Pattern QUEUED_AS = Pattern.compile("queued as ([0-9A-Za-z]+)");

    @Test
    void releasingEverythingLeavesTheMessagesOfAJmsEgressQueueToTheSystemThatReadsIt() throws Exception {
        Path work = HubProcess.itDir("jms-egress-queue");
        Path routes = Files.createDirectories(work.resolve("routes"));
        Files.writeString(routes.resolve("routing.camel.yaml"), """
                - route:
                    id: routing
                    from:
                      uri: direct:routing
                      steps:
                        - choice:
                            when:
                              - simple: "${header.MailhubRcptDomains} == 'quarantine.test'"
                                steps:
                                  - to: "mailhub:hold?queue=quarantine.review"
                              - simple: "${header.MailhubRcptDomains} == 'erp.test'"
                                steps:
                                  - to: "mailhub:jms?queue=erp.inbox"
                """);
        Path admins = work.resolve("admins");
        Files.writeString(admins, "olga:" + SubmissionIT.hashPassword(OPERATOR_PASSWORD) + ":operator\n");
        Path users = work.resolve("users");
        Files.writeString(users, "erp:" + SubmissionIT.hashPassword(JMS_PASSWORD) + ":@erp.test\n");
        int brokerPort = Ports.free();
        try (SmtpSink sink = SmtpSink.onFreePort().start(); HubProcess hub = new HubProcess(work)
                .set("mailhub.relay.smarthost", "127.0.0.1:" + sink.port).set("mailhub.routes.dir", routes)
                .set("mailhub.admin.users-file", admins).set("mailhub.auth.users-file", users)
                .set("mailhub.broker.acceptor", "tcp://127.0.0.1:" + brokerPort).start()) {
            String toErp = send(hub, "orders@erp.test", "egress-erp-1");
            String held = send(hub, "ann@quarantine.test", "egress-quarantined-1");
            await().atMost(Duration.ofSeconds(30)).until(() -> hub.log().contains(
                    toErp + ": handed over by the routing route: jms erp.inbox")
                    && hub.log().contains(held + ": held in quarantine.review (routing route)"));

            QueueCli dry = queue(hub, "release", "--all", "--dry-run", "--reason", "the quarantine was checked");
            assertThat(dry.out()).as("only the quarantined message is released").startsWith(
                    "release (dry run): 1 matched, 0 acted on").contains(held).doesNotContain(toErp);
            QueueCli done = queue(hub, "release", "--all", "--reason", "the quarantine was checked");
            assertThat(done.exit()).as(done.err()).isZero();
            assertThat(done.out()).startsWith("release: 1 matched, 1 acted on");

            sink.awaitMessage("egress-quarantined-1");
            ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + brokerPort);
            try (Connection c = cf.createConnection("erp", JMS_PASSWORD)) {
                c.start();
                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                Message m = s.createConsumer(s.createQueue("erp.inbox")).receive(10_000);
                assertThat(m).as("the ERP's message is still waiting for it").isInstanceOf(TextMessage.class);
                assertThat(new ObjectMapper().readTree(((TextMessage) m).getText()).path("queue_id").asText())
                        .isEqualTo(toErp);
            } finally {
                cf.close();
            }
            assertThat(sink.messages()).as("the JSON handed to the ERP is never sent by SMTP")
                    .noneMatch(m -> m.content().contains("egress-erp-1"));
        }
    }

    private static QueueCli queue(HubProcess hub, String... args) throws Exception {
        return QueueCli.run(hub, "olga", OPERATOR_PASSWORD, args);
    }

    private static String send(HubProcess hub, String to, String subject) throws Exception {
        Swaks.Result r = Swaks.run(hub.smtpPort, "--from", "shop@client.test", "--to", to, "--header",
                "Subject: " + subject);
        assertThat(r.exitCode()).as(r.transcript()).isZero();
        Matcher m = QUEUED_AS.matcher(r.replyTo("."));
        assertThat(m.find()).as(r.transcript()).isTrue();
        return m.group(1);
    }

}
