package io.mailhub.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * docs/openapi.yaml as a contract: an answer of the hub is checked against what the document says the operation
 * answers with that status (its media type, its required headers, its body's JSON Schema 2020-12 schema, with the
 * document's {@code components/schemas} for every {@code $ref}); a request body against the request schema.
 */
final class OpenApiContract {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    private final JsonNode document;

    private OpenApiContract(JsonNode document) {
        this.document = document;
    }

    static OpenApiContract load(Path file) throws IOException {
        return new OpenApiContract(new ObjectMapper(new YAMLFactory()).readTree(file.toFile()));
    }

    JsonNode document() {
        return document;
    }

    private JsonNode operation(String method, String path) {
        JsonNode op = document.path("paths").path(path).path(method.toLowerCase(Locale.ROOT));
        assertThat(op.isMissingNode()).as("%s %s is in the document", method, path).isFalse();
        return op;
    }

    /** Follows a {@code $ref} within the document. */
    private JsonNode resolve(JsonNode node) {
        while (node.has("$ref")) {
            String ref = node.get("$ref").asText();
            assertThat(ref).startsWith("#/");
            node = document.at(ref.substring(1));
            assertThat(node.isMissingNode()).as("%s resolves", ref).isFalse();
        }
        return node;
    }

    /** Checks an answer to {@code method path} (a path template of the document, e.g. {@code /api/v1/messages/{id}}). */
    void checkAnswer(String method, String path, Curl.Response r) {
        JsonNode response = operation(method, path).path("responses").path(Integer.toString(r.status()));
        assertThat(response.isMissingNode()).as("%s %s documents status %d (answer: %s)", method, path, r.status(), r)
                .isFalse();
        response = resolve(response);
        for (Iterator<Map.Entry<String, JsonNode>> it = response.path("headers").fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> h = it.next();
            if (resolve(h.getValue()).path("required").asBoolean(false)) {
                assertThat(r.header(h.getKey())).as("required header %s of %s %s %d", h.getKey(), method, path,
                        r.status()).isNotNull();
            }
        }
        String type = r.header("Content-Type");
        assertThat(type).as("Content-Type of %s %s %d", method, path, r.status()).isNotNull();
        String mediaType = type.split(";")[0].strip().toLowerCase(Locale.ROOT);
        JsonNode content = response.path("content").path(mediaType);
        assertThat(content.isMissingNode()).as("%s %s %d documents %s", method, path, r.status(), mediaType).isFalse();
        assertValid(content.path("schema"), r.json(), method + " " + path + " " + r.status());
    }

    /** Checks a problem answer that no operation lists (e.g. 405 for a method the path does not take). */
    void checkProblem(Curl.Response r) {
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        assertValid(document.path("components").path("schemas").path("Problem"), r.json(), "problem " + r.status());
    }

    /** Checks a JSON request body against the operation's request schema. */
    void checkRequest(String method, String path, String body) throws IOException {
        JsonNode schema = operation(method, path).path("requestBody").path("content").path("application/json")
                .path("schema");
        assertValid(schema, JSON.readTree(body), "request of " + method + " " + path);
    }

    private void assertValid(JsonNode schema, JsonNode value, String what) {
        List<Error> errors = compile(schema).validate(value);
        assertThat(errors).as("%s is valid against the document:\n%s", what, value.toPrettyString()).isEmpty();
    }

    /** The schema with the document's components as {@code $defs}, so that every {@code $ref} resolves. */
    private Schema compile(JsonNode schema) {
        ObjectNode root = JSON.createObjectNode();
        root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
        root.set("$defs", document.path("components").path("schemas"));
        root.set("allOf", JSON.createArrayNode().add(schema));
        String text = root.toString().replace("\"#/components/schemas/", "\"#/$defs/");
        return SCHEMAS.getSchema(text, InputFormat.JSON);
    }
}
