package io.mailhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The native HTTP send API of the packaged hub, called with curl; what reaches the next hop (Postfix's smtp-sink) is
 * read back with Python's email package, an independent parser. Keys are made with the hub's own api-key command.
 */
class HttpApiIT {

    static SmtpSink sink;
    static HubProcess hub;
    static String shop;
    static String limited;
    static String small;
    static String other;

    @BeforeAll
    static void start() throws Exception {
        sink = SmtpSink.onFreePort().start();
        Path dir = HubProcess.itDir("http-api");
        Path keys = dir.resolve("api-keys");
        shop = HubProcess.createApiKey(keys, "shop", "--from", "@shop.test,news@mail.shop.test", "--send-at");
        limited = HubProcess.createApiKey(keys, "limited", "--from", "@shop.test", "--rate", "2/h");
        small = HubProcess.createApiKey(keys, "small", "--from", "@shop.test", "--max-size", "20k");
        other = HubProcess.createApiKey(keys, "other", "--from", "@other.test");
        Path templates = Files.createDirectories(dir.resolve("config/templates"));
        Files.writeString(templates.resolve("receipt.subject"), "Receipt {{number}} for {{name}}");
        Files.writeString(templates.resolve("receipt.text"), "Dear {{name}},\nyour receipt {{number}}.\n");
        hub = new HubProcess(dir)
                .set("mailhub.relay.smarthost", "127.0.0.1:" + sink.port)
                .set("mailhub.api.keys-file", keys)
                .set("mailhub.https.port", Ports.free())
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        Started.closeAll(hub, sink);
    }

    static Curl post(String path, String key) {
        return Curl.request("POST", hub.url(path)).bearer(key);
    }

    static String marker() {
        return "m" + UUID.randomUUID().toString().replace("-", "");
    }

    static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** The Python view of the one message at the next hop whose content holds {@code marker}. */
    static JsonNode arrived(String marker) throws Exception {
        Path file = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> sink.files().stream().filter(f -> contains(f, marker)).findFirst(),
                        java.util.Optional::isPresent).get();
        return PythonEmail.parse(file);
    }

    static boolean contains(Path file, String marker) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1).contains(marker);
        } catch (java.io.IOException e) {
            return false;
        }
    }

    static long arrivals(String marker) {
        return sink.files().stream().filter(f -> contains(f, marker)).count();
    }

    @Test
    void aMessageWithNonAsciiNamesSubjectAndFileNamesArrivesAsAnIndependentParserReadsIt() throws Exception {
        String m = marker();
        Curl.Response r = post("/api/v1/messages", shop).json("""
                {"from": {"email": "billing@shop.test", "name": "Jörg Müller, Billing"},
                 "to": ["Zoë Ünal <zoe@remote.test>"], "cc": "carl@remote.test", "bcc": ["audit@remote.test"],
                 "reply_to": "help@shop.test",
                 "subject": "Grüße – your invoice %s is ready ✓",
                 "text": "Hello Zoë,\\nthe invoice is attached.\\n%s",
                 "html": "<p>Hello Zoë, <img src=\\"cid:logo@shop.test\\"> the invoice is attached.</p>",
                 "headers": {"X-Order": "4711"},
                 "attachments": [
                   {"filename": "Rechnung März.txt", "content_type": "text/plain", "content": "%s"},
                   {"content_id": "logo@shop.test", "content_type": "image/png", "content": "iVBORw0KGgo="}]}
                """.formatted(m, m, base64("invoice " + m + "\n")))
                .send();

        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        JsonNode body = r.json();
        assertThat(r.header("Location")).isEqualTo("/api/v1/messages/" + body.get("id").asText());
        assertThat(body.get("accepted")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("zoe@remote.test", "carl@remote.test", "audit@remote.test");
        assertThat(body.get("rejected")).isEmpty();

        JsonNode mail = arrived(m);
        assertThat(mail.get("defects")).as("parser defects").isEmpty();
        assertThat(mail.get("subject").asText()).isEqualTo("Grüße – your invoice " + m + " is ready ✓");
        assertThat(mail.get("from").asText()).isEqualTo("\"Jörg Müller, Billing\" <billing@shop.test>");
        assertThat(mail.get("to").asText()).isEqualTo("Zoë Ünal <zoe@remote.test>");
        assertThat(mail.get("bcc").isNull()).as("Bcc is not in the header").isTrue();
        assertThat(mail.get("rcpt")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("zoe@remote.test", "carl@remote.test", "audit@remote.test");
        assertThat(mail.get("message_id").asText()).isEqualTo("<" + body.get("message_id").asText() + ">");
        assertThat(mail.get("headers").get("X-Order").asText()).isEqualTo("4711");
        List<JsonNode> parts = StreamSupport.stream(mail.get("parts").spliterator(), false).toList();
        assertThat(parts).extracting(p -> p.get("type").asText()).containsExactly("multipart/mixed",
                "multipart/alternative", "text/plain", "multipart/related", "text/html", "image/png", "text/plain");
        assertThat(parts.get(2).get("text").asText()).contains("Hello Zoë,\nthe invoice is attached.");
        assertThat(parts.get(5).get("content_id").asText()).isEqualTo("<logo@shop.test>");
        assertThat(parts.get(6).get("filename").asText()).isEqualTo("Rechnung März.txt");
        assertThat(parts.get(6).get("text").asText()).isEqualTo("invoice " + m + "\n");
    }

    @Test
    void aRecipientInAnInternationalizedDomainIsWrittenAsAnALabelInEnvelopeAndHeader() throws Exception {
        String m = marker();
        Curl.Response r = post("/api/v1/messages", shop).json("""
                {"from": "news@mail.shop.test", "to": "kunde@bücher.test", "subject": "%s", "text": "plain ascii"}
                """.formatted(m)).send();

        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        JsonNode mail = arrived(m);
        assertThat(mail.get("rcpt")).extracting(JsonNode::asText).containsExactly("kunde@xn--bcher-kva.test");
        assertThat(mail.get("to").asText()).as("an ASCII message names the domain by its A-label")
                .isEqualTo("kunde@xn--bcher-kva.test");
    }

    @Test
    void aTemplateIsRenderedForEachRecipientWithItsOwnModel() throws Exception {
        String m = marker();
        Curl.Response r = post("/api/v1/messages", shop).json("""
                {"from": "billing@shop.test", "template": {"id": "receipt", "model": {"number": "%s"}},
                 "recipients": [{"email": "ann@remote.test", "model": {"name": "Ann"}},
                                {"email": "ben@remote.test", "model": {"name": "Ben"}}]}
                """.formatted(m)).send();

        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        assertThat(r.json().get("messages")).hasSize(2);
        await().atMost(Duration.ofSeconds(30)).until(() -> arrivals(m) == 2);
        JsonNode both = PythonEmail.parseAll(sink.files().stream().filter(f -> contains(f, m)).toList());
        assertThat(both).extracting(n -> n.get("subject").asText())
                .containsExactlyInAnyOrder("Receipt " + m + " for Ann", "Receipt " + m + " for Ben");
        assertThat(both).allSatisfy(n -> assertThat(n.get("rcpt")).hasSize(1));
    }

    @Test
    void theRawEndpointTakesBareLineFeedsAndRemovesBccWhileKeepingItsRecipient() throws Exception {
        String m = marker();
        String message = "From: Billing <billing@shop.test>\nTo: ann@remote.test\nBcc: boss@remote.test\n"
                + "Subject: raw " + m + "\n\nline one\nline two\n";
        Curl.Response r = post("/api/v1/messages/raw", shop).header("Content-Type", "message/rfc822")
                .data(message).send();

        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        JsonNode mail = arrived(m);
        assertThat(mail.get("bcc").isNull()).isTrue();
        assertThat(mail.get("rcpt")).extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("ann@remote.test", "boss@remote.test");
        assertThat(mail.get("parts").get(0).get("text").asText()).isEqualTo("line one\nline two\n");
    }

    @Test
    void theRawEndpointTakesTheEnvelopeFromMailFromAndRcptToHeaders() throws Exception {
        String m = marker();
        Curl.Response r = post("/api/v1/messages/raw", shop).header("Content-Type", "message/rfc822")
                .header("Mail-From", "bounces@shop.test").header("Rcpt-To", "x@remote.test, y@remote.test")
                .header("Rcpt-To", "z@remote.test")
                .data("From: billing@shop.test\r\nTo: list@shop.test\r\nSubject: " + m + "\r\n\r\nhi\r\n").send();

        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        SinkMessage arrived = sink.awaitMessage(m);
        assertThat(arrived.sender()).isEqualTo("bounces@shop.test");
        assertThat(arrived.recipients()).containsExactlyInAnyOrder("x@remote.test", "y@remote.test", "z@remote.test");
    }

    @Test
    void aBatchAnswersEachItemInRequestOrderAndSendsOnlyTheGoodOnes() throws Exception {
        String m = marker();
        Curl.Response r = post("/api/v1/messages/batch", shop).json("""
                {"messages": [
                  {"from": "billing@shop.test", "to": "a@remote.test", "subject": "%s 0", "text": "x"},
                  {"from": "ceo@bank.test", "to": "b@remote.test", "subject": "%s 1", "text": "x"},
                  {"from": "billing@shop.test", "to": "c@remote.test", "subject": "%s 2", "text": "x", "colour": 1},
                  {"from": "billing@shop.test", "to": "d@remote.test", "subject": "%s 3", "text": "x"}]}
                """.formatted(m, m, m, m)).send();

        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        JsonNode results = r.json().get("results");
        assertThat(results).extracting(n -> n.get("status").asInt()).containsExactly(202, 403, 400, 202);
        assertThat(results.get(1).get("error").get("enhanced_status").asText()).isEqualTo("5.7.1");
        assertThat(results.get(2).get("error").get("errors").get(0).get("field").asText())
                .isEqualTo("messages[2].colour");
        await().atMost(Duration.ofSeconds(30)).until(() -> arrivals(m) == 2);
        assertThat(sink.messages().stream().filter(s -> s.content().contains(m)).map(s -> s.header("Subject")))
                .containsExactlyInAnyOrder(m + " 0", m + " 3");
    }

    @Test
    void theStatusOfASentMessageShowsItsDeliveryAndIsHiddenFromOtherKeys() throws Exception {
        String m = marker();
        String id = post("/api/v1/messages", shop).json("""
                {"from": "billing@shop.test", "to": "ann@remote.test", "subject": "%s", "text": "x"}
                """.formatted(m)).send().json().get("id").asText();
        sink.awaitMessage(m);

        JsonNode status = await().atMost(Duration.ofSeconds(30)).until(
                () -> Curl.request("GET", hub.url("/api/v1/messages/" + id)).bearer(shop).send().json(),
                s -> "delivered".equals(s.path("state").asText()));
        assertThat(status.get("events").get(0).get("recipient").asText()).isEqualTo("ann@remote.test");
        assertThat(status.get("events").get(0).get("status").asText()).isEqualTo("2.0.0");

        Curl.Response foreign = Curl.request("GET", hub.url("/api/v1/messages/" + id)).bearer(other).send();
        assertThat(foreign.status()).isEqualTo(404);
        assertThat(foreign.header("Content-Type")).startsWith("application/problem+json");
    }

    @Test
    void aSandboxSendReturnsTheMessageAndDeliversNothing() throws Exception {
        String m = marker();
        Curl.Response r = post("/api/v1/messages", shop).json("""
                {"from": "billing@shop.test", "to": "ann@remote.test", "subject": "%s", "text": "x", "sandbox": true}
                """.formatted(m)).send();

        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        assertThat(r.json().get("sandbox").asBoolean()).isTrue();
        assertThat(r.json().get("message").asText()).contains("Subject: " + m).contains("\r\n");
        String after = marker(); // a real send after it: once that has arrived, the sandbox one would have too
        post("/api/v1/messages", shop).json("""
                {"from": "billing@shop.test", "to": "ann@remote.test", "subject": "%s", "text": "x"}
                """.formatted(after)).send();
        sink.awaitMessage(after);
        assertThat(arrivals(m)).isZero();
    }

    @Test
    void anIdempotencyKeyGivesTheFirstAnswerAgainAndSendsOnce() throws Exception {
        String m = marker();
        String key = UUID.randomUUID().toString();
        String body = """
                {"from": "billing@shop.test", "to": "ann@remote.test", "subject": "%s", "text": "x"}
                """.formatted(m);
        Curl.Response first = post("/api/v1/messages", shop).header("Idempotency-Key", key).json(body).send();
        Curl.Response again = post("/api/v1/messages", shop).header("Idempotency-Key", key).json(body).send();
        Curl.Response changed = post("/api/v1/messages", shop).header("Idempotency-Key", key)
                .json(body.replace("ann@", "bob@")).send();
        Curl.Response otherKey = post("/api/v1/messages", other).header("Idempotency-Key", key)
                .json(body.replace("billing@shop.test", "x@other.test")).send();

        assertThat(first.status()).isEqualTo(202);
        assertThat(first.header("Idempotent-Replay")).isNull();
        assertThat(again.status()).isEqualTo(202);
        assertThat(again.header("Idempotent-Replay")).isEqualTo("true");
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(again.header("Location")).isEqualTo(first.header("Location"));
        assertThat(changed.status()).isEqualTo(422);
        assertThat(changed.json().get("type").asText()).endsWith("/idempotency-key-reused");
        assertThat(otherKey.status()).as("keys are per API key").isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> arrivals(m) == 2);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() -> arrivals(m) == 2);
    }

    @Test
    void theHttpsPortServesTheSameApi() throws Exception {
        String m = marker();
        int httpsPort = Integer.parseInt(hub.command().stream().filter(a -> a.startsWith("-Dmailhub.https.port="))
                .findFirst().orElseThrow().substring("-Dmailhub.https.port=".length()));
        Curl.Response r = Curl.request("POST", "https://127.0.0.1:" + httpsPort + "/api/v1/messages").option("-k")
                .header("X-Api-Key", shop).json("""
                        {"from": "billing@shop.test", "to": "ann@remote.test", "subject": "%s", "text": "x"}
                        """.formatted(m)).send();

        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        sink.awaitMessage(m);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            malformed JSON             | {"from": "billing@shop.test",                                          | 400 | invalid-request        | 5.5.2 |
            a body that is not an object | ["billing@shop.test"]                                                | 400 | invalid-request        | 5.5.2 |
            an unknown field           | {"from": "billing@shop.test", "to": "a@remote.test", "text": "x", "colour": "red"} | 400 | invalid-request | 5.5.2 | colour
            a wrong type               | {"from": "billing@shop.test", "to": "a@remote.test", "text": "x", "subject": 42} | 400 | invalid-request | 5.5.2 | subject
            bad base64                 | {"from": "billing@shop.test", "to": "a@remote.test", "text": "x", "attachments": [{"filename": "a.txt", "content": "!!!"}]} | 400 | invalid-request | 5.5.2 | attachments[0].content
            no recipient               | {"from": "billing@shop.test", "to": [], "text": "x"}                   | 422 | no-recipients          | 5.5.1 |
            a bad address              | {"from": "billing@shop.test", "to": "not an address", "text": "x"}     | 422 | invalid-address        | 5.1.3 | to
            a sender the key may not use | {"from": "ceo@bank.test", "to": "a@remote.test", "text": "x"}        | 403 | sender-not-allowed     | 5.7.1 |
            a header of the hub        | {"from": "billing@shop.test", "to": "a@remote.test", "text": "x", "headers": {"MailhubRoute": "x"}} | 400 | invalid-request | 5.5.2 | headers.MailhubRoute
            a route without the scope  | {"from": "billing@shop.test", "to": "a@remote.test", "text": "x", "route": "fast"} | 403 | scope-not-allowed | 5.7.1 |
            a delivery time too far ahead | {"from": "billing@shop.test", "to": "a@remote.test", "text": "x", "send_at": "2100-01-01T00:00:00Z"} | 422 | send-at-too-late | 5.5.4 | send_at
            """)
    void aRequestThatCannotBeSentGetsAPreciseProblem(String what, String json, int status, String type,
            String enhanced, String field) throws Exception {
        Curl.Response r = post("/api/v1/messages", shop).json(json).send();

        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        JsonNode p = r.json();
        assertThat(p.get("type").asText()).isEqualTo("/problems/" + type);
        assertThat(p.get("status").asInt()).isEqualTo(status);
        assertThat(p.get("title").asText()).isNotBlank();
        assertThat(p.get("detail").asText()).isNotBlank();
        assertThat(p.get("enhanced_status").asText()).isEqualTo(enhanced);
        if (field != null) {
            assertThat(p.get("errors")).extracting(e -> e.get("field").asText()).contains(field);
        }
        assertThat(Curl.request("GET", hub.url(p.get("type").asText())).send().status())
                .as("the problem type is described at its URL").isEqualTo(200);
    }

    @Test
    void refusalsBeforeTheAcceptanceStageAreCountedOnceInTheRejectionsMetric() throws Exception {
        Scrape before = Scrape.of(hub);
        assertThat(post("/api/v1/messages", shop).json("{\"from\": ").send().status()).isEqualTo(400);
        assertThat(post("/api/v1/messages", shop + "x").json("{}").send().status()).isEqualTo(401);
        assertThat(post("/api/v1/messages", shop).json("""
                {"from": "someone@elsewhere.test", "to": "a@remote.test", "text": "x"}
                """).send().status()).isEqualTo(403);

        Scrape after = Scrape.of(hub);
        assertThat(after.sumOrZero("mailhub_rejections_total", "door", "http", "code", "400", "reason", "5.5.2")
                - before.sumOrZero("mailhub_rejections_total", "door", "http", "code", "400", "reason", "5.5.2"))
                .as("malformed JSON").isEqualTo(1);
        assertThat(after.sumOrZero("mailhub_rejections_total", "door", "http", "code", "401")
                - before.sumOrZero("mailhub_rejections_total", "door", "http", "code", "401"))
                .as("a wrong key").isEqualTo(1);
        assertThat(after.sumOrZero("mailhub_rejections_total", "door", "http", "reason", "5.7.1")
                - before.sumOrZero("mailhub_rejections_total", "door", "http", "reason", "5.7.1"))
                .as("a sender the key may not use").isEqualTo(1);
        assertThat(after.sumOrZero("mailhub_rejections_total", "door", "http", "code", "403", "reason", "5.7.1")
                - before.sumOrZero("mailhub_rejections_total", "door", "http", "code", "403", "reason", "5.7.1"))
                .as("counted with the SMTP door's reply code, not the HTTP status").isZero();
    }

    @Test
    void aMissingOrWrongKeyIs401AndNeverSends() throws Exception {
        String m = marker();
        String json = """
                {"from": "billing@shop.test", "to": "a@remote.test", "subject": "%s", "text": "x"}
                """.formatted(m);
        Curl.Response none = Curl.request("POST", hub.url("/api/v1/messages")).json(json).send();
        Curl.Response wrong = post("/api/v1/messages", shop + "x").json(json).send();

        assertThat(none.status()).isEqualTo(401);
        assertThat(none.header("WWW-Authenticate")).startsWith("Bearer");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.json().get("enhanced_status").asText()).isEqualTo("5.7.8");
        String after = marker();
        post("/api/v1/messages", shop).json(json.replace(m, after)).send();
        sink.awaitMessage(after);
        assertThat(arrivals(m)).isZero();
    }

    @Test
    void aBodyThatIsNotJsonIs415() throws Exception {
        Curl.Response r = post("/api/v1/messages", shop).header("Content-Type", "text/plain").data("hello").send();

        assertThat(r.status()).isEqualTo(415);
        assertThat(r.json().get("type").asText()).isEqualTo("/problems/unsupported-media-type");
    }

    @Test
    void aMessageOverTheKeysSizeLimitIs413() throws Exception {
        String big = base64("x".repeat(30_000));
        Curl.Response r = post("/api/v1/messages", small).json("""
                {"from": "billing@shop.test", "to": "a@remote.test", "text": "x",
                 "attachments": [{"filename": "big.bin", "content": "%s"}]}
                """.formatted(big)).send();

        assertThat(r.status()).as(r.toString()).isEqualTo(413);
        assertThat(r.json().get("enhanced_status").asText()).isEqualTo("5.3.4");
    }

    @Test
    void aKeyOverItsRateGets429WithRetryAfterAndRateLimitHeaders() throws Exception {
        String json = """
                {"from": "billing@shop.test", "to": "a@remote.test", "subject": "rate", "text": "x", "sandbox": true}
                """;
        Curl.Response r = null;
        for (int i = 0; i < 3; i++) {
            r = post("/api/v1/messages", limited).json(json).send();
        }

        assertThat(r.status()).as(r.toString()).isEqualTo(429);
        // a sliding window over the last hour: the next message may fit up to two hours later
        assertThat(Long.parseLong(r.header("Retry-After"))).isBetween(1L, 7200L);
        assertThat(r.header("RateLimit-Limit")).isEqualTo("2");
        assertThat(r.header("RateLimit-Remaining")).isEqualTo("0");
        assertThat(r.header("RateLimit-Reset")).isEqualTo(r.header("Retry-After"));
        assertThat(r.json().get("type").asText()).isEqualTo("/problems/rate-limited");
    }

    @Test
    void aRequestOfMoreMessagesThanTheKeysHourlyRateIsA422NotAnEndless429() throws Exception {
        String json = """
                {"from": "billing@shop.test", "subject": "rate", "text": "x", "sandbox": true,
                 "recipients": [{"email": "a@remote.test"}, {"email": "b@remote.test"}, {"email": "c@remote.test"}]}
                """;

        Curl.Response r = post("/api/v1/messages", limited).json(json).send();

        assertThat(r.status()).as(r.toString()).isEqualTo(422);
        assertThat(r.header("Retry-After")).isNull();
        assertThat(r.json().get("type").asText()).isEqualTo("/problems/over-rate-limit");
        assertThat(r.json().get("enhanced_status").asText()).isEqualTo("5.5.3");
        assertThat(r.json().get("detail").asText()).contains("3 messages").contains("2 per hour");
    }

    @Test
    void anUnknownPathIsAProblem404() throws Exception {
        Curl.Response r = post("/api/v1/letters", shop).json("{}").send();

        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().get("type").asText()).isEqualTo("/problems/not-found");
    }

    @Test
    void sendGridPersonalizationsShareALargeAttachmentAndAreRefusedTogether() throws Exception {
        String m = marker();
        String big = base64("attachment " + m + "\n" + "y".repeat(300_000)); // spooled to a file, not kept in memory
        String request = """
                {"from": {"email": "billing@shop.test"}, "subject": "%s", "content": [{"type": "text/plain", "value": "x"}],
                 "attachments": [{"content": "%s", "filename": "big.txt", "type": "text/plain"}],
                 "personalizations": [{"to": [{"email": "p1@remote.test"}]}, {"to": [{"email": "p2@remote.test"}]%s}]}
                """;
        Curl.Response refused = post("/v3/mail/send", shop).json(request.formatted(m, big,
                ", \"send_at\": 4102444800")).send(); // 2100, too far ahead: the second one cannot be sent
        Curl.Response sent = post("/v3/mail/send", shop).json(request.formatted(m, big, "")).send();

        assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
        assertThat(refused.json().get("errors").get(0).get("field").asText()).isEqualTo("send_at");
        assertThat(sent.status()).as(sent.toString()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> arrivals(m) >= 2);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() -> arrivals(m) == 2);
        JsonNode both = PythonEmail.parseAll(sink.files().stream().filter(f -> contains(f, m)).toList());
        assertThat(both).extracting(n -> n.get("rcpt").get(0).asText())
                .containsExactlyInAnyOrder("p1@remote.test", "p2@remote.test");
        assertThat(both).allSatisfy(n -> assertThat(n.get("parts")).anySatisfy(p -> {
            assertThat(p.path("filename").asText()).isEqualTo("big.txt");
            assertThat(p.path("text").asText()).hasSize(("attachment " + m + "\n").length() + 300_000);
        }));
    }

    @Test
    void aRawMessageWhoseFromTheKeyMayNotUseIsRefusedWhateverItsEnvelope() throws Exception {
        String m = marker();
        Curl.Response r = post("/api/v1/messages/raw", shop).header("Content-Type", "message/rfc822")
                .header("Mail-From", "billing@shop.test").header("Rcpt-To", "a@remote.test")
                .data("From: ceo@bank.test\r\nSubject: " + m + "\r\n\r\nx\r\n").send();

        assertThat(r.status()).as(r.toString()).isEqualTo(403);
        assertThat(r.json().get("errors").get(0).get("field").asText()).isEqualTo("From");
        assertThat(arrivals(m)).isZero();
    }

    @Test
    void mailgunsFormTakesReplyToFromItsHeaderAndTestModeSendsNothing() throws Exception {
        String m = marker();
        Path mime = Files.createTempFile("mailgun", ".eml");
        Files.writeString(mime, "From: billing@shop.test\r\nSubject: test " + m + "\r\n\r\nx\r\n");
        Curl.Response test = Curl.request("POST", hub.url("/v3/shop.test/messages.mime")).option("-u", "api:" + shop)
                .option("-F", "to=a@remote.test", "-F", "o:testmode=yes", "-F", "message=@" + mime).send();
        Curl.Response sent = Curl.request("POST", hub.url("/v3/shop.test/messages")).option("-u", "api:" + shop)
                .option("-F", "from=billing@shop.test", "-F", "to=a@remote.test", "-F", "subject=" + m,
                        "-F", "text=x", "-F", "h:Reply-To=Help <help@shop.test>").send();

        assertThat(test.status()).as(test.toString()).isEqualTo(200);
        assertThat(test.json().get("message").asText()).isEqualTo("Test mode: not sent.");
        assertThat(sent.status()).as(sent.toString()).isEqualTo(200);
        JsonNode mail = arrived(m);
        assertThat(mail.get("reply_to").asText()).isEqualTo("Help <help@shop.test>");
        assertThat(arrivals("test " + m)).isZero();
    }

    @Test
    void postmarksTestTokenTakesOnlySmallRequests() throws Exception {
        String big = base64("z".repeat(1_200_000));
        Curl.Response r = Curl.request("POST", hub.url("/email")).header("X-Postmark-Server-Token", "POSTMARK_API_TEST")
                .header("Accept", "application/json").json("""
                        {"From": "billing@shop.test", "To": "a@remote.test", "TextBody": "x",
                         "Attachments": [{"Name": "big.bin", "Content": "%s", "ContentType": "application/octet-stream"}]}
                        """.formatted(big)).send();

        assertThat(r.status()).as(r.toString()).isEqualTo(422);
        assertThat(r.json().get("ErrorCode").asInt()).isEqualTo(300);
    }
}
