package io.mailhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The routing route ({@code from: direct:routing}) of the packaged hub hands mail to each of its egress actions with
 * real peers: a quarantine queue the operator releases with the {@code queue} command (smtp-sink as the smart host
 * gets it then, once), a webhook (the JDK's HTTP server) that answers 503 with Retry-After before it takes the
 * message, a directory in the pickup format, and a JMS queue read by Artemis' own client over the broker acceptor.
 * Mail the route hands elsewhere never reaches the smart host.
 */
class RoutingEgressIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OPERATOR_PASSWORD = "operator pass";
    private static final String JMS_PASSWORD = "erp-secret-13";
    private static final Pattern QUEUED_AS = Pattern.compile("queued as ([0-9A-Za-z]+)");
    /** How many times the webhook answers 503 before it takes a message. */
    private static final int WEBHOOK_REFUSALS = 2;

    private static SmtpSink sink;
    private static HubProcess hub;
    private static HttpServer webhook;
    private static Path outbox;
    private static int brokerPort;

    /** One request the webhook received and what it answered. */
    record Hook(long atMillis, String queueId, String contentType, String body, int status) {}

    private static final List<Hook> hooks = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        AtomicInteger seen = new AtomicInteger();
        webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webhook.createContext("/inbound", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            boolean refuse = seen.incrementAndGet() <= WEBHOOK_REFUSALS;
            int status = refuse ? 503 : 200;
            hooks.add(new Hook(System.currentTimeMillis(), exchange.getRequestHeaders().getFirst("X-Mailhub-Queue-Id"),
                    exchange.getRequestHeaders().getFirst("Content-Type"), body, status));
            byte[] answer = (refuse ? "busy, try again" : "{\"ok\":true}").getBytes(StandardCharsets.UTF_8);
            if (refuse) {
                exchange.getResponseHeaders().add("Retry-After", "1");
            }
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        webhook.start();

        Path work = HubProcess.itDir("routing-egress");
        outbox = work.resolve("outbox");
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
                              - simple: "${header.MailhubRcptDomains} == 'hook.test'"
                                steps:
                                  - to: "mailhub:webhook?url=http://127.0.0.1:%d/inbound"
                              - simple: "${header.MailhubRcptDomains} == 'files.test'"
                                steps:
                                  - to: "mailhub:file?dir=%s"
                              - simple: "${header.MailhubRcptDomains} == 'erp.test'"
                                steps:
                                  - to: "mailhub:jms?queue=erp.inbox&readers=erp"
                """.formatted(webhook.getAddress().getPort(), outbox));
        Path admins = work.resolve("admins");
        Files.writeString(admins, "olga:" + SubmissionIT.hashPassword(OPERATOR_PASSWORD) + ":operator\n");
        Path users = work.resolve("users");
        Files.writeString(users, "erp:" + SubmissionIT.hashPassword(JMS_PASSWORD) + ":@erp.test\n"
                + "crm:" + SubmissionIT.hashPassword(JMS_PASSWORD) + ":@crm.test\n");
        brokerPort = Ports.free();
        sink = SmtpSink.onFreePort().start();
        hub = new HubProcess(work).set("mailhub.relay.smarthost", "127.0.0.1:" + sink.port)
                .set("mailhub.routes.dir", routes).set("mailhub.admin.users-file", admins)
                .set("mailhub.auth.users-file", users).set("mailhub.broker.acceptor", "tcp://127.0.0.1:" + brokerPort)
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        Started.closeAll(hub, sink, webhook == null ? null : () -> webhook.stop(0));
    }

    /** Sends one message with swaks and returns the queue id of the hub's 250 reply. */
    private static String send(String to, String subject) throws Exception {
        Swaks.Result r = Swaks.run(hub.smtpPort, "--from", "shop@client.test", "--to", to, "--header",
                "Subject: " + subject, "--body", "body of " + subject);
        assertThat(r.exitCode()).as(r.transcript()).isZero();
        Matcher m = QUEUED_AS.matcher(r.replyTo("."));
        assertThat(m.find()).as(r.transcript()).isTrue();
        return m.group(1);
    }

    private static void awaitLog(String text) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> hub.log().contains(text));
    }

    private static long delivered(String marker) {
        return sink.messages().stream().filter(m -> m.content().contains(marker)).count();
    }


    /** {@code mailhub queue ARGS} as the operator olga. */
    private static QueueCli queue(String... args) throws Exception {
        return QueueCli.run(hub, "olga", OPERATOR_PASSWORD, args);
    }

    /** The queues in which the admin API still finds {@code queueId}: empty once it has left the hub. */
    private static JsonNode queued(String queueId) throws Exception {
        Curl.Response r = Curl.request("GET", hub.url("/admin/v1/messages/" + queueId))
                .option("-u", "olga:" + OPERATOR_PASSWORD).send();
        return r.status() == 404 ? JSON.createArrayNode() : r.json().path("queued");
    }

    @Test
    void heldMailWaitsInItsQuarantineQueueUntilTheOperatorReleasesItAndIsThenDeliveredOnce() throws Exception {
        String id = send("ann@quarantine.test", "egress-held-1");
        awaitLog(id + ": held in quarantine.review (routing route)");

        QueueCli held = queue("list", "--json", "--queue", "quarantine.review");
        assertThat(held.exit()).as(held.err()).isZero();
        List<String> lines = held.out().strip().lines().toList();
        assertThat(lines).hasSize(1);
        JsonNode listed = JSON.readTree(lines.get(0));
        assertThat(listed.path("queue_id").asText()).isEqualTo(id);
        assertThat(listed.path("queue_name").asText()).isEqualTo("quarantine.review");
        assertThat(listed.path("recipients").get(0).path("address").asText()).isEqualTo("ann@quarantine.test");

        // held mail waits for an operator: no producer login of the acceptor may read it
        ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + brokerPort);
        try (Connection c = cf.createConnection("erp", JMS_PASSWORD)) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            assertThatThrownBy(() -> s.createConsumer(s.createQueue("quarantine.review")))
                    .isInstanceOf(jakarta.jms.JMSSecurityException.class);
            assertThatThrownBy(() -> s.createBrowser(s.createQueue("quarantine.review")).getEnumeration())
                    .isInstanceOf(jakarta.jms.JMSSecurityException.class);
        }

        // mail for another domain passes the route and is delivered while the held message still waits
        send("bob@remote.test", "egress-control-1");
        sink.awaitMessage("egress-control-1");
        assertThat(delivered("egress-held-1")).isZero();

        QueueCli release = queue("release", "--queue", "quarantine.review", "--all", "--reason",
                "checked by hand");
        assertThat(release.exit()).as(release.err()).isZero();
        assertThat(release.out()).startsWith("release: 1 matched, 1 acted on");

        SinkMessage m = sink.awaitMessage("egress-held-1");
        assertThat(m.sender()).isEqualTo("shop@client.test");
        assertThat(m.recipients()).containsExactly("ann@quarantine.test");
        await().atMost(Duration.ofSeconds(30)).until(() -> queued(id).isEmpty());
        assertThat(delivered("egress-held-1")).as("delivered exactly once").isEqualTo(1);
        assertThat(queue("list", "--queue", "quarantine.review").out()).contains("Mail queue is empty");
    }

    @Test
    void theWebhookGetsTheMessageAgainAfterItsRetryAfterUntilItAnswers2xxAndSmtpNeverDeliversIt() throws Exception {
        String id = send("orders@hook.test", "egress-hook-1");
        awaitLog(id + ": handed over by the routing route: webhook http://127.0.0.1:" + webhook.getAddress().getPort()
                + "/inbound");

        assertThat(hooks).hasSize(WEBHOOK_REFUSALS + 1).allSatisfy(h -> {
            assertThat(h.queueId()).as("the same X-Mailhub-Queue-Id on every attempt").isEqualTo(id);
            assertThat(h.contentType()).isEqualTo("application/json");
        });
        assertThat(hooks.stream().map(Hook::status)).containsExactly(503, 503, 200);
        for (int i = 1; i < hooks.size(); i++) {
            long gap = hooks.get(i).atMillis() - hooks.get(i - 1).atMillis();
            assertThat(gap).as("the hub waits for the Retry-After second").isGreaterThanOrEqualTo(900L);
        }
        assertThat(hub.log()).contains(id + ": webhook http://127.0.0.1:" + webhook.getAddress().getPort()
                + "/inbound answered 503: busy, try again (Retry-After 1 s); routing again in 1 s (attempt 1 of 8)")
                .contains("routing again in 1 s (attempt 2 of 8)");

        JsonNode json = JSON.readTree(hooks.get(WEBHOOK_REFUSALS).body());
        assertThat(json.path("queue_id").asText()).isEqualTo(id);
        assertThat(json.path("subject").asText()).isEqualTo("egress-hook-1");
        assertThat(json.path("envelope").path("mail_from").asText()).isEqualTo("shop@client.test");
        assertThat(json.path("envelope").path("rcpt_to")).hasSize(1);
        assertThat(json.path("envelope").path("rcpt_to").get(0).asText()).isEqualTo("orders@hook.test");
        assertThat(json.path("ingress").asText()).isEqualTo("smtp");
        assertThat(json.path("text").asText()).contains("body of egress-hook-1");

        // handed over: nothing of it is left in any queue, so no further request and no SMTP delivery can follow
        await().atMost(Duration.ofSeconds(30)).until(() -> queued(id).isEmpty());
        assertThat(hooks.stream().filter(h -> h.status() / 100 == 2)).as("acknowledged once").hasSize(1);
        assertThat(hooks).hasSize(WEBHOOK_REFUSALS + 1);
        assertThat(delivered("egress-hook-1")).isZero();
    }

    @Test
    void theFileEgressLeavesOneEmlInThePickupFormatAndNoTemporaryFile() throws Exception {
        String id = send("archive@files.test", "egress-file-1");
        awaitLog(id + ": handed over by the routing route: file " + outbox);

        Path eml = outbox.resolve(id + ".eml");
        assertThat(eml).exists();
        try (Stream<Path> files = Files.list(outbox)) {
            assertThat(files.map(p -> p.getFileName().toString())).as("no temporary file remains")
                    .containsExactly(id + ".eml");
        }
        String content = Files.readString(eml, StandardCharsets.UTF_8);
        assertThat(content).startsWith("X-Sender: <shop@client.test>\r\nX-Receiver: <archive@files.test>\r\n")
                .contains("\r\nSubject: egress-file-1\r\n").contains("body of egress-file-1");
        String afterEnvelope = content.substring(content.indexOf("X-Receiver:"));
        assertThat(afterEnvelope.substring(afterEnvelope.indexOf("\r\n") + 2)).as("the stored message follows")
                .startsWith("Received: ");
        await().atMost(Duration.ofSeconds(30)).until(() -> queued(id).isEmpty());
        assertThat(delivered("egress-file-1")).isZero();
    }

    @Test
    void aJmsConsumerOverTheAcceptorReceivesTheMessageAsJsonWithTheEnvelopeProperties() throws Exception {
        String id = send("orders@erp.test", "egress-jms-1");
        awaitLog(id + ": handed over by the routing route: jms erp.inbox");

        ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + brokerPort);
        try (Connection crm = cf.createConnection("crm", JMS_PASSWORD)) { // the route names erp as its reader
            Session s = crm.createSession(false, Session.AUTO_ACKNOWLEDGE);
            assertThatThrownBy(() -> s.createConsumer(s.createQueue("erp.inbox")))
                    .isInstanceOf(jakarta.jms.JMSSecurityException.class);
        }
        try (Connection c = cf.createConnection("erp", JMS_PASSWORD)) {
            c.start();
            Session s = c.createSession(false, Session.CLIENT_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createQueue("erp.inbox"));
            Message m = consumer.receive(20_000);
            assertThat(m).isInstanceOf(TextMessage.class);
            m.acknowledge();
            assertThat(m.getStringProperty("MailhubQueueId")).isEqualTo(id);
            assertThat(m.getStringProperty("MailhubMailFrom")).isEqualTo("shop@client.test");
            assertThat(m.getStringProperty("MailhubRcptTo")).isEqualTo("orders@erp.test");
            assertThat(m.getStringProperty("MailhubIngress")).isEqualTo("smtp");
            assertThat(m.getStringProperty("MailhubSender")).isEqualTo("shop@client.test");
            assertThat(m.getStringProperty("MailhubRecipients")).contains("orders@erp.test");
            assertThat(m.getObjectProperty("MailhubSize")).isNotNull();
            JsonNode json = JSON.readTree(((TextMessage) m).getText());
            assertThat(json.path("queue_id").asText()).isEqualTo(id);
            assertThat(json.path("subject").asText()).isEqualTo("egress-jms-1");
            assertThat(json.path("envelope").path("rcpt_to").get(0).asText()).isEqualTo("orders@erp.test");
            assertThat(consumer.receive(500)).as("handed over once").isNull();
        } finally {
            cf.close();
        }
        assertThat(delivered("egress-jms-1")).isZero();
    }
}
