package io.mailhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The providers' official Node.js clients (postmark, @sendgrid/mail, mailgun.js from npm, versions pinned by
 * src/test/node/package-lock.json) pointed at the packaged hub with nothing changed but the base URL; what reaches the
 * next hop is read back with Python's email package.
 */
class ProviderSdkIT {

    static final Path NODE_DIR = Path.of("src/test/node").toAbsolutePath();
    static SmtpSink sink;
    static HubProcess hub;
    static String key;

    @BeforeAll
    static void start() throws Exception {
        assertThat(NODE_DIR.resolve("node_modules/postmark")).as("the SDKs are installed: run npm ci in " + NODE_DIR
                + " (.ci/run does)").isDirectory();
        sink = SmtpSink.onFreePort().start();
        Path dir = HubProcess.itDir("provider-sdk");
        key = HubProcess.createApiKey(dir.resolve("api-keys"), "shop", "--from", "@shop.test");
        Path templates = Files.createDirectories(dir.resolve("config/templates"));
        Files.writeString(templates.resolve("welcome.subject"), "Welcome {{name}} ({{marker}})");
        Files.writeString(templates.resolve("welcome.text"), "Hello {{name}}, welcome aboard.\n");
        Files.writeString(templates.resolve("welcome.html"), "<p>Hello <b>{{name}}</b></p>");
        Files.writeString(dir.resolve("admins"), "olga:" + SubmissionIT.hashPassword("operator pass") + ":operator\n");
        hub = new HubProcess(dir)
                .set("mailhub.relay.smarthost", "127.0.0.1:" + sink.port)
                .set("mailhub.api.keys-file", dir.resolve("api-keys"))
                .set("mailhub.admin.users-file", dir.resolve("admins"))
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        Started.closeAll(hub, sink);
    }

