package io.mailhub.it;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The contract check itself: it passes what the document describes and fails what it does not. */
class OpenApiContractTest {

    private static final String ACCEPTED = "{\"id\": \"01M8MF1X05SYEK\", \"message_id\": \"01M8MF1X05SYEK@hub.test\","
            + " \"submitted_at\": \"2026-11-29T20:13:29.531Z\", \"accepted\": [\"a@remote.test\"], \"rejected\": []}";

    private final OpenApiContract contract;

    OpenApiContractTest() throws Exception {
        contract = OpenApiContract.load(Path.of("docs/openapi.yaml"));
    }

    private static Curl.Response response(int status, String type, String body, String... headers) {
        Map<String, String> h = new java.util.LinkedHashMap<>(Map.of("content-type", type));
        for (int i = 0; i < headers.length; i += 2) {
            h.put(headers[i].toLowerCase(), headers[i + 1]);
        }
        return new Curl.Response(status, h, body);
    }

    @Test
    void anAnswerAsDocumentedPasses() {
        assertThatCode(() -> contract.checkAnswer("POST", "/api/v1/messages",
                response(202, "application/json", ACCEPTED, "Location", "/api/v1/messages/01M8MF1X05SYEK")))
                .doesNotThrowAnyException();
    }

    @Test
    void aBodyMissingARequiredFieldFails() {
        assertThatThrownBy(() -> contract.checkAnswer("POST", "/api/v1/messages", response(202, "application/json",
                ACCEPTED.replace("\"id\": \"01M8MF1X05SYEK\", ", ""), "Location", "/api/v1/messages/x")))
                .isInstanceOf(AssertionError.class).hasMessageContaining("id");
    }

    @Test
    void aFieldTheDocumentDoesNotKnowFails() {
        assertThatThrownBy(() -> contract.checkAnswer("POST", "/api/v1/messages", response(202, "application/json",
                ACCEPTED.replace("{", "{\"extra\": 1, "), "Location", "/api/v1/messages/x")))
                .isInstanceOf(AssertionError.class);
    }

    @Test
    void aStatusTheOperationDoesNotDocumentFails() {
        assertThatThrownBy(() -> contract.checkAnswer("GET", "/api/v1/messages/{id}",
                response(202, "application/json", ACCEPTED))).isInstanceOf(AssertionError.class)
                .hasMessageContaining("documents status 202");
    }

    @Test
    void aProblemWithAnUndocumentedTypeFails() {
        assertThatThrownBy(() -> contract.checkAnswer("POST", "/api/v1/messages", response(400,
                "application/problem+json", "{\"type\": \"/problems/whatever\", \"title\": \"t\", \"status\": 400,"
                        + " \"detail\": \"d\", \"enhanced_status\": \"5.5.2\", \"errors\": []}")))
                .isInstanceOf(AssertionError.class);
    }

    @Test
    void aRequestWithAnUnknownFieldFails() {
        assertThatThrownBy(() -> contract.checkRequest("POST", "/api/v1/messages",
                "{\"from\": \"a@shop.test\", \"to\": \"b@remote.test\", \"text\": \"x\", \"colour\": 1}"))
                .isInstanceOf(AssertionError.class);
    }
}
