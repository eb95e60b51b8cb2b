package io.mailhub.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailhub.queue.QueueNames;
import io.mailhub.testing.FakeSmtpServer;
import jakarta.jms.BytesMessage;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A policy route and a routing route that users write, loaded from {@code mailhub.routes.dir} into the hub running
 * in-process on its real embedded broker, with a scripted next hop. The same rules are written in the YAML DSL and in
 * the XML DSL (the two subclasses); every test runs against both.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class UserRoutesTestBase {

    Path dir;
    Path files;
    private com.sun.net.httpserver.HttpServer webhook;
    private final java.util.List<String> webhookCalls = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.List<Long> webhookTimes = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Subjects the webhook answers 503 the first time it gets them. */
    private final java.util.Set<String> failOnce = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private FakeSmtpServer nextHop;
    private InProcessHub hub;
    private int smtpPort;

    /** The route files (name to text) for the rules; {@code FILES} stands for the egress directory, {@code HOP} for the next hop. */
    abstract Map<String, String> routeFiles();

    @BeforeAll
    void startHub() throws Exception {
        dir = Files.createTempDirectory("user-routes");
        files = dir.resolve("egress");
        nextHop = new FakeSmtpServer();
        smtpPort = InProcessHub.freePort();
        // the other system: answers 503 to the first request about the crm, then 200; a message for gone@ it refuses
        // for good (410)
        webhook = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress(
                InetAddress.getLoopbackAddress(), 0), 0);
        webhook.createContext("/hook", x -> {
            String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int status = body.contains("gone@hook.test") ? 410
                    : java.util.stream.Stream.of("to the crm", "order for the crm")
                            .anyMatch(subject -> body.contains(subject) && failOnce.add(subject)) ? 503 : 200;
            webhookCalls.add(status + " " + x.getRequestHeaders().getFirst("X-Mailhub-Signature") + " "
                    + x.getRequestHeaders().getFirst("Content-Type") + " " + body);
            webhookTimes.add(System.nanoTime());
            if (status == 503) {
                x.getResponseHeaders().add("Retry-After", "2");
            }
            x.sendResponseHeaders(status, -1);
            x.close();
        });
        webhook.start();
        Path routes = Files.createDirectories(dir.resolve("routes"));
        Files.writeString(Files.createDirectories(dir.resolve("config/lists")).resolve("blocked"), "@blocked.test\n");
        for (Map.Entry<String, String> f : routeFiles().entrySet()) {
            Files.writeString(routes.resolve(f.getKey()), f.getValue().replace("FILES", files.toString())
                    .replace("HOP", "127.0.0.1:" + nextHop.port())
                    .replace("WEBHOOK", "http://127.0.0.1:" + webhook.getAddress().getPort() + "/hook"));
        }
        Map<String, String> values = InProcessHub.settings(dir, smtpPort, InProcessHub.freePort());
        values.put("mailhub.relay.smarthost", "127.0.0.1:" + nextHop.port());
        values.put("mailhub.routes.dir", routes.toString());
        values.put("mailhub.retry.schedule", "1s");
        hub = InProcessHub.start(values);
    }

    @AfterAll
    void stopHub() throws Exception {
        hub.stop();
        nextHop.close();
        webhook.stop(0);
    }

    @Test
    void theRoutingRoutePostsToAWebhookWhichFailsFirstAndIsTriedAgainAfterItsRetryAfter() throws Exception {
        send("a@client.test", List.of("crm@hook.test"), "Subject: to the crm\r\n\r\nbody\r\n");

        // 503 with Retry-After: 2 first: dispatch schedules the message again in mail.incoming, 2 s later
        await().atMost(Duration.ofSeconds(30)).until(() -> webhookCalls.stream().anyMatch(c -> c.startsWith("200 ")
                && c.contains("to the crm")));
        List<String> calls = webhookCalls.stream().filter(c -> c.contains("to the crm")).toList();
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0)).startsWith("503 ");
        List<Long> times = new java.util.ArrayList<>();
        for (int i = 0; i < webhookCalls.size(); i++) {
            if (webhookCalls.get(i).contains("to the crm")) {
                times.add(webhookTimes.get(i));
            }
        }
        assertThat((times.get(1) - times.get(0)) / 1_000_000).as("ms between the attempts").isBetween(1_900L, 15_000L);
        assertThat(calls.get(1)).matches("(?s)200 t=\\d+,v1=[0-9a-f]{64} application/json \\{.*")
                .contains("\"rcpt_to\":[\"crm@hook.test\"]");
        assertThat(nextHop.transactions()).noneMatch(t -> t.data().contains("to the crm"));
    }

    @Test
    void aHandOffTheRouteMadeBeforeAWebhookThatFailsForNowIsNotMadeAgainWhenTheRouteRunsAgain() throws Exception {
        send("a@client.test", List.of("sales@notify.test"), "Subject: order for the crm\r\n\r\nbody\r\n");

        await().atMost(Duration.ofSeconds(30)).until(() -> webhookCalls.stream().anyMatch(c -> c.startsWith("200 ")
                && c.contains("order for the crm")));
        assertThat(webhookCalls.stream().filter(c -> c.contains("order for the crm"))).hasSize(2);
        Message first = InProcessHub.receive("erp.notify", 5_000);
        assertThat(first).as("the ERP has the order").isNotNull();
        assertThat(InProcessHub.receive("erp.notify", 2_000)).as("once, though the route ran twice").isNull();
    }

    @Test
    void aWebhookThatRefusesForGoodMakesABounce() throws Exception {
        send("a@client.test", List.of("gone@hook.test"), "Subject: refused by the crm\r\n\r\nbody\r\n");

        await().atMost(Duration.ofSeconds(20)).until(() -> nextHop.transactions().stream()
                .anyMatch(t -> t.mailLine().startsWith("MAIL FROM:<>") && t.data().contains("gone@hook.test")));
        assertThat(nextHop.transactions().stream().filter(t -> t.mailLine().startsWith("MAIL FROM:<>")
                && t.data().contains("gone@hook.test")).findFirst().orElseThrow().data())
                .contains("Status: 5.6.0").contains("answered 410");
    }

    @Test
    void thePolicyRouteRejectsInTheSessionWithItsOwnReply() throws Exception {
        String reply = send("a@client.test", List.of("ann@remote.test"), "Subject: forbidden offer\r\n\r\nbody\r\n");

        assertThat(reply).isEqualTo("550 5.7.1 Forbidden words");
        assertThat(nextHop.transactions()).noneMatch(t -> t.data().contains("forbidden offer"));
    }

    @Test
    void aRegexOverEveryReceivedFieldFindsABlockedHopThatIsNotTheFirst() throws Exception {
        String header = "Received: from mx.good.test by mx2.good.test; Mon, 30 Nov 2026 00:00:01 +0000\r\n"
                + "Received: from relay.evil.test\r\n\tby mx.good.test; Mon, 30 Nov 2026 00:00:00 +0000\r\n";

        assertThat(send("a@client.test", List.of("ann@remote.test"), header + "Subject: hops\r\n\r\nbody\r\n"))
                .isEqualTo("550 5.7.1 Relayed by a blocked host");
        assertThat(send("a@client.test", List.of("ann@remote.test"), header.replace("evil", "fine")
                + "Subject: hops\r\n\r\nbody\r\n")).startsWith("250 2.0.0");
    }

    @Test
    void aSenderOnAnAddressListInAFileIsRejected() throws Exception {
        assertThat(send("spammer@blocked.test", List.of("ann@remote.test"), "Subject: hi\r\n\r\nbody\r\n"))
                .isEqualTo("550 5.7.1 Sender blocked");
    }

    @Test
    void thePolicyRouteRejectsAnExecutableAttachmentFoundInTheMimeParts() throws Exception {
        String message = "Subject: invoice\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
                + "--b1\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--b1\r\nContent-Type: application/octet-stream;"
                + "\r\n name=\"setup.exe\"\r\nContent-Disposition: attachment;\r\n filename=\"setup.exe\"\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\nTVqQAAMAAAAEAAAA\r\n--b1--\r\n";

        assertThat(send("a@client.test", List.of("ann@remote.test"), message))
                .isEqualTo("550 5.7.1 Executable attachments are not accepted");
    }

    @Test
    void thePolicyRouteAddsAnArchiveCopyAFieldAndASubjectPrefixBeforeTheQueue() throws Exception {
        assertThat(send("erp@client.test", List.of("bob@remote.test"), "Subject: order 7\r\n\r\nbody\r\n"))
                .startsWith("250 2.0.0 Ok: queued as");

        await().atMost(Duration.ofSeconds(20)).until(() -> delivered("order 7") != null);
        FakeSmtpServer.Transaction t = delivered("order 7");
        assertThat(t.accepted()).containsExactlyInAnyOrder("bob@remote.test", "archive@remote.test");
        assertThat(t.data()).contains("X-Archived: yes\r\n").contains("Subject: [ERP] order 7\r\n")
                .doesNotContain("Subject: order 7");
    }

    @Test
    void aMessageThePolicyRouteDiscardsIsAnsweredAsQueuedButNeverStoredAndACopyItMadeFirstIsStillDelivered()
            throws Exception {
        long storedBefore = messagesAdded(QueueNames.INCOMING);
        assertThat(send("a@client.test", List.of("trap@spam.test"), "Subject: into the trap\r\n\r\nbody\r\n"))
                .startsWith("250 2.0.0 Ok: queued as");
        assertThat(messagesAdded(QueueNames.INCOMING)).as("the discarded message was not stored").isEqualTo(storedBefore);

        assertThat(send("a@client.test", List.of("ex@gone.test"), "Subject: for a leaver\r\n\r\nbody\r\n"))
                .startsWith("250 2.0.0 Ok: queued as");
        await().atMost(Duration.ofSeconds(20)).until(() -> delivered("for a leaver") != null);
        assertThat(delivered("for a leaver").accepted()).as("the copy outlives the discard, the recipient does not")
                .containsExactly("legal@remote.test");
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> nextHop.transactions()
                .stream().noneMatch(t -> t.data().contains("into the trap") || t.accepted().contains("ex@gone.test")));
    }

    /** How many messages the embedded broker has ever stored in {@code queue} (Artemis' queue control). */
    private static long messagesAdded(String queue) throws Exception {
        javax.management.MBeanServer jmx = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        java.util.Set<javax.management.ObjectName> names = jmx.queryNames(new javax.management.ObjectName(
                "org.apache.activemq.artemis:subcomponent=queues,queue=\"" + queue + "\",*"), null);
        assertThat(names).hasSize(1);
        return ((Number) jmx.getAttribute(names.iterator().next(), "MessagesAdded")).longValue();
    }

    @Test
    void theSenderIsRewrittenBeforeTheQueueAndTheRecipientsAfterIt() throws Exception {
        send("joe@legacy.test", List.of("ann@old.test"), "Subject: rewritten\r\n\r\nbody\r\n");

        await().atMost(Duration.ofSeconds(20)).until(() -> delivered("Subject: rewritten") != null);
        FakeSmtpServer.Transaction t = delivered("Subject: rewritten");
        assertThat(t.mailLine()).startsWith("MAIL FROM:<joe@client.test>");
        assertThat(t.accepted()).containsExactly("ann@remote.test");
    }

    @Test
    void aMessageHeldByThePolicyRouteWaitsInTheHoldQueueUntilAnOperatorReleasesIt() throws Exception {
        String reply = send("a@client.test", List.of("carol@held.test"), "Subject: to be held\r\n\r\nbody\r\n");
        String queueId = reply.substring(reply.lastIndexOf(' ') + 1);

        awaitHeld(queueId);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                .until(() -> nextHop.transactions().stream().noneMatch(t -> t.data().contains("to be held")));

        assertThat(release(queueId)).isEqualTo(1);
        await().atMost(Duration.ofSeconds(20)).until(() -> delivered("to be held") != null);
        assertThat(delivered("to be held").accepted()).containsExactly("carol@held.test");
        assertThat(delivered("to be held").data()).as("held before the routing route, which runs after the release")
                .contains("X-Routed: after release\r\n");
    }

    @Test
    void theEditsTheRoutingRouteMadeBeforeHoldingAMessageAreInItWhenItIsReleased() throws Exception {
        String reply = send("a@client.test", List.of("counsel@legal.test"), "Subject: contract draft\r\n\r\nbody\r\n");
        String queueId = reply.substring(reply.lastIndexOf(' ') + 1);
        awaitHeld(queueId);

        assertThat(release(queueId)).isEqualTo(1);

        await().atMost(Duration.ofSeconds(20)).until(() -> delivered("contract draft") != null);
        assertThat(delivered("contract draft").data()).contains("Subject: [LEGAL] contract draft\r\n")
                .contains("body\r\n\r\nReleased by legal.\r\n");
    }

    @Test
    void theRoutingRouteHandsRawMailToAJmsQueueWithItsEnvelopeInsteadOfDeliveringIt() throws Exception {
        send("a@client.test", List.of("orders@jms.test"), "Subject: to the erp\r\n\r\nbody\r\n");

        Message m = InProcessHub.receive("erp.inbox", 20_000);
        assertThat(m).isInstanceOf(BytesMessage.class);
        assertThat(m.getStringProperty("MailhubMailFrom")).isEqualTo("a@client.test");
        assertThat(m.getStringProperty("MailhubRcptTo")).isEqualTo("orders@jms.test");
        BytesMessage b = (BytesMessage) m;
        byte[] body = new byte[(int) b.getBodyLength()];
        b.readBytes(body);
        assertThat(new String(body, StandardCharsets.UTF_8)).contains("Subject: to the erp");
        assertThat(nextHop.transactions()).noneMatch(t -> t.data().contains("to the erp"));
    }

    @Test
    void copiesTheRoutingRouteMadeAreDeliveredWhenItThenDiscardsTheMessageOrHandsItToAnotherSystem()
            throws Exception {
        send("a@client.test", List.of("ex@closed.test"), "Subject: after closing\r\n\r\nbody\r\n");
        send("a@client.test", List.of("po@orders.test"), "Subject: purchase order\r\n\r\nbody\r\n");

        Message handed = InProcessHub.receive("erp.orders", 20_000);
        assertThat(handed.getStringProperty("MailhubRcptTo")).isEqualTo("po@orders.test");
        await().atMost(Duration.ofSeconds(20)).until(() -> delivered("after closing") != null
                && delivered("purchase order") != null);
        assertThat(delivered("after closing").accepted()).containsExactly("legal@remote.test");
        assertThat(delivered("purchase order").accepted()).as("the ERP has the order; the archive its copy")
                .containsExactly("archive@remote.test");
    }

    @Test
    void copiesTheRoutingRouteMadeAreDeliveredWhenItThenBouncesOrHoldsTheMessage() throws Exception {
        send("a@client.test", List.of("gone@audited.test"), "Subject: audited bounce\r\n\r\nbody\r\n");
        String reply = send("a@client.test", List.of("cfo@review.test"), "Subject: under review\r\n\r\nbody\r\n");
        String queueId = reply.substring(reply.lastIndexOf(' ') + 1);

        await().atMost(Duration.ofSeconds(20)).until(() -> delivered("audited bounce") != null
                && delivered("under review") != null && nextHop.transactions().stream()
                        .anyMatch(t -> t.mailLine().startsWith("MAIL FROM:<>") && t.data().contains("gone@audited.test")));
        assertThat(delivered("audited bounce").accepted()).containsExactly("audit@remote.test");
        FakeSmtpServer.Transaction dsn = nextHop.transactions().stream()
                .filter(t -> t.mailLine().startsWith("MAIL FROM:<>") && t.data().contains("gone@audited.test"))
                .findFirst().orElseThrow();
        assertThat(dsn.accepted()).as("the sender hears of the bounce").containsExactly("a@client.test");
        assertThat(dsn.data()).doesNotContain("audit@remote.test");
        assertThat(delivered("under review").accepted()).as("the journal copy now, the recipient after review")
                .containsExactly("journal@remote.test");
        javax.management.MBeanServer jmx = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        javax.management.ObjectName admin = new javax.management.ObjectName("io.mailhub:type=MailQueue");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(String.join("\n", (String[]) jmx.invoke(
                admin, "list", new Object[] {QueueNames.HOLD}, new String[] {String.class.getName()})))
                .as("held, with its original recipient, once the dispatch commits").contains(queueId));
    }

    @Test
    void theRoutingRouteHandsParsedJsonToAJmsQueue() throws Exception {
        send("a@client.test", List.of("orders@json.test"), "Subject: as json\r\nX-Order: 42\r\n\r\nhello\r\n");

        Message m = InProcessHub.receive("erp.json", 20_000);
        assertThat(m).isInstanceOf(TextMessage.class);
        JsonNode json = new ObjectMapper().readTree(((TextMessage) m).getText());
        assertThat(json.at("/envelope/mail_from").asText()).isEqualTo("a@client.test");
        assertThat(json.at("/envelope/rcpt_to/0").asText()).isEqualTo("orders@json.test");
        assertThat(json.get("subject").asText()).isEqualTo("as json");
        assertThat(json.get("text").asText()).isEqualTo("hello\r\n");
        assertThat(json.get("headers").toString()).contains("[\"X-Order\",\"42\"]");
    }

    @Test
    void theRoutingRouteWritesAnEmlFileWithTheEnvelopeLines() throws Exception {
        send("a@client.test", List.of("scan@file.test"), "Subject: to a file\r\n\r\nbody\r\n");

        await().atMost(Duration.ofSeconds(20)).until(() -> Files.isDirectory(files) && emlFiles().size() == 1);
        String eml = Files.readString(emlFiles().get(0));
        assertThat(eml).startsWith("X-Sender: <a@client.test>\r\nX-Receiver: <scan@file.test>\r\n")
                .contains("Subject: to a file");
        assertThat(nextHop.transactions()).noneMatch(t -> t.data().contains("to a file"));
    }

    @Test
    void aMessageForTwoDomainsIsSplitAndEachPartRoutedOnItsOwn() throws Exception {
        String reply = send("a@client.test", List.of("orders@jms.test", "dan@partner.test"),
                "Subject: split me\r\n\r\nbody\r\n");
        assertThat(reply).startsWith("250 2.0.0");

        Message m = InProcessHub.receive("erp.inbox", 20_000);
        assertThat(m).isNotNull();
        assertThat(m.getStringProperty("MailhubRcptTo")).as("the JMS part has only its recipient")
                .isEqualTo("orders@jms.test");
        await().atMost(Duration.ofSeconds(20)).until(() -> delivered("split me") != null);
        FakeSmtpServer.Transaction t = delivered("split me");
        assertThat(t.accepted()).containsExactly("dan@partner.test");
        assertThat(t.data()).contains("X-Routed: partner\r\n");
    }

    @Test
    void aCopyTheRoutingRouteMadeBeforeSplittingIsDeliveredOnceNotOncePerPart() throws Exception {
        send("books@client.test", List.of("dan@partner.test", "eve@remote.test"),
                "Subject: split with a ledger copy\r\n\r\nbody\r\n");

        await().atMost(Duration.ofSeconds(20)).until(() -> arrivals("split with a ledger copy").size() >= 3);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
                .until(() -> arrivals("split with a ledger copy").size() == 3);
        assertThat(arrivals("split with a ledger copy")).as("each part once, the ledger's copy once")
                .containsExactlyInAnyOrder("dan@partner.test", "eve@remote.test", "ledger@remote.test");
    }

    /** Each recipient the next hop accepted for messages with this subject, once per transaction it took part in. */
    private List<String> arrivals(String subject) {
        return nextHop.transactions().stream().filter(t -> t.data().contains("Subject: " + subject + "\r\n"))
                .flatMap(t -> t.accepted().stream()).toList();
    }

    @Test
    void theRoutingRouteBouncesWithItsStatusAndDiscardsSilently() throws Exception {
        send("a@client.test", List.of("gone@bounce.test"), "Subject: to bounce\r\n\r\nbody\r\n");
        send("a@client.test", List.of("junk@drop.test"), "Subject: to drop\r\n\r\nbody\r\n");

        await().atMost(Duration.ofSeconds(20)).until(() -> nextHop.transactions().stream()
                .anyMatch(t -> t.mailLine().startsWith("MAIL FROM:<>") && t.data().contains("gone@bounce.test")));
        FakeSmtpServer.Transaction dsn = nextHop.transactions().stream()
                .filter(t -> t.mailLine().startsWith("MAIL FROM:<>") && t.data().contains("gone@bounce.test"))
                .findFirst().orElseThrow();
        assertThat(dsn.accepted()).containsExactly("a@client.test");
        assertThat(dsn.data()).contains("Status: 5.7.2").contains("Mailbox disabled");
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() -> nextHop.transactions()
                .stream().noneMatch(t -> t.data().contains("to drop") || t.data().contains("junk@drop.test")));
    }

    @Test
    void theRoutingRouteChoosesTheNextHopAndAddsAFieldAndDeliveryGoesOn() throws Exception {
        send("a@client.test", List.of("dan@partner.test"), "Subject: to the partner\r\n\r\nbody\r\n");

        await().atMost(Duration.ofSeconds(20)).until(() -> delivered("to the partner") != null);
        assertThat(delivered("to the partner").data()).contains("X-Routed: partner\r\n");
        assertThat(delivered("to the partner").accepted()).containsExactly("dan@partner.test");
    }

    private List<Path> emlFiles() throws Exception {
        try (var s = Files.list(files)) {
            return s.filter(p -> p.toString().endsWith(".eml")).toList();
        }
    }

    private FakeSmtpServer.Transaction delivered(String subject) {
        return nextHop.transactions().stream().filter(t -> t.data().contains(subject)).findFirst().orElse(null);
    }

    private static final String QUEUE_ADMIN = "io.mailhub:type=MailQueue";

    /** Waits until the message is listed in mail.hold (the queue operations' MBean). */
    private static void awaitHeld(String queueId) throws Exception {
        javax.management.MBeanServer jmx = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        javax.management.ObjectName admin = new javax.management.ObjectName(QUEUE_ADMIN);
        await().atMost(Duration.ofSeconds(20)).until(() -> String.join("\n", (String[]) jmx.invoke(admin, "list",
                new Object[] {QueueNames.HOLD}, new String[] {String.class.getName()})).contains(queueId));
    }

    /** Releases the message as an operator does; returns how many messages moved. */
    private static Object release(String queueId) throws Exception {
        return java.lang.management.ManagementFactory.getPlatformMBeanServer().invoke(
                new javax.management.ObjectName(QUEUE_ADMIN), "release", new Object[] {queueId},
                new String[] {String.class.getName()});
    }

    /** One SMTP transaction; returns the reply to the end of DATA. */
    private String send(String from, List<String> recipients, String message) throws Exception {
        return InProcessHub.smtp(smtpPort, from, recipients, message);
    }
}
