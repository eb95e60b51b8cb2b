package io.mailhub.ingress.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailhub.acceptance.Spool;
import io.mailhub.ingress.http.MessageRequest.Address;
import io.mailhub.ingress.http.MessageRequest.Attachment;
import io.mailhub.ingress.http.MessageRequest.Header;
import io.mailhub.model.MessageContent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the provider aliases share to turn a provider's request into a {@link MessageRequest}: reading the JSON, address
 * lists, base64 attachments into spools. Their requests are read whole as a JSON tree (the providers' clients send
 * them that way); only the native API streams.
 */
final class AliasRequests {

    static final ObjectMapper MAPPER = new ObjectMapper(MessageJson.JSON);

    private final Path spoolDirectory;
    final List<ApiProblem.FieldError> errors = new ArrayList<>();
    final List<Attachment> attachments = new ArrayList<>();

    AliasRequests(Path spoolDirectory) {
        this.spoolDirectory = spoolDirectory;
    }

    /**
     * Reads a whole alias request (Postmark's and SendGrid's JSON are read as a tree, attachments included, within the
     * limit of {@code in}: only the native API streams).
     */
    static JsonNode read(InputStream in) throws ApiProblem {
        try {
            return MAPPER.readTree(in);
        } catch (LimitedInputStream.TooLarge e) {
            throw LimitedInputStream.tooLarge(e.limit);
        } catch (IOException e) {
            throw ApiProblem.invalid("the body is not valid JSON: " + e.getMessage(), List.of());
        }
    }

    /** A comma-separated address list ({@code "a@b, Name <c@d>"}), as Postmark and Mailgun write them. */
    List<Address> addressList(String text, String field) {
        List<Address> list = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return list;
        }
        for (String part : MessageJson.splitAddressList(text)) {
            Address a = MessageJson.address(part, field, errors);
            if (a != null) {
                list.add(a);
            }
        }
        return list;
    }

    /** {@code {"email": ..., "name": ...}} as SendGrid writes it. */
    Address addressObject(JsonNode node, String field) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            List<Address> l = addressList(node.asText(), field);
            return l.isEmpty() ? null : l.get(0);
        }
        String email = node.path("email").asText(null);
        if (email == null) {
            errors.add(new ApiProblem.FieldError(field + ".email", "is required"));
            return null;
        }
        String name = node.path("name").asText(null);
        String text = name == null || name.isBlank() ? email : "\"" + name.replace("\"", "\\\"") + "\" <" + email + ">";
        List<Address> l = addressList(text, field);
        return l.isEmpty() ? null : l.get(0);
    }

    List<Address> addressObjects(JsonNode array, String field) {
        List<Address> list = new ArrayList<>();
        if (array == null || array.isNull()) {
            return list;
        }
        for (int i = 0; i < array.size(); i++) {
            Address a = addressObject(array.get(i), field + "[" + i + "]");
            if (a != null) {
                list.add(a);
            }
        }
        return list;
    }

    /** Decodes a base64 attachment into a spool. */
    void attachment(String filename, String contentType, String base64, String contentId, String disposition,
            String field) {
        if (base64 == null) {
            errors.add(new ApiProblem.FieldError(field, "needs its content (base64)"));
            return;
        }
        byte[] bytes;
        try {
            bytes = Base64.getMimeDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            errors.add(new ApiProblem.FieldError(field, "is not valid base64"));
            return;
        }
        attachments.add(new Attachment(filename, contentType, spooled(bytes), contentId, disposition));
    }

    /** A part already in hand (a multipart upload), copied into a spool of ours. */
    void attachment(String filename, String contentType, InputStream in, String contentId, String disposition)
            throws IOException {
        Spool spool = new Spool(spoolDirectory, 128 * 1024);
        try {
            byte[] buf = new byte[65536];
            int n;
            while ((n = in.read(buf)) > 0) {
                spool.write(buf, 0, n);
            }
            attachments.add(new Attachment(filename, contentType, spool.finish(), contentId, disposition));
        } catch (IOException | RuntimeException e) {
            spool.close();
            throw e;
        }
    }

    private MessageContent spooled(byte[] bytes) {
        return MessageContent.of(bytes);
    }

    static List<Header> headers(JsonNode node) {
        List<Header> list = new ArrayList<>();
        if (node == null || node.isNull()) {
            return list;
        }
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> list.add(new Header(e.getKey(), e.getValue().asText())));
        } else if (node.isArray()) {
            for (JsonNode h : node) {
                list.add(new Header(h.path("Name").asText(h.path("name").asText()),
                        h.path("Value").asText(h.path("value").asText())));
            }
        }
        return list;
    }

    static Map<String, String> strings(JsonNode node) {
        Map<String, String> m = new LinkedHashMap<>();
        if (node != null && node.isObject()) {
            node.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
        }
        return m;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> model(JsonNode node) {
        return node == null || !node.isObject() ? Map.of() : MAPPER.convertValue(node, LinkedHashMap.class);
    }

    /** Refuses the request when anything was wrong, releasing what was spooled. */
    void check() throws ApiProblem {
        if (!errors.isEmpty()) {
            attachments.forEach(a -> a.content().close());
            throw ApiProblem.invalid(errors.size() == 1 ? errors.get(0).field() + ": " + errors.get(0).message()
                    : errors.size() + " fields are not valid", errors);
        }
    }

    /**
     * Checks header names the way the native API does (HeaderRules) and that values are one line.
     *
     * @param prefix the field path before the header's name ({@code h:}, {@code Headers.})
     */
    void checkHeaders(List<Header> headers, String prefix) {
        for (Header h : headers) {
            String refusal = HeaderRules.refusal(h.name());
            if (refusal != null) {
                errors.add(new ApiProblem.FieldError(prefix + h.name(), refusal));
            } else if (h.value().indexOf('\r') >= 0 || h.value().indexOf('\n') >= 0) {
                errors.add(new ApiProblem.FieldError(prefix + h.name(), "must not contain line breaks"));
            }
        }
    }
}
