package io.mailhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The suppression list against a real mailbox server: Dovecot answers 550 5.1.1 for an unknown user over LMTP, the hub
 * bounces the API's message and adds the address; the next API request for it is refused (in {@code rejected}, or 422
 * when it is the only recipient) while SMTP mail still goes (the list covers the API by default); the operator lists
 * and removes it with the {@code queue} command, adds one by hand, and the list outlives a restart.
 */
class SuppressionIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void aHardBounceSuppressesTheAddressForTheApiUntilAnOperatorRemovesItAndTheListOutlivesARestart() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "a private Dovecot needs root (CI runs as root)");
        Path dir = HubProcess.itDir("suppression");
        Files.writeString(dir.resolve("admins"), "olga:" + SubmissionIT.hashPassword("operator pass") + ":operator\n");
        String key = HubProcess.createApiKey(dir.resolve("keys"), "erp", "--from", "@erp.test");
        try (Dovecot dovecot = Dovecot.start(Files.createDirectories(dir.resolve("dovecot")));
                SmtpSink sink = SmtpSink.onFreePort().start()) {
            Path map = Files.writeString(dir.resolve("transport.map"), "lmtp.test  lmtp:[127.0.0.1]:" + dovecot.port
                    + "\n");
            try (HubProcess hub = new HubProcess(dir).set("mailhub.relay.smarthost", "127.0.0.1:" + sink.port)
                    .set("mailhub.relay.transport-map", map).set("mailhub.api.keys-file", dir.resolve("keys"))
                    .set("mailhub.admin.users-file", dir.resolve("admins")).start()) {
                HttpResponse<String> first = hub.sendByApi(key, "\"nobody@lmtp.test\"", "to nobody");
                assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
                assertThat(sink.awaitMessage("to nobody").sender()).as("the bounce").isEmpty();
                await().atMost(Duration.ofSeconds(20)).until(() -> queue(hub, "suppressions").out()
                        .contains("nobody@lmtp.test"));
                assertThat(queue(hub, "suppressions").out()).startsWith("nobody@lmtp.test since ")
                        .contains("(hard-bounce, " + JSON.readTree(first.body()).get("id").asText() + "): 550 5.1.1");
                assertThat(hub.http("/observe/metrics")).containsPattern("(?m)^mailhub_suppression_addresses 1\\.0$");

                HttpResponse<String> mixed = hub.sendByApi(key, "[\"nobody@lmtp.test\", \"ann@lmtp.test\"]", "to both");
                assertThat(mixed.statusCode()).as(mixed.body()).isEqualTo(202);
                JsonNode accepted = JSON.readTree(mixed.body());
                assertThat(accepted.get("accepted")).extracting(JsonNode::asText).containsExactly("ann@lmtp.test");
                assertThat(accepted.at("/rejected/0/email").asText()).isEqualTo("nobody@lmtp.test");
                assertThat(accepted.at("/rejected/0/code").asInt()).isEqualTo(550);
                assertThat(accepted.at("/rejected/0/enhanced").asText()).isEqualTo("5.1.1");
                assertThat(accepted.at("/rejected/0/reason").asText()).contains("Recipient address suppressed since")
                        .contains("hard bounce");
                await().atMost(Duration.ofSeconds(20)).until(() -> dovecot.inbox("ann").stream()
                        .anyMatch(m -> m.contains("Subject: to both")));

                HttpResponse<String> only = hub.sendByApi(key, "\"nobody@lmtp.test\"", "to nobody again");
                assertThat(only.statusCode()).as(only.body()).isEqualTo(422);
                assertThat(JSON.readTree(only.body()).get("type").asText()).endsWith("/recipients-suppressed");
                HttpResponse<String> postmark = HTTP.send(HttpRequest.newBuilder(URI.create(hub.url("/email")))
                        .header("X-Postmark-Server-Token", key).header("Content-Type", "application/json")
                        .header("Accept", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                                "{\"From\": \"billing@erp.test\", \"To\": \"nobody@lmtp.test\", \"Subject\": \"s\","
                                        + " \"TextBody\": \"t\"}")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(postmark.statusCode()).as(postmark.body()).isEqualTo(422);
                assertThat(JSON.readTree(postmark.body()).get("ErrorCode").asInt()).isEqualTo(406);

                Swaks.Result smtp = Swaks.run(hub.smtpPort, "-f", "billing@erp.test", "-t", "nobody@lmtp.test",
                        "--header", "Subject: by smtp");
                assertThat(smtp.exitCode()).as("the list covers the API only: " + smtp.transcript()).isZero();

                QueueCli removed = queue(hub, "unsuppress", "nobody@lmtp.test", "--reason", "mailbox created");
                assertThat(removed.exit()).as(removed.err()).isZero();
                assertThat(removed.out()).isEqualTo("unsuppressed nobody@lmtp.test\n");
                assertThat(hub.sendByApi(key, "\"nobody@lmtp.test\"", "after removal").statusCode()).isEqualTo(202);

                QueueCli added = queue(hub, "suppress", "carol@lmtp.test", "--reason", "complained");
                assertThat(added.exit()).as(added.err()).isZero();
                hub.stop();
                hub.start();
                HttpResponse<String> afterRestart = hub.sendByApi(key, "\"Carol@LMTP.test\"", "to carol");
                assertThat(afterRestart.statusCode()).as(afterRestart.body()).isEqualTo(422);
                assertThat(JSON.readTree(afterRestart.body()).get("type").asText()).endsWith("/recipients-suppressed");
                assertThat(afterRestart.body()).contains("5.2.1").contains("added by olga: complained");
                assertThat(queue(hub, "unsuppress", "dave@lmtp.test").exit()).as("not suppressed").isNotZero();
            }
        }
    }


    private static QueueCli queue(HubProcess hub, String... args) throws Exception {
        return QueueCli.run(hub, "olga", "operator pass", args);
    }
}
