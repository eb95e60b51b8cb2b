package io.mailhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailhub.admin.AuditLog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The admin API and the {@code queue} command against the packaged hub with 10,005 deferred messages (Postfix'
 * smtp-source loads 10,000, swaks five more to another domain; the smart host refuses connections, so every message
 * waits for its retry): paging and filters are exact past Artemis' management page size, actions act on exactly what
 * the filter names, roles and the rules of bulk actions hold, and the audit log's chain is intact.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdminApiIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final int LOAD = 10_000;
    static final int TOTAL = LOAD + 5;
    static HubProcess hub;
    static final String OPERATOR_PASSWORD = "operator pass";
    static final String VIEWER_PASSWORD = "viewer pass";
    static final String ADMIN_PASSWORD = "admin pass";

    @BeforeAll
    static void start() throws Exception {
        Path dir = HubProcess.itDir("admin");
        Path admins = dir.resolve("admins");
        Files.writeString(admins, "olga:" + SubmissionIT.hashPassword(OPERATOR_PASSWORD) + ":operator\n"
                + "vic:" + SubmissionIT.hashPassword(VIEWER_PASSWORD) + ":viewer\n"
                + "ada:" + SubmissionIT.hashPassword(ADMIN_PASSWORD) + ":admin\n");
        Path routes = Files.createDirectories(dir.resolve("routes"));
        Files.writeString(routes.resolve("events.camel.yaml"), """
                - route:
                    id: events-tap
                    from:
                      uri: seda:events?size=100000
                      steps:
                        - filter:
                            simple: "${body} contains '\\"event\\":\\"held\\"'"
                            steps:
                              - to: "log:events-tap?level=INFO&showExchangeId=false&showBodyType=false"
                """);
        hub = new HubProcess(dir)
                .set("mailhub.relay.smarthost", "127.0.0.1:" + Ports.free()) // nothing listens: every attempt defers
                .set("mailhub.relay.trusted-networks", "127.0.0.0/8")
                .set("mailhub.admin.users-file", admins)
                .set("mailhub.routes.dir", routes)
                .set("mailhub.events.endpoint", "seda:events?size=100000&blockWhenFull=false")
                .start();
        Process load = new ProcessBuilder("smtp-source", "-s", "20", "-m", Integer.toString(LOAD), "-l", "1024",
                "-f", "load@shop.test", "-t", "rcpt@far.test", "127.0.0.1:" + hub.smtpPort)
                .redirectErrorStream(true).start();
        String loadOutput = new String(load.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(load.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(load.exitValue()).as(loadOutput).isZero();
        for (int i = 0; i < 5; i++) {
            Swaks.Result r = Swaks.run(hub.smtpPort, "-f", "billing@erp.test", "-t", "ann" + i + "@partner.test");
            assertThat(r.exitCode()).as(r.transcript()).isZero();
        }
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() ->
                assertThat(deferredInOutbound()).isEqualTo(TOTAL));
    }

    @AfterAll
    static void stop() throws Exception {
        Started.closeAll(hub);
    }

    static long deferredInOutbound() throws Exception {
        for (JsonNode q : get("olga", OPERATOR_PASSWORD, "/admin/v1/queues").json().path("queues")) {
            if (q.path("name").asText().equals("mail.outbound")) {
                return q.path("deferred").asLong();
            }
        }
        return -1;
    }

    static Curl.Response get(String user, String password, String path) throws Exception {
        return Curl.request("GET", hub.url(path)).option("-u", user + ":" + password).send();
    }

    static Curl.Response post(String user, String password, String path, String json) throws Exception {
        return Curl.request("POST", hub.url(path)).option("-u", user + ":" + password).json(json).send();
    }

    /** Runs {@code java -jar mailhub.jar queue --url ... --user olga ARGS} with the password in the environment. */
    static QueueCli queue(String... args) throws Exception {
        return QueueCli.run(hub, "olga", OPERATOR_PASSWORD, args);
    }

    @Test
    @Order(1)
    void pagesOfTheListAddUpToEveryQueuedMessageOnceAndFiltersAreExact() throws Exception {
        Set<String> ids = new HashSet<>();
        for (int offset = 0; offset < TOTAL; offset += 1000) {
            JsonNode page = get("vic", VIEWER_PASSWORD, "/admin/v1/messages?queue=mail.outbound&limit=1000&offset="
                    + offset).json();
            assertThat(page.path("total").asInt()).isEqualTo(TOTAL);
            page.path("messages").forEach(m -> ids.add(m.path("queue_id").asText()));
        }
        assertThat(ids).hasSize(TOTAL);

        JsonNode last = get("vic", VIEWER_PASSWORD, "/admin/v1/messages?limit=1000&offset=9500").json();
        assertThat(last.path("messages")).hasSize(TOTAL - 9500);

        JsonNode partner = get("vic", VIEWER_PASSWORD, "/admin/v1/messages?domain=partner.test").json();
        assertThat(partner.path("total").asInt()).isEqualTo(5);
        JsonNode one = partner.path("messages").get(0);
        assertThat(one.path("sender").asText()).isEqualTo("billing@erp.test");
        assertThat(one.path("queue_name").asText()).isEqualTo("mail.outbound");
        assertThat(one.path("state").asText()).isEqualTo("deferred");
        assertThat(one.path("recipients").get(0).path("address").asText()).endsWith("@partner.test");
        assertThat(one.path("recipients").get(0).path("delay_reason").asText()).isNotEmpty();
        assertThat(get("vic", VIEWER_PASSWORD, "/admin/v1/messages?sender=load@shop.test&limit=1").json()
                .path("total").asInt()).isEqualTo(LOAD);
    }

    @Test
    @Order(2)
    void callsWithoutCredentialsOrWithTooSmallARoleOrWithoutReasonOrFilterAreRefusedPrecisely() throws Exception {
        Curl.Response anonymous = Curl.request("GET", hub.url("/admin/v1/queues")).send();
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.header("WWW-Authenticate")).startsWith("Basic");
        assertThat(anonymous.json().path("type").asText()).isEqualTo("/problems/unauthorized");
        assertThat(get("olga", "wrong", "/admin/v1/queues").status()).isEqualTo(401);

        Curl.Response viewer = post("vic", VIEWER_PASSWORD, "/admin/v1/actions/hold",
                "{\"filter\":{\"domain\":\"partner.test\"},\"reason\":\"test\"}");
        assertThat(viewer.status()).isEqualTo(403);

        Curl.Response noReason = post("olga", OPERATOR_PASSWORD, "/admin/v1/actions/hold",
                "{\"filter\":{\"domain\":\"partner.test\"}}");
        assertThat(noReason.status()).isEqualTo(422);
        assertThat(noReason.json().path("type").asText()).isEqualTo("/problems/reason-required");

        Curl.Response everything = post("olga", OPERATOR_PASSWORD, "/admin/v1/actions/delete",
                "{\"filter\":{},\"reason\":\"oops\"}");
        assertThat(everything.status()).isEqualTo(422);
        assertThat(everything.json().path("type").asText()).isEqualTo("/problems/filter-required");

        Curl.Response typo = post("olga", OPERATOR_PASSWORD, "/admin/v1/actions/hold",
                "{\"filter\":{\"domian\":\"partner.test\"},\"reason\":\"x\"}");
        assertThat(typo.status()).isEqualTo(400);
        assertThat(typo.json().path("detail").asText()).contains("unknown filter field(s) [domian]");
        assertThat(post("olga", OPERATOR_PASSWORD, "/admin/v1/actions/hold", "{not json").status()).isEqualTo(400);
        assertThat(deferredInOutbound()).isEqualTo(TOTAL); // nothing was touched
    }

    @Test
    @Order(3)
    void holdAndReleaseMoveExactlyTheFilteredMessagesAndTheCliSpeaksPostqueueJson() throws Exception {
        JsonNode dry = post("olga", OPERATOR_PASSWORD, "/admin/v1/actions/hold",
                "{\"filter\":{\"domain\":\"partner.test\"},\"dry_run\":true,\"reason\":\"partner asked us to wait\"}")
                .json();
        assertThat(dry.path("matched").asInt()).isEqualTo(5);
        assertThat(dry.path("affected").asInt()).isZero();

        QueueCli hold = queue("hold", "--domain", "partner.test", "--reason", "partner asked us to wait");
        assertThat(hold.exit()).as(hold.err()).isZero();
        assertThat(hold.out()).startsWith("hold: 5 matched, 5 acted on");

        QueueCli held = queue("list", "--json", "--queue", "mail.hold");
        assertThat(held.exit()).as(held.err()).isZero();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : held.out().strip().split("\n")) {
            lines.add(JSON.readTree(line));
        }
        assertThat(lines).hasSize(5).allSatisfy(m -> {
            assertThat(m.path("queue_name").asText()).isEqualTo("mail.hold");
            assertThat(m.path("queue_id").asText()).matches("[0-9A-Z]+");
            assertThat(m.path("arrival_time").asLong()).isPositive();
            assertThat(m.path("message_size").asLong()).isPositive();
            assertThat(m.path("recipients").get(0).path("address").asText()).endsWith("@partner.test");
        });
        assertThat(deferredInOutbound()).isEqualTo(LOAD);

        QueueCli mailq = queue("list", "--queue", "mail.hold");
        assertThat(mailq.out()).contains("billing@erp.test").contains("-- ").contains("in 5 Requests.");

        String first = lines.get(0).path("queue_id").asText();
        QueueCli releaseOne = queue("release", first, "--reason", "checked by hand");
        assertThat(releaseOne.out()).startsWith("release: 1 matched, 1 acted on");
        QueueCli releaseRest = queue("release", "--queue", "mail.hold", "--all", "--reason", "partner is back");
        assertThat(releaseRest.exit()).as(releaseRest.err()).isZero();
        assertThat(releaseRest.out()).startsWith("release: 4 matched, 4 acted on");

        QueueCli summary = queue("summary");
        assertThat(summary.out()).containsPattern("mail\\.hold\\s+0\\s").contains("qshape mail.outbound")
                .containsPattern("far\\.test\\s+" + LOAD + "\\s");
    }

    @Test
    @Order(4)
    void flushRetriesADeferredMessageNowAndTheAuditLogHasEveryActionInAnIntactChain() throws Exception {
        String id = get("vic", VIEWER_PASSWORD, "/admin/v1/messages?sender=load@shop.test&limit=1").json()
                .path("messages").get(0).path("queue_id").asText();
        QueueCli retry = queue("retry", id, "--reason", "smart host fixed?");
        assertThat(retry.out()).startsWith("flush: 1 matched, 1 acted on");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode m = get("vic", VIEWER_PASSWORD, "/admin/v1/messages/" + id).json();
            assertThat(m.path("queued").get(0).path("attempts").asInt()).isEqualTo(2); // tried again, deferred again
        });

        Path audit = hub.workDir().resolve("data").resolve("audit.jsonl");
        List<String> records = Files.readAllLines(audit);
        assertThat(records).anyMatch(l -> l.contains("\"action\":\"admin_hold\"") && l.contains("\"user\":\"olga\"")
                && l.contains("\"reason\":\"partner asked us to wait\"") && l.contains("\"dry_run\":true"));
        assertThat(records).anyMatch(l -> l.contains("\"action\":\"admin_release\"") && l.contains("\"count\":4"));
        assertThat(records).anyMatch(l -> l.contains("\"action\":\"admin_flush\"") && l.contains(id));
        assertThat(AuditLog.verify(audit)).isNull();
    }

    @Test
    @Order(5)
    void theEventLogHasEveryReceivedMessageAndEveryAdminMoveInLinesTheSchemaAcceptsAndTheEndpointGetsThemToo()
            throws Exception {
        List<String> lines = Files.readAllLines(hub.workDir().resolve("data").resolve("events.jsonl"));
        var schema = com.networknt.schema.SchemaRegistry.withDefaultDialect(
                        com.networknt.schema.SpecificationVersion.DRAFT_2020_12)
                .getSchema(Files.readString(Path.of("docs/events.schema.json")), com.networknt.schema.InputFormat.JSON);
        for (String line : lines) {
            assertThat(schema.validate(line, com.networknt.schema.InputFormat.JSON)).as(line).isEmpty();
        }
        List<JsonNode> events = new ArrayList<>();
        for (String line : lines) {
            events.add(JSON.readTree(line));
        }
        assertThat(events.stream().filter(e -> e.path("event").asText().equals("received"))).hasSize(TOTAL);
        assertThat(events.stream().filter(e -> e.path("event").asText().equals("deferred")).count())
                .isGreaterThanOrEqualTo(TOTAL);
        assertThat(events.stream().filter(e -> e.path("event").asText().equals("held"))).hasSize(5)
                .allSatisfy(e -> assertThat(e.path("by").asText()).isEqualTo("olga"));
        assertThat(events.stream().filter(e -> e.path("event").asText().equals("released"))).hasSize(5);
        assertThat(events.stream().filter(e -> e.path("event").asText().equals("admin_hold"))).hasSize(1);
        assertThat(hub.log()).contains("events-tap").containsPattern("events-tap.*\"event\":\"held\"");
    }

    @Test
    @Order(6)
    void rawIsForAdminsAndAuditedBounceTellsTheSenderWhyAndRerouteDeliversThroughAnotherHostNow() throws Exception {
        String id = get("vic", VIEWER_PASSWORD, "/admin/v1/messages?sender=billing@erp.test&limit=1").json()
                .path("messages").get(0).path("queue_id").asText();
        assertThat(get("olga", OPERATOR_PASSWORD, "/admin/v1/messages/" + id + "/raw").status()).isEqualTo(403);
        Curl.Response raw = get("ada", ADMIN_PASSWORD, "/admin/v1/messages/" + id + "/raw?reason=ticket+42");
        assertThat(raw.status()).as(raw.body()).isEqualTo(200);
        assertThat(raw.header("Content-Type")).startsWith("message/rfc822");
        assertThat(raw.body()).contains("Received: from").contains("Message-Id:").contains("From: billing@erp.test");
        JsonNode after = get("vic", VIEWER_PASSWORD, "/admin/v1/messages/" + id).json().path("queued").get(0);
        assertThat(after.path("state").asText()).as("reading it leaves it deferred").isEqualTo("deferred");
        assertThat(after.path("queue_name").asText()).isEqualTo("mail.outbound");

        QueueCli bounce = queue("bounce", id, "--reason", "the recipient left the company");
        assertThat(bounce.exit()).as(bounce.err()).isZero();
        assertThat(bounce.out()).startsWith("bounce: 1 matched, 1 acted on");
        // the notice to billing@erp.test waits like all mail here (nothing listens at the smart host) ...
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(get("vic", VIEWER_PASSWORD,
                "/admin/v1/messages?recipient=billing@erp.test").json().path("total").asInt()).isEqualTo(1));
        try (SmtpSink sink = SmtpSink.onFreePort().start()) {
            // ... until an operator sends it through another host: Postfix' transport change plus postqueue -f
            QueueCli reroute = queue("reroute", "--recipient", "billing@erp.test", "--to", "[127.0.0.1]:" + sink.port,
                    "--reason", "deliver the notice through the test sink");
            assertThat(reroute.exit()).as(reroute.err()).isZero();
            assertThat(reroute.out()).startsWith("reroute: 1 matched, 1 acted on");
            SinkMessage notice = sink.awaitMessage("Bounced by the mail administrator");
            assertThat(notice.sender()).isEmpty();
            assertThat(notice.recipients()).containsExactly("billing@erp.test");
            assertThat(notice.content()).contains("multipart/report").contains("Status: 5.0.0")
                    .contains("Action: failed").containsPattern("Final-Recipient: rfc822; ann[0-9]@partner.test");
            assertThat(notice.content().replaceAll("\\s+", " ")).as("the reason, unfolded")
                    .contains("Diagnostic-Code: X-Mailhub; 550 5.0.0 Bounced by the mail administrator: the recipient"
                            + " left the company");
        }
        assertThat(get("vic", VIEWER_PASSWORD, "/admin/v1/messages/" + id).json().path("queued")).isEmpty();
        QueueCli badHop = queue("reroute", "--domain", "far.test", "--to", "no such host!", "--reason", "typo");
        assertThat(badHop.exit()).isEqualTo(1);
        assertThat(badHop.err()).contains("HTTP 400").contains("is not a host");

        Path audit = hub.workDir().resolve("data").resolve("audit.jsonl");
        List<String> records = Files.readAllLines(audit);
        assertThat(records).anyMatch(l -> l.contains("\"action\":\"admin_raw\"") && l.contains("\"user\":\"ada\"")
                && l.contains(id) && l.contains("ticket 42"));
        assertThat(records).anyMatch(l -> l.contains("\"action\":\"admin_bounce\"") && l.contains(id));
        assertThat(records).anyMatch(l -> l.contains("\"action\":\"admin_reroute\"")
                && l.contains("\"next_hop\":\"[127.0.0.1]:"));
        assertThat(AuditLog.verify(audit)).isNull();
    }

    @Test
    @Order(7)
    void aUserAddedToTheAdminUsersFileCanLogInWithoutARestartAndTheReloadIsAudited() throws Exception {
        Path admins = hub.workDir().resolve("admins");
        Files.writeString(admins, "zed:" + SubmissionIT.hashPassword("zed pass") + ":viewer\n",
                java.nio.file.StandardOpenOption.APPEND);
        Files.setLastModifiedTime(admins, java.nio.file.attribute.FileTime.from(java.time.Instant.now()
                .plusSeconds(2)));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(get("zed", "zed pass",
                "/admin/v1/queues").status()).isEqualTo(200));
        Path audit = hub.workDir().resolve("data").resolve("audit.jsonl");
        assertThat(Files.readAllLines(audit)).anyMatch(l -> l.contains("\"action\":\"config_reload\"")
                && l.contains("\"what\":\"admin users\"") && l.contains("\"result\":\"loaded\""));
        assertThat(AuditLog.verify(audit)).isNull();
    }

    @Test
    @Order(8)
    void aSuspendedDomainWaitsWithoutAttemptsUntilResumedAndTheCliListsTheSuspension() throws Exception {
        QueueCli suspend = queue("suspend", "partner.test", "--for", "2h", "--reason", "partner maintenance window");
        assertThat(suspend.exit()).as(suspend.err()).isZero();
        assertThat(suspend.out()).startsWith("suspended partner.test until");
        assertThat(queue("suspensions").out()).contains("partner.test until").contains("partner maintenance window");
        JsonNode before = get("vic", VIEWER_PASSWORD, "/admin/v1/messages?domain=partner.test").json();
        int count = before.path("total").asInt();
        assertThat(count).isEqualTo(4);
        int attempts = before.path("messages").get(0).path("attempts").asInt();

        QueueCli retry = queue("retry", "partner.test");
        assertThat(retry.out()).startsWith("flush: 4 matched, 4 acted on");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode now = get("vic", VIEWER_PASSWORD, "/admin/v1/messages?domain=partner.test").json();
            assertThat(now.path("messages")).hasSize(4).allSatisfy(m -> {
                assertThat(m.path("state").asText()).isEqualTo("deferred");
                assertThat(java.time.Instant.parse(m.path("next_attempt").asText()))
                        .as("held back until the suspension ends").isAfter(java.time.Instant.now().plusSeconds(3600));
            });
        });
        assertThat(get("vic", VIEWER_PASSWORD, "/admin/v1/messages?domain=partner.test").json().path("messages")
                .get(0).path("attempts").asInt()).as("no attempt used").isEqualTo(attempts);

        QueueCli resume = queue("resume", "partner.test", "--reason", "window over");
        assertThat(resume.exit()).as(resume.err()).isZero();
        assertThat(resume.out()).isEqualTo("resumed partner.test: 4 deferred message(s) retried now\n");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(get("vic", VIEWER_PASSWORD,
                "/admin/v1/messages?domain=partner.test").json().path("messages")).hasSize(4)
                .allSatisfy(m -> assertThat(m.path("attempts").asInt()).isEqualTo(attempts + 1)));
        assertThat(queue("resume", "partner.test").exit()).as("no longer suspended").isEqualTo(1);
        var schema = com.networknt.schema.SchemaRegistry.withDefaultDialect(
                        com.networknt.schema.SpecificationVersion.DRAFT_2020_12)
                .getSchema(Files.readString(Path.of("docs/events.schema.json")), com.networknt.schema.InputFormat.JSON);
        List<String> newKinds = Files.readAllLines(hub.workDir().resolve("data").resolve("events.jsonl")).stream()
                .filter(l -> l.matches(".*\"event\":\"(suspended|rerouted|admin_bounce|admin_reroute)\".*")).toList();
        assertThat(newKinds).anyMatch(l -> l.contains("\"event\":\"suspended\"") && l.contains("partner.test"))
                .anyMatch(l -> l.contains("\"event\":\"rerouted\""))
                .anyMatch(l -> l.contains("\"event\":\"admin_bounce\""));
        for (String line : newKinds) {
            assertThat(schema.validate(line, com.networknt.schema.InputFormat.JSON)).as(line).isEmpty();
        }
    }

    @Test
    @Order(9)
    void deleteAllEmptiesTheQueueWhenAskedForEverything() throws Exception {
        QueueCli delete = queue("delete", "--all", "--reason", "end of test");
        assertThat(delete.exit()).as(delete.err()).isZero();
        assertThat(delete.out()).startsWith("delete: " + (TOTAL - 1) + " matched, " + (TOTAL - 1) + " acted on");
        assertThat(get("vic", VIEWER_PASSWORD, "/admin/v1/messages").json().path("total").asInt()).isZero();
        assertThat(queue("list").out()).contains("Mail queue is empty");
    }
}