    /** Runs one scenario of send.js with the official client; returns what the client returned. */
    static JsonNode node(String scenario, String apiKey, String marker) throws Exception {
        Process p = new ProcessBuilder("node", "send.js", scenario, Integer.toString(hub.httpPort), apiKey, marker)
                .directory(NODE_DIR.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return new ObjectMapper().readTree(out);
    }

    static String marker() {
        return "m" + UUID.randomUUID().toString().replace("-", "");
    }

    static List<JsonNode> arrived(String marker, int count) throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> files(marker).size() >= count);
        JsonNode all = PythonEmail.parseAll(files(marker));
        List<JsonNode> mails = StreamSupport.stream(all.spliterator(), false).toList();
        assertThat(mails).hasSize(count);
        assertThat(mails).allSatisfy(m -> {
            assertThat(m.get("defects")).as("parser defects").isEmpty();
        });
        return mails;
    }

    static List<Path> files(String marker) {
        return sink.files().stream().filter(f -> {
            try {
                return Files.readString(f, StandardCharsets.ISO_8859_1).contains(marker);
            } catch (java.io.IOException e) {
                return false;
            }
        }).toList();
    }

    static JsonNode part(JsonNode mail, String type) {
        return StreamSupport.stream(mail.get("parts").spliterator(), false)
                .filter(p -> p.get("type").asText().equals(type)).findFirst().orElseThrow(() ->
                        new AssertionError("no " + type + " part in " + mail));
    }

    @Test
    void postmarksClientSendsAMessageWithAttachmentHeadersAndNonAsciiText() throws Exception {
        String m = marker();
        JsonNode r = node("postmark", key, m);

        assertThat(r.get("ok").asBoolean()).as(r.toString()).isTrue();
        assertThat(r.at("/response/ErrorCode").asInt()).isZero();
        assertThat(r.at("/response/To").asText()).contains("bob@remote.test");
        JsonNode mail = arrived(m, 1).get(0);
        assertThat(mail.get("subject").asText()).isEqualTo("Grüße " + m);
        assertThat(mail.get("from").asText()).isEqualTo("Billing Team <billing@shop.test>");
        assertThat(mail.get("to").asText()).isEqualTo("Bob Müller <bob@remote.test>");
        assertThat(mail.get("headers").get("X-Order").asText()).isEqualTo("42");
        assertThat(part(mail, "text/plain").get("text").asText()).contains("Hello Bob");
        assertThat(part(mail, "text/html").get("text").asText()).contains("<p>Hello Bob " + m + "</p>");
        assertThat(mail.get("parts")).anySatisfy(p -> assertThat(p.path("filename").asText())
                .isEqualTo("rechnung-ä.txt"));
        assertThat(mail.get("message_id").asText()).contains(r.at("/response/MessageID").asText());
    }

    @Test
    void postmarksBatchSendsEachMessageAndAnswersEach() throws Exception {
        String m = marker();
        JsonNode r = node("postmark-batch", key, m);

        assertThat(r.get("ok").asBoolean()).as(r.toString()).isTrue();
        assertThat(r.get("response")).hasSize(2).allSatisfy(x -> assertThat(x.get("ErrorCode").asInt()).isZero());
        assertThat(arrived(m, 2)).extracting(x -> x.get("subject").asText())
                .containsExactlyInAnyOrder(m + " one", m + " two");
    }

    @Test
    void postmarksTemplateSendRendersATemplateFromTheConfigDirectory() throws Exception {
        String m = marker();
        JsonNode r = node("postmark-template", key, m);

        assertThat(r.get("ok").asBoolean()).as(r.toString()).isTrue();
        JsonNode mail = arrived(m, 1).get(0);
        assertThat(mail.get("subject").asText()).isEqualTo("Welcome Bob (" + m + ")");
        assertThat(part(mail, "text/plain").get("text").asText()).isEqualTo("Hello Bob, welcome aboard.\n");
        assertThat(part(mail, "text/html").get("text").asText()).isEqualTo("<p>Hello <b>Bob</b></p>");
    }

    @Test
    void postmarksClientSeesAPostmarkErrorForASenderTheKeyMayNotUse() throws Exception {
        String m = marker();
        JsonNode r = node("postmark-bad-sender", key, m);

        assertThat(r.get("ok").asBoolean()).isFalse();
        assertThat(r.get("status").asInt()).as(r.toString()).isEqualTo(422);
        assertThat(r.get("code").asInt()).isEqualTo(400); // Postmark's ErrorCode for a sender signature problem
        assertThat(r.get("message").asText()).contains("ceo@bank.test");
        assertThat(files(m)).isEmpty();
    }

    @Test
    void postmarksClientSeesItsInactiveRecipientsErrorForASuppressedAddress() throws Exception {
        Curl.Response added = Curl.request("POST", hub.url("/admin/v1/suppressions")).option("-u", "olga:operator pass")
                .json("{\"address\": \"gone@remote.test\", \"reason\": \"hard bounce elsewhere\"}").send();
        assertThat(added.status()).as(added.body()).isEqualTo(200);
        String m = marker();
        JsonNode r = node("postmark-inactive", key, m);

        assertThat(r.get("ok").asBoolean()).isFalse();
        assertThat(r.get("status").asInt()).as(r.toString()).isEqualTo(422);
        assertThat(r.get("code").asInt()).isEqualTo(406);
        assertThat(r.get("error").asText()).isEqualTo("InactiveRecipientsError");
        assertThat(r.get("recipients")).extracting(JsonNode::asText).containsExactly("gone@remote.test");
        assertThat(files(m)).isEmpty();
    }

    @Test
    void postmarksClientAddsListsAndDeletesSuppressionsAndAKeyScopedToSendingMayNot() throws Exception {
        String m = marker();
        JsonNode r = node("postmark-suppressions", key, m);

        assertThat(r.get("ok").asBoolean()).as(r.toString()).isTrue();
        assertThat(r.at("/added/Suppressions/0/EmailAddress").asText()).isEqualTo(m + "@remote.test");
        assertThat(r.at("/added/Suppressions/0/Status").asText()).isEqualTo("Suppressed");
        assertThat(r.at("/added/Suppressions/1/Status").asText()).isEqualTo("Failed");
        assertThat(r.at("/added/Suppressions/1/Message").asText()).isEqualTo("An invalid email address was provided.");
        assertThat(r.at("/listed/Suppressions")).filteredOn(s -> s.get("EmailAddress").asText().equals(
                m + "@remote.test")).singleElement().satisfies(s -> {
                    assertThat(s.get("SuppressionReason").asText()).isEqualTo("ManualSuppression");
                    assertThat(s.get("Origin").asText()).isEqualTo("Customer");
                });
        assertThat(r.at("/deleted/Suppressions/0/Status").asText()).isEqualTo("Deleted");
        assertThat(r.at("/after/Suppressions")).noneMatch(s -> s.get("EmailAddress").asText().startsWith(m));

        String sendOnly = HubProcess.createApiKey(hub.workDir().resolve("api-keys"), "shop-send", "--from",
                "@shop.test", "--scope", "send");
        await().atMost(Duration.ofSeconds(10)).until(() -> Curl.request("GET", // the keys file is read again
                hub.url("/message-streams/outbound/suppressions/dump")).header("X-Postmark-Server-Token", sendOnly)
                .send().status() != 401);
        JsonNode refused = node("postmark-suppressions", sendOnly, marker());
        assertThat(refused.get("ok").asBoolean()).isFalse();
        assertThat(refused.get("status").asInt()).as(refused.toString()).isEqualTo(422);
        assertThat(refused.get("message").asText()).contains("may not manage the suppression list");
    }

    @Test
    void sendGridsClientReadsTheBounceListAndDeletesAnAddressFromIt() throws Exception {
        String m = marker();
        Curl.Response added = Curl.request("POST", hub.url("/admin/v1/suppressions")).option("-u", "olga:operator pass")
                .json("{\"address\": \"" + m + "@remote.test\", \"reason\": \"550 5.1.1 no such user\"}").send();
        assertThat(added.status()).as(added.body()).isEqualTo(200);

        JsonNode r = node("sendgrid-bounces", key, m);

        assertThat(r.get("ok").asBoolean()).as(r.toString()).isTrue();
        assertThat(r.get("listed")).filteredOn(b -> b.get("email").asText().equals(m + "@remote.test"))
                .singleElement().satisfies(b -> {
                    assertThat(b.get("reason").asText()).isEqualTo("550 5.1.1 no such user");
                    assertThat(b.get("status").asText()).isEqualTo("5.2.1");
                    assertThat(b.get("created").asLong()).isPositive();
                });
        assertThat(r.get("one")).hasSize(1);
        assertThat(r.get("deleteStatus").asInt()).isEqualTo(204);
        assertThat(r.get("after")).noneMatch(b -> b.get("email").asText().equals(m + "@remote.test"));
    }

    @Test
    void mailgunsClientAddsReadsAndRemovesABounce() throws Exception {
        String m = marker();
        JsonNode r = node("mailgun-bounces", key, m);

        assertThat(r.get("ok").asBoolean()).as(r.toString()).isTrue();
        assertThat(r.at("/created/message").asText()).isEqualTo("Address has been added to the bounces table");
        assertThat(r.get("listed")).filteredOn(b -> b.get("address").asText().equals(m + "@remote.test"))
                .singleElement().satisfies(b -> assertThat(b.get("error").asText()).isEqualTo("gone"));
        assertThat(r.at("/one/address").asText()).isEqualTo(m + "@remote.test");
        assertThat(r.at("/destroyed/message").asText()).isEqualTo("Bounced address has been removed");
        assertThat(r.get("after")).noneMatch(b -> b.get("address").asText().equals(m + "@remote.test"));
    }

    @Test
    void badRequestsToTheSuppressionEndpointsGetEachProvidersErrorShape() throws Exception {
        Curl.Response postmarkEmpty = Curl.request("POST", hub.url("/message-streams/outbound/suppressions"))
                .header("X-Postmark-Server-Token", key).json("{\"Suppressions\": []}").send();
        assertThat(postmarkEmpty.status()).as("Postmark's status for request problems: " + postmarkEmpty.body())
                .isEqualTo(422);
        assertThat(new ObjectMapper().readTree(postmarkEmpty.body()).get("ErrorCode").asInt()).isEqualTo(300);
        assertThat(postmarkEmpty.body()).contains("a non-empty array of {\\\"EmailAddress\\\": ...} is expected");

        Curl.Response sendGridBadJson = Curl.request("DELETE", hub.url("/v3/suppression/bounces")).bearer(key)
                .json("{\"emails\": [").send();
        assertThat(sendGridBadJson.status()).as(sendGridBadJson.body()).isEqualTo(400);
        assertThat(new ObjectMapper().readTree(sendGridBadJson.body()).at("/errors/0/message").asText()).isNotEmpty();

        Curl.Response mailgunNoAddress = Curl.request("POST", hub.url("/v3/shop.test/bounces"))
                .option("-u", "api:" + key).option("-F", "error=gone").send();
        assertThat(mailgunNoAddress.status()).as(mailgunNoAddress.body()).isEqualTo(400);
        assertThat(new ObjectMapper().readTree(mailgunNoAddress.body()).get("message").asText())
                .startsWith("address: missing");

        Curl.Response mailgunUnknown = Curl.request("DELETE", hub.url("/v3/shop.test/bounces/nobody@remote.test"))
                .option("-u", "api:" + key).send();
        assertThat(mailgunUnknown.status()).isEqualTo(404);
        assertThat(mailgunUnknown.body()).contains("Address not found in bounces table");
    }

    @Test
    void postmarksTestTokenValidatesWithoutSending() throws Exception {
        String m = marker();
        JsonNode r = node("postmark", "POSTMARK_API_TEST", m);

        assertThat(r.get("ok").asBoolean()).as(r.toString()).isTrue();
        assertThat(r.at("/response/ErrorCode").asInt()).isZero();
        String after = marker();
        node("postmark", key, after);
        arrived(after, 1);
        assertThat(files(m)).isEmpty();
    }

    @Test
    void sendGridsClientSendsOneMessagePerPersonalization() throws Exception {
        String m = marker();
        JsonNode r = node("sendgrid", key, m);

        assertThat(r.get("ok").asBoolean()).as(r.toString()).isTrue();
        assertThat(r.get("status").asInt()).isEqualTo(202);
        assertThat(r.get("messageId").asText()).isNotBlank();
        List<JsonNode> mails = arrived(m, 2);
        assertThat(mails).extracting(x -> x.get("subject").asText())
                .containsExactlyInAnyOrder("SendGrid " + m, "SendGrid " + m + " for Dave");
        assertThat(mails).extracting(x -> x.get("rcpt").get(0).asText())
                .containsExactlyInAnyOrder("carol@remote.test", "dave@remote.test");
        assertThat(mails).allSatisfy(x -> {
            assertThat(part(x, "text/html").get("text").asText()).isEqualTo("<b>Hi " + m + "</b>");
            assertThat(x.get("parts")).anySatisfy(p -> assertThat(p.path("filename").asText()).isEqualTo("report.txt"));
        });
    }

    @Test
    void sendGridsClientSeesSendGridsErrorShapeForASenderTheKeyMayNotUse() throws Exception {
        String m = marker();
        JsonNode r = node("sendgrid-bad", key, m);

        assertThat(r.get("ok").asBoolean()).isFalse();
        assertThat(r.get("status").asInt()).as(r.toString()).isEqualTo(403);
        assertThat(r.at("/body/errors/0/message").asText()).isEqualTo("<ceo@bank.test> is not allowed for this key");
        assertThat(r.at("/body/errors/0/field").asText()).isEqualTo("from");
        assertThat(files(m)).isEmpty();
    }

    @Test
    void mailgunsClientSendsAFormWithHeadersVariablesAndAnAttachment() throws Exception {
        String m = marker();
        JsonNode r = node("mailgun", key, m);

        assertThat(r.get("ok").asBoolean()).as(r.toString()).isTrue();
        assertThat(r.at("/response/message").asText()).isEqualTo("Queued. Thank you.");
        JsonNode mail = arrived(m, 1).get(0);
        assertThat(mail.get("subject").asText()).isEqualTo("Mailgun " + m);
        assertThat(mail.get("headers").get("X-Campaign").asText()).isEqualTo("autumn");
        assertThat(part(mail, "text/html").get("text").asText()).isEqualTo("<i>Hello " + m + "</i>");
        assertThat(mail.get("parts")).anySatisfy(p -> assertThat(p.path("filename").asText()).isEqualTo("notes.txt"));
        assertThat(mail.get("message_id").asText()).isEqualTo(r.at("/response/id").asText());
    }

    @Test
    void mailgunsClientSendsARawMimeMessage() throws Exception {
        String m = marker();
        JsonNode r = node("mailgun-mime", key, m);

        assertThat(r.get("ok").asBoolean()).as(r.toString()).isTrue();
        JsonNode mail = arrived(m, 1).get(0);
        assertThat(mail.get("subject").asText()).isEqualTo("MIME " + m);
        assertThat(mail.get("rcpt")).extracting(JsonNode::asText).containsExactly("erin@remote.test");
    }
}
