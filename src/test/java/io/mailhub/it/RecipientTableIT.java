package io.mailhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
 * The hub in front of a mailbox server that knows its users ({@code mailhub.relay.recipients}, Postfix's
 * relay_recipient_maps): swaks hears 550 5.1.1 at RCPT for an unknown user, so no bounce ever goes to a forged sender;
 * a message to a known and an unknown user reaches the known one only; the HTTP API refuses the same address; an
 * address added to the file is taken without a restart.
 */
class RecipientTableIT {

    @Test
    void unknownUsersOfTheLocalDomainAreRefusedBeforeTheDataOnEveryDoorAndTheFileIsReadAgain() throws Exception {
        Path work = HubProcess.itDir("recipient-table");
        Path table = Files.writeString(work.resolve("recipients"), "# mailboxes of the server behind the hub\n"
                + "ann@corp.test\n@lists.corp.test\n");
        String key = HubProcess.createApiKey(work.resolve("keys"), "erp", "--from", "@erp.test");
        try (SmtpSink sink = SmtpSink.onFreePort().start(); HubProcess hub = new HubProcess(work)
                .set("mailhub.relay.trusted-networks", "192.0.2.0/24").set("mailhub.local-domains",
                        "corp.test,lists.corp.test").set("mailhub.relay.recipients", table)
                .set("mailhub.api.keys-file", work.resolve("keys"))
                .set("mailhub.relay.smarthost", "127.0.0.1:" + sink.port).start()) {
            Swaks.Result unknown = Swaks.run(hub.smtpPort, "--from", "someone@far.test", "--to", "nobody@corp.test",
                    "--header", "Subject: to nobody");
            assertThat(unknown.replyTo("RCPT TO")).isEqualTo("550 5.1.1 <nobody@corp.test>: Recipient address"
                    + " rejected: User unknown in relay recipient table");
            assertThat(unknown.transcript()).as("no data sent").doesNotContain("354");

            Swaks.Result mixed = Swaks.run(hub.smtpPort, "--from", "someone@far.test", "--to",
                    "nobody@corp.test,Ann+Offers@CORP.test,team@lists.corp.test,postmaster@corp.test",
                    "--header", "Subject: to ann and nobody");
            assertThat(mixed.exitCode()).as(mixed.transcript()).isZero();
            SinkMessage m = sink.awaitMessage("to ann and nobody");
            assertThat(m.recipients()).containsExactlyInAnyOrder("Ann+Offers@CORP.test", "team@lists.corp.test",
                    "postmaster@corp.test");

            HttpResponse<String> api = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    hub.url("/api/v1/messages"))).header("Authorization", "Bearer " + key)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"from\": \"orders@erp.test\", \"to\": \"nobody@corp.test\", \"subject\": \"s\","
                                    + " \"text\": \"t\"}")).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode problem = new ObjectMapper().readTree(api.body());
            assertThat(api.statusCode()).as(api.body()).isEqualTo(422);
            assertThat(problem.get("type").asText()).endsWith("/recipients-rejected");
            assertThat(problem.get("enhanced_status").asText()).isEqualTo("5.1.1");
            assertThat(problem.get("errors")).hasSize(1);
            assertThat(problem.at("/errors/0").toString()).contains("nobody@corp.test")
                    .contains("User unknown in relay recipient table");

            Files.writeString(table, "ann@corp.test\n@lists.corp.test\nnobody@corp.test\n");
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(500)).until(() -> Swaks.run(
                    hub.smtpPort, "--from", "someone@far.test", "--to", "nobody@corp.test", "--header",
                    "Subject: nobody exists now").exitCode() == 0);
            assertThat(sink.awaitMessage("nobody exists now").recipients()).containsExactly("nobody@corp.test");
            assertThat(hub.log()).contains("recipients of the local domains checked against " + table)
                    .contains("relay recipients reloaded from " + table);
        }
    }
}
