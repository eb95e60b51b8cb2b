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
 * Bounces that come back later, from real servers: the hub relays API mail to a Postfix that accepts every recipient
 * and delivers to Dovecot over LMTP; Dovecot refuses an unknown user, so Postfix writes its own delivery status report
 * and sends it to the envelope sender it was given, the hub's return path. The hub takes it from a client it does not
 * trust, reads it instead of delivering it, suppresses the address and shows the failure in the message's status; the
 * next API request for the address is refused. Addresses of the domain the hub did not make are refused at RCPT, and
 * an automatic reply to the return path is read and dropped.
 */
class ReturnPathIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void postfixsReportOfABounceAfterItAcceptedTheMessageReachesTheHubAndSuppressesTheAddress() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "private Postfix and Dovecot need root");
        Path dir = HubProcess.itDir("return-path");
        String key = HubProcess.createApiKey(dir.resolve("keys"), "erp", "--from", "@erp.test");
        try (Dovecot dovecot = Dovecot.start(Files.createDirectories(dir.resolve("dovecot")));
                HubProcess hub = new HubProcess(dir)) {
            // Postfix accepts every recipient (no recipient check at RCPT), hands lmtp.test to Dovecot and sends
            // everything else, its bounces included, to the hub
            try (PostfixPeer postfix = PostfixPeer.start(hub.smtpPort,
                    "transport_maps = inline:{ lmtp.test=lmtp:inet:127.0.0.1:" + dovecot.port + " }")) {
                hub.set("mailhub.relay.smarthost", "127.0.0.1:" + postfix.port)
                        .set("mailhub.relay.trusted-networks", "192.0.2.0/24") // Postfix on 127.0.0.1 is a stranger
                        .set("mailhub.api.keys-file", dir.resolve("keys"))
                        .set("mailhub.bounce.return-path-domain", "bounces.erp.test").start();

                HttpResponse<String> sent = hub.sendByApi(key, "[\"nobody@lmtp.test\", \"ann@lmtp.test\"]",
                        "invoice 7");
                assertThat(sent.statusCode()).as(sent.body()).isEqualTo(202);
                String id = JSON.readTree(sent.body()).get("id").asText();

                await().atMost(Duration.ofSeconds(30)).until(() -> dovecot.inbox("ann").stream()
                        .anyMatch(m -> m.contains("Subject: invoice 7")));
                String delivered = dovecot.inbox("ann").get(0);
                assertThat(delivered).as("the envelope sender the mailbox server saw").containsPattern(
                        "(?m)^Return-Path: <bounce-" + id.toLowerCase() + "-[0-9a-z]{8}@bounces\\.erp\\.test>\\r?$");

                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(hub.log())
                        .contains(id + ": nobody@lmtp.test suppressed after a hard bounce reported later: 5.1.1"));
                assertThat(postfix.log()).as("Postfix bounced it itself, to the hub").contains("status=bounced");
                JsonNode status = status(hub, key, id);
                assertThat(status.get("state").asText()).isEqualTo("partly delivered");
                JsonNode returned = null;
                for (JsonNode e : status.get("events")) {
                    if (e.get("event").asText().equals("returned")) {
                        returned = e;
                    }
                }
                assertThat(returned).as(status.toString()).isNotNull();
                assertThat(returned.get("recipient").asText()).isEqualTo("nobody@lmtp.test");
                assertThat(returned.get("action").asText()).isEqualTo("failed");
                assertThat(returned.get("status").asText()).isEqualTo("5.1.1");
                assertThat(returned.get("reply").asText()).contains("550 5.1.1");

                HttpResponse<String> again = hub.sendByApi(key, "\"nobody@lmtp.test\"", "invoice 8");
                assertThat(again.statusCode()).as(again.body()).isEqualTo(422);
                assertThat(JSON.readTree(again.body()).get("type").asText()).endsWith("/recipients-suppressed");

                Swaks.Result madeUp = Swaks.run(hub.smtpPort, "--from", "mailer-daemon@far.test", "--to",
                        "bounce-" + id.toLowerCase() + "-aaaaaaaa@bounces.erp.test");
                assertThat(madeUp.replyTo("RCPT TO")).isEqualTo("550 5.1.1 <bounce-" + id.toLowerCase()
                        + "-aaaaaaaa@bounces.erp.test>: Recipient address rejected: User unknown (not a return path of"
                        + " this hub)");
                String returnPath = delivered.lines().filter(l -> l.startsWith("Return-Path:")).findFirst()
                        .orElseThrow().replaceAll(".*<(.*)>.*", "$1");
                Swaks.Result autoReply = Swaks.run(hub.smtpPort, "--from", "ooo@far.test", "--to", returnPath,
                        "--header", "Subject: Out of office", "--body", "Back on Monday.");
                assertThat(autoReply.exitCode()).as(autoReply.transcript()).isZero();
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(hub.log()).contains(
                        id + ": mail to its return path from ooo@far.test is not a delivery status report"));
            }
        }
    }


    private static JsonNode status(HubProcess hub, String key, String id) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(hub.url("/api/v1/messages/" + id)))
                .header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }
}
