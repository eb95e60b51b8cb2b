package io.mailhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/openapi.yaml against the packaged hub: every kind of answer the native API gives, success and problem, is
 * documented for its operation and status, with its headers, and its body fits the document's schema; the requests
 * sent fit the request schemas.
 */
class OpenApiContractIT {

    static SmtpSink sink;
    static HubProcess hub;
    static OpenApiContract contract;
    static String shop;
    static String limited;
    static String small;

    @BeforeAll
    static void start() throws Exception {
        contract = OpenApiContract.load(Path.of("docs/openapi.yaml"));
        sink = SmtpSink.onFreePort().start();
        Path dir = HubProcess.itDir("openapi");
        Path keys = dir.resolve("api-keys");
        shop = HubProcess.createApiKey(keys, "shop", "--from", "@shop.test", "--send-at", "--route");
        limited = HubProcess.createApiKey(keys, "limited", "--from", "@shop.test", "--rate", "1/h");
        small = HubProcess.createApiKey(keys, "small", "--from", "@shop.test", "--max-size", "10k");
        hub = new HubProcess(dir).set("mailhub.relay.smarthost", "127.0.0.1:" + sink.port)
                .set("mailhub.api.keys-file", keys).start();
    }

    @AfterAll
    static void stop() throws Exception {
        Started.closeAll(hub, sink);
    }

    static Curl.Response post(String path, String key, String json) throws Exception {
        return Curl.request("POST", hub.url(path)).bearer(key).json(json).send();
    }

    /** Sends a request that fits the document and checks the answer against it. */
    static Curl.Response exchange(String path, String key, String json, int expected) throws Exception {
        contract.checkRequest("POST", path, json);
        Curl.Response r = post(path, key, json);
        assertThat(r.status()).as(r.toString()).isEqualTo(expected);
        contract.checkAnswer("POST", path, r);
        return r;
    }

    static String marker() {
        return "m" + UUID.randomUUID().toString().replace("-", "");
    }

    @Test
    void aMessageWithEveryKindOfFieldIsAcceptedAsDocumented() throws Exception {
        String m = marker();
        Curl.Response r = exchange("/api/v1/messages", shop, """
                {"from": {"email": "billing@shop.test", "name": "Billing"}, "to": ["ann@remote.test"],
                 "cc": [{"email": "cc@remote.test"}], "bcc": "audit@remote.test", "reply_to": "help@shop.test",
                 "subject": "%s", "text": "plain", "html": "<p>html</p>", "headers": [{"name": "X-Order", "value": "1"}],
                 "attachments": [{"filename": "a.txt", "content_type": "text/plain", "content": "aGVsbG8K"}],
                 "tags": ["invoice"], "metadata": {"order": "1"}, "route": "default",
                 "send_at": "%s", "dsn": {"notify": ["FAILURE"], "ret": "HDRS", "envid": "e1"}}
                """.formatted(m, Instant.now().plusSeconds(1)), 202);

        assertThat(r.header("Location")).isEqualTo("/api/v1/messages/" + r.json().get("id").asText());
    }

    @Test
    void perRecipientMessagesAreAcceptedAsDocumented() throws Exception {
        Curl.Response r = exchange("/api/v1/messages", shop, """
                {"from": "billing@shop.test", "subject": "hello {{name}}", "text": "x",
                 "recipients": [{"email": "a@remote.test", "model": {"name": "A"}}, "b@remote.test"]}
                """, 202);

        assertThat(r.json().get("messages")).hasSize(2);
    }

    @Test
    void aSandboxSendIsAnsweredAsDocumented() throws Exception {
        exchange("/api/v1/messages", shop, """
                {"from": "billing@shop.test", "to": "a@remote.test", "text": "x", "sandbox": true}
                """, 200);
        exchange("/api/v1/messages", shop, """
                {"from": "billing@shop.test", "text": "x", "sandbox": true,
                 "recipients": ["a@remote.test", "b@remote.test"]}
                """, 200);
    }

    @Test
    void aBatchOfSentRefusedAndSandboxItemsIsAnsweredAsDocumented() throws Exception {
        Curl.Response r = exchange("/api/v1/messages/batch", shop, """
                {"messages": [
                  {"from": "billing@shop.test", "to": "a@remote.test", "text": "x"},
                  {"from": "ceo@bank.test", "to": "a@remote.test", "text": "x"},
                  {"from": "billing@shop.test", "to": "a@remote.test", "text": "x", "sandbox": true}]}
                """, 200);

        assertThat(r.json().get("results")).extracting(n -> n.get("status").asInt()).containsExactly(202, 403, 200);
    }

    @Test
    void aRawMessageIsAcceptedAsDocumented() throws Exception {
        Curl.Response r = Curl.request("POST", hub.url("/api/v1/messages/raw")).bearer(shop)
                .header("Content-Type", "message/rfc822").header("Rcpt-To", "a@remote.test")
                .data("From: billing@shop.test\r\nSubject: raw\r\n\r\nbody\r\n").send();

        assertThat(r.status()).as(r.toString()).isEqualTo(202);
        contract.checkAnswer("POST", "/api/v1/messages/raw", r);
    }

