package io.mailhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.Connection;
import jakarta.jms.Session;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;

/**
 * One policy route in the routes directory of the packaged hub refuses a message at every door with the door's own
 * answer: the SMTP reply in the session (swaks), a 422 problem over HTTP, a {@code .reason} file in the pickup
 * directory, the invalid queue for JMS (Artemis' JMS client over the acceptor). Nothing refused is delivered; the same
 * message without the forbidden word is.
 */
class PolicyRouteIT {

    private static final String PASSWORD = "erp-secret-7";

    @Test
    void theRoutesRefusalIsAnsweredAtEveryDoorAndNothingRefusedIsDelivered() throws Exception {
        Path work = HubProcess.itDir("policy-route");
        Path routes = Files.createDirectories(work.resolve("routes"));
        Files.writeString(routes.resolve("policy.camel.yaml"), """
                - route:
                    id: policy
                    from:
                      uri: direct:policy
                      steps:
                        - filter:
                            simple: "${header.Subject} contains 'forbidden'"
                            steps:
                              - to: "mailhub:reject?code=550&enhanced=5.7.1&text=Forbidden words in ${header.MailhubIngress}"
                        - filter:
                            simple: "${header.MailhubClientHelo} == 'localhost'"
                            steps:
                              - to: "mailhub:reject?text=HELO localhost is not your name"
                        - filter:
                            simple: "${header.MailhubRcptDomains} == 'grey.test'"
                            steps:
                              - to: "mailhub:greylist?delay=2s"
                """.replace("${header.MailhubIngress}", "the subject"));
        Path pickup = work.resolve("pickup");
        Files.writeString(work.resolve("users"), "erp:" + SubmissionIT.hashPassword(PASSWORD) + ":@erp.test\n");
        String key = HubProcess.createApiKey(work.resolve("keys"), "shop", "--from", "@erp.test");
        int brokerPort = Ports.free();
        try (SmtpSink sink = SmtpSink.onFreePort().start(); HubProcess hub = new HubProcess(work)
                .set("mailhub.relay.smarthost", "127.0.0.1:" + sink.port).set("mailhub.routes.dir", routes)
                .set("mailhub.api.keys-file", work.resolve("keys")).set("mailhub.auth.users-file", work.resolve("users"))
                .set("mailhub.broker.acceptor", "tcp://127.0.0.1:" + brokerPort)
                .set("mailhub.pickup.dir", pickup).set("mailhub.pickup.senders", "@erp.test")
                .set("mailhub.pickup.stable-time", "0s").set("mailhub.pickup.poll-interval", "200ms").start()) {

            Swaks.Result smtp = Swaks.run(hub.smtpPort, "--helo", "client.test", "--from", "a@client.test", "--to",
                    "ann@remote.test", "--header", "Subject: forbidden smtp");
            assertThat(smtp.replyTo("DATA")).startsWith("354");
            assertThat(smtp.transcript()).contains("550 5.7.1 Forbidden words in the subject");
            assertThat(Swaks.run(hub.smtpPort, "--helo", "localhost", "--from", "a@client.test", "--to",
                    "ann@remote.test", "--header", "Subject: from a client named localhost").transcript())
                    .as("the route sees the HELO name").contains("550 5.7.1 HELO localhost is not your name");
            long firstTry = System.nanoTime();
            Swaks.Result greylisted = Swaks.run(hub.smtpPort, "--helo", "client.test", "--from", "a@client.test",
                    "--to", "ann@grey.test", "--header", "Subject: greylisted smtp");
            assertThat(greylisted.transcript()).contains("451 4.7.1 Greylisted, try again in 2 seconds");
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).until(() -> Swaks.run(
                    hub.smtpPort, "--helo", "client.test", "--from", "a@client.test", "--to", "ann@grey.test",
                    "--header", "Subject: greylisted smtp").exitCode() == 0);
            assertThat((System.nanoTime() - firstTry) / 1_000_000).as("accepted only after the delay")
                    .isGreaterThanOrEqualTo(2_000);
            sink.awaitMessage("greylisted smtp");

            HttpResponse<String> http = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    hub.url("/api/v1/messages"))).header("Authorization", "Bearer " + key)
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"from\": \"shop@erp.test\", \"to\": \"ann@remote.test\", \"subject\": \"forbidden http\","
                                    + " \"text\": \"x\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(http.statusCode()).isEqualTo(422);
            JsonNode problem = new ObjectMapper().readTree(http.body());
            assertThat(problem.get("type").asText()).endsWith("/policy-rejected");
            assertThat(problem.get("detail").asText()).isEqualTo("Forbidden words in the subject");

            Path tmp = pickup.resolve("order.eml.tmp");
            Files.writeString(tmp, "From: invoices@erp.test\nTo: ann@remote.test\nSubject: forbidden pickup\n\nx\n");
            Files.move(tmp, pickup.resolve("order.eml"));
            Path reason = pickup.resolve(".bad").resolve("order.eml.reason");
            await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(reason));
            assertThat(Files.readString(reason, StandardCharsets.UTF_8).strip())
                    .isEqualTo("5.7.1 policy-rejected: Forbidden words in the subject");

            ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + brokerPort);
            try (Connection c = cf.createConnection("erp", PASSWORD)) {
                Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                s.createProducer(s.createQueue("mail.submit")).send(s.createTextMessage("{\"from\": \"orders@erp.test\","
                        + " \"to\": \"ann@remote.test\", \"subject\": \"forbidden jms\", \"text\": \"x\"}"));
            } finally {
                cf.close();
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> hub.log().contains(
                    "refused, moved to mail.submit.invalid: 5.7.1 policy-rejected: Forbidden words in the subject"));

            assertThat(Swaks.run(hub.smtpPort, "--helo", "client.test", "--from", "a@client.test", "--to",
                    "ann@remote.test", "--header", "Subject: allowed smtp").exitCode()).isZero();
            sink.awaitMessage("allowed smtp");
            assertThat(sink.messages()).noneMatch(m -> m.content().contains("forbidden")
                    || m.content().contains("named localhost"));
        }
    }
}
