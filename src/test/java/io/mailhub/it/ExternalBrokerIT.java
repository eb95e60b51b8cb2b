package io.mailhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Queue administration with a standalone broker: the Artemis 2.56.0 distribution, set up as artemis/README.md says
 * ({@code artemis create}, our broker.xml), and the packaged hub with {@code mailhub.broker.url}. The admin API, the
 * {@code queue} command and the queue meters work on that broker as on the embedded one.
 */
class ExternalBrokerIT {

    static final String PASSWORD = "operator pass";
    static Process broker;
    static HubProcess hub;
    static Path brokerLog;

    @BeforeAll
    static void start() throws Exception {
        Path dir = HubProcess.itDir("external-broker");
        Path artemis = Path.of(System.getProperty("artemis.home", "target/artemis-dist/apache-artemis-2.56.0"),
                "bin", "artemis");
        Path instance = dir.resolve("broker");
        Process create = new ProcessBuilder(artemis.toString(), "create", "--user", "admin", "--password", "change-me",
                "--allow-anonymous", "--silent", "--no-web", "--no-autotune", "--force", instance.toString())
                .redirectErrorStream(true).start();
        String created = new String(create.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(create.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(create.exitValue()).as(created).isZero();
        Files.copy(Path.of("artemis/broker.xml"), instance.resolve("etc/broker.xml"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        int port = Ports.free();
        Files.writeString(instance.resolve("etc/artemis.profile"), "\nJAVA_ARGS=\"$JAVA_ARGS -Dmailhub.broker.port="
                + port + " -Dmailhub.broker.host=127.0.0.1 -Xmx512m\"\n", StandardOpenOption.APPEND);
        brokerLog = dir.resolve("broker.log");
        broker = new ProcessBuilder(instance.resolve("bin/artemis").toString(), "run").redirectErrorStream(true)
                .redirectOutput(brokerLog.toFile()).start();
        TestDaemon.awaitReady(broker, brokerLog, Duration.ofMinutes(2), () -> Ports.listening(port)
                && Files.readString(brokerLog).contains("AMQ221007"));

        Path admins = dir.resolve("admins");
        Files.writeString(admins, "olga:" + SubmissionIT.hashPassword(PASSWORD) + ":operator\n");
        hub = new HubProcess(dir.resolve("hub"))
                .set("mailhub.broker.url", "tcp://127.0.0.1:" + port)
                .set("mailhub.relay.smarthost", "127.0.0.1:" + Ports.free()) // nothing listens: every attempt defers
                .set("mailhub.relay.trusted-networks", "127.0.0.0/8")
                .set("mailhub.admin.users-file", admins)
                .start();
        for (int i = 0; i < 3; i++) {
            Swaks.Result r = Swaks.run(hub.smtpPort, "-f", "erp@shop.test", "-t", "user" + i + "@partner.test");
            assertThat(r.exitCode()).as(r.transcript()).isZero();
        }
        await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(list("state=deferred")
                .path("total").asInt()).isEqualTo(3));
    }

    @AfterAll
    static void stop() throws Exception {
        Started.closeAll(hub);
        if (broker != null) {
            broker.destroy();
            broker.waitFor(30, TimeUnit.SECONDS);
        }
    }

    static JsonNode list(String query) throws Exception {
        Curl.Response r = Curl.request("GET", hub.url("/admin/v1/messages?" + query)).option("-u", "olga:" + PASSWORD)
                .send();
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    static QueueCli queue(String... args) throws Exception {
        return QueueCli.run(hub, "olga", PASSWORD, args);
    }

    @Test
    void theQueueOnAStandaloneBrokerIsListedHeldReleasedAndReroutedLikeTheEmbeddedOne() throws Exception {
        JsonNode all = list("");
        assertThat(all.path("total").asInt()).isEqualTo(3);
        assertThat(all.path("messages")).allSatisfy(m -> {
            assertThat(m.path("queue_name").asText()).isEqualTo("mail.outbound");
            assertThat(m.path("sender").asText()).isEqualTo("erp@shop.test");
            assertThat(m.path("attempts").asInt()).isEqualTo(1);
        });
        String id = list("recipient=user1@partner.test").path("messages").get(0).path("queue_id").asText();

        QueueCli hold = queue("hold", id, "--reason", "check it first");
        assertThat(hold.exit()).as(hold.err()).isZero();
        assertThat(hold.out()).startsWith("hold: 1 matched, 1 acted on");
        assertThat(list("queue=mail.hold").path("messages").get(0).path("queue_id").asText()).isEqualTo(id);
        assertThat(queue("summary").out()).containsPattern("mail.hold +1 ");
        assertThat(Scrape.of(hub).sum("mailhub_queue_messages", "queue", "mail.outbound"))
                .as("the queue meters read the standalone broker").isEqualTo(2.0);

        assertThat(queue("release", id, "--reason", "checked").out()).startsWith("release: 1 matched, 1 acted on");
        try (SmtpSink sink = SmtpSink.onFreePort().start()) {
            QueueCli reroute = queue("reroute", "--all", "--to", "[127.0.0.1]:" + sink.port, "--reason",
                    "the partner's relay moved");
            assertThat(reroute.exit()).as(reroute.err()).isZero();
            assertThat(reroute.out()).startsWith("reroute: 3 matched, 3 acted on");
            await().atMost(Duration.ofSeconds(30)).until(() -> sink.messages().size() == 3);
            assertThat(sink.messages()).flatExtracting(SinkMessage::recipients).containsExactlyInAnyOrder(
                    "user0@partner.test", "user1@partner.test", "user2@partner.test");
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(list("").path("total").asInt())
                .isZero());
        assertThat(Files.readString(brokerLog)).doesNotContain("AMQ224");
    }
}