    @Test
    void theStatusOfADeliveredMessageAndOfAnUnknownOneAreAnsweredAsDocumented() throws Exception {
        String m = marker();
        String id = exchange("/api/v1/messages", shop, """
                {"from": "billing@shop.test", "to": "ann@remote.test", "subject": "%s", "text": "x"}
                """.formatted(m), 202).json().get("id").asText();
        sink.awaitMessage(m);

        Curl.Response status = await().atMost(Duration.ofSeconds(30)).until(
                () -> Curl.request("GET", hub.url("/api/v1/messages/" + id)).bearer(shop).send(),
                s -> s.body().contains("\"delivered\""));
        contract.checkAnswer("GET", "/api/v1/messages/{id}", status);
        Curl.Response unknown = Curl.request("GET", hub.url("/api/v1/messages/ZZZZZZZZZZZZZZ")).bearer(shop).send();
        assertThat(unknown.status()).isEqualTo(404);
        contract.checkAnswer("GET", "/api/v1/messages/{id}", unknown);
    }

    @Test
    void everyProblemTheApiGivesIsDocumented() throws Exception {
        String path = "/api/v1/messages";
        String good = "{\"from\": \"billing@shop.test\", \"to\": \"a@remote.test\", \"text\": \"x\"}";
        Curl.Response[] answers = {
            post(path, shop, "{\"from\": "),                                                           // 400
            post(path, shop, "{\"from\": \"billing@shop.test\", \"to\": \"a@remote.test\", \"colour\": 1}"), // 400
            post(path, shop + "x", good),                                                               // 401
            post(path, shop, good.replace("billing@shop.test", "ceo@bank.test")),                       // 403
            post(path, small, good.replace("\"x\"", "\"" + "x".repeat(20_000) + "\"")),               // 413
            Curl.request("POST", hub.url(path)).bearer(shop).header("Content-Type", "text/plain").data("x").send(),
            post(path, shop, "{\"from\": \"billing@shop.test\", \"to\": [], \"text\": \"x\"}"),           // 422
            post(path, shop, good.replace("a@remote.test", "not an address")),                         // 422
            Curl.request("PUT", hub.url(path)).bearer(shop).json(good).send(),                         // 405
        };
        post(path, limited, good);
        Curl.Response overRate = post(path, limited, good);                                            // 429

        assertThat(answers).extracting(Curl.Response::status)
                .containsExactly(400, 400, 401, 403, 413, 415, 422, 422, 405);
        assertThat(overRate.status()).isEqualTo(429);
        for (Curl.Response r : answers) {
            if (r.status() == 405) {
                contract.checkProblem(r);
                assertThat(r.header("Allow")).isEqualTo("GET, POST");
            } else {
                contract.checkAnswer("POST", path, r);
            }
        }
        contract.checkAnswer("POST", path, overRate);
        for (String type : ProblemTypes.documented(contract)) {
            assertThat(Curl.request("GET", hub.url("/problems/" + type)).send().status())
                    .as("/problems/%s is served", type).isEqualTo(200);
        }
    }

    @Test
    void aRepeatedIdempotencyKeyIsAnsweredAsDocumented() throws Exception {
        String key = UUID.randomUUID().toString();
        String body = "{\"from\": \"billing@shop.test\", \"to\": \"a@remote.test\", \"text\": \"x\"}";
        Curl.Response first = Curl.request("POST", hub.url("/api/v1/messages")).bearer(shop)
                .header("Idempotency-Key", key).json(body).send();
        Curl.Response replay = Curl.request("POST", hub.url("/api/v1/messages")).bearer(shop)
                .header("Idempotency-Key", key).json(body).send();
        Curl.Response reused = Curl.request("POST", hub.url("/api/v1/messages")).bearer(shop)
                .header("Idempotency-Key", key).json(body.replace("\"x\"", "\"y\"")).send();

        contract.checkAnswer("POST", "/api/v1/messages", first);
        contract.checkAnswer("POST", "/api/v1/messages", replay);
        assertThat(replay.header("Idempotent-Replay")).isEqualTo("true");
        assertThat(reused.status()).isEqualTo(422);
        contract.checkAnswer("POST", "/api/v1/messages", reused);
    }

    /** The problem types the document lists (the enum of Problem.type). */
    static final class ProblemTypes {
        static java.util.List<String> documented(OpenApiContract contract) {
            JsonNode en = contract.document().at("/components/schemas/Problem/properties/type/enum");
            java.util.List<String> types = new java.util.ArrayList<>();
            en.forEach(t -> types.add(t.asText().substring("/problems/".length())));
            assertThat(types).hasSizeGreaterThan(20);
            return types;
        }
    }
}
