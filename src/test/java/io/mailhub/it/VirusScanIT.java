package io.mailhub.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Virus scanning with the real clamd (test signatures only: see {@link Clamd}): an EICAR attachment is refused over
 * SMTP (swaks --attach) and over the HTTP API, clean mail is delivered marked scanned, and with clamd gone mail is
 * refused for now (451 4.7.1) rather than let through unscanned.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VirusScanIT {

    static final String EICAR = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

    private static Clamd clamd;
    private static SmtpSink sink;
    private static HubProcess hub;
    private static String key;
    private static Path dir;

    @BeforeAll
    static void start() throws Exception {
        dir = HubProcess.itDir("virus");
        clamd = Clamd.start(dir.resolve("clamd"));
        sink = SmtpSink.onFreePort().start();
        key = HubProcess.createApiKey(dir.resolve("keys"), "shop", "--from", "@shop.test");
        hub = new HubProcess(dir).set("mailhub.relay.smarthost", "127.0.0.1:" + sink.port)
                .set("mailhub.api.keys-file", dir.resolve("keys")).set("mailhub.virus.clamd", clamd.address())
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        Started.closeAll(hub, sink, clamd);
    }

    @Test
    @Order(1)
    void anInfectedAttachmentIsRefusedOverSmtpAndOverHttp() throws Exception {
        Path file = Files.writeString(dir.resolve("invoice.com"), EICAR);
        String marker = UUID.randomUUID().toString();
        Swaks.Result smtp = Swaks.run(hub.smtpPort, "-f", "a@client.test", "-t", "bob@remote.test", "--header",
                "Subject: " + marker, "--attach", "@" + file);
        assertThat(smtp.replyTo(".")).isEqualTo("554 5.7.1 Message refused: virus found"
                + " (Eicar-Test-Signature.UNOFFICIAL)");

        String json = "{\"from\": \"shop@shop.test\", \"to\": \"bob@remote.test\", \"subject\": \"" + marker + "\","
                + " \"text\": \"see attached\", \"attachments\": [{\"filename\": \"invoice.com\", \"content\": \""
                + Base64.getEncoder().encodeToString(EICAR.getBytes(StandardCharsets.US_ASCII)) + "\"}]}";
        HttpResponse<String> http = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                hub.url("/api/v1/messages"))).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(http.statusCode()).isEqualTo(422);
        assertThat(new ObjectMapper().readTree(http.body()).get("detail").asText())
                .isEqualTo("Message refused: virus found (Eicar-Test-Signature.UNOFFICIAL)");
        assertThat(sink.messages()).noneMatch(m -> m.content().contains(marker));
    }

    @Test
    @Order(2)
    void cleanMailIsDeliveredMarkedScannedAndASendersOwnMarkIsRemoved() throws Exception {
        String marker = UUID.randomUUID().toString();
        Swaks.Result r = Swaks.run(hub.smtpPort, "-f", "a@client.test", "-t", "bob@remote.test", "--header",
                "Subject: " + marker, "--add-header", "X-Virus-Scanned: clean by trust-me");

        assertThat(r.replyTo(".")).startsWith("250 2.0.0");
        assertThat(sink.awaitMessage(marker).headers("X-Virus-Scanned")).containsExactly("clean by clamd");
    }

    @Test
    @Order(3)
    void withTheScannerGoneMailIsRefusedForNowNotLetThroughUnscanned() throws Exception {
        clamd.kill();
        Swaks.Result r = Swaks.run(hub.smtpPort, "-f", "a@client.test", "-t", "bob@remote.test", "--header",
                "Subject: while clamd is down");

        assertThat(r.replyTo(".")).isEqualTo("451 4.7.1 Virus scanner unavailable, try again later");
    }
}
