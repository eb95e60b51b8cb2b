package io.mailhub.ingress.http;

import com.fasterxml.jackson.core.Base64Variants;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailhub.acceptance.Spool;
import io.mailhub.ingress.http.MessageRequest.Address;
import io.mailhub.ingress.http.MessageRequest.Attachment;
import io.mailhub.ingress.http.MessageRequest.Dsn;
import io.mailhub.ingress.http.MessageRequest.Envelope;
import io.mailhub.ingress.http.MessageRequest.Header;
import io.mailhub.ingress.http.MessageRequest.Personal;
import io.mailhub.ingress.http.MessageRequest.Template;
import io.mailhub.model.DsnNotify;
import io.mailhub.model.DsnRet;
import io.mailhub.model.MailAddress;
import io.mailhub.model.MessageContent;
import io.mailhub.model.SmtpPath;
import io.mailhub.model.SyntaxException;
import io.mailhub.model.Xtext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the API's message JSON with Jackson's streaming parser: attachment content (base64) is decoded straight into a
 * spool (memory up to 128 KiB, then a file), so a 33 MB request is never whole in the heap. Every problem found is
 * collected with its field path ({@code attachments[1].content}); a request with any is refused as a whole with 400.
 * Unknown fields are problems too: a typo must not be ignored.
 */
final class MessageJson {

    static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(64 * 1024 * 1024).build()).build();
    private static final ObjectMapper TREES = new ObjectMapper(JSON);

    private final Path spoolDirectory;
    private final List<ApiProblem.FieldError> errors = new ArrayList<>();
    private int addressErrors;
    private final List<Attachment> attachments = new ArrayList<>();

    private MessageJson(Path spoolDirectory) {
        this.spoolDirectory = spoolDirectory;
    }

    /** Reads one message object from {@code in}. */
    static MessageRequest parse(InputStream in, Path spoolDirectory) throws ApiProblem {
        try (JsonParser p = JSON.createParser(in)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw ApiProblem.invalid("the body must be a JSON object", List.of());
            }
            MessageRequest m = new MessageJson(spoolDirectory).message(p, "");
            try {
                if (p.nextToken() != null) {
                    throw ApiProblem.invalid("the body must hold one JSON object and nothing after it", List.of());
                }
            } catch (ApiProblem | IOException | RuntimeException e) {
                m.discard();
                throw e;
            }
            return m;
        } catch (JsonParseException e) {
            throw ApiProblem.invalid("the body is not valid JSON: " + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr(), List.of());
        } catch (LimitedInputStream.TooLarge e) {
            throw LimitedInputStream.tooLarge(e.limit);
        } catch (IOException e) {
            throw ApiProblem.invalid("the body could not be read: " + e.getMessage(), List.of());
        }
    }

    /**
     * Reads a message object whose START_OBJECT was just read ({@code prefix}: its path, "" at the top, e.g.
     * {@code messages[3].} in a batch). Leaves the parser on its END_OBJECT.
     */
    static MessageRequest parseObject(JsonParser p, String prefix, Path spoolDirectory) throws ApiProblem, IOException {
        return new MessageJson(spoolDirectory).message(p, prefix);
    }

    private MessageRequest message(JsonParser p, String prefix) throws ApiProblem, IOException {
        Address from = null;
        List<Address> to = List.of();
        List<Address> cc = List.of();
        List<Address> bcc = List.of();
        List<Address> replyTo = List.of();
        Envelope envelope = null;
        String subject = null;
        String text = null;
        String html = null;
        List<Header> headers = List.of();
        Template template = null;
        List<Personal> recipients = List.of();
        List<String> tags = List.of();
        Map<String, String> metadata = Map.of();
        String route = null;
        Instant sendAt = null;
        Dsn dsn = null;
        boolean sandbox = false;
        try {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                String field = prefix + name;
                p.nextToken();
                switch (name) {
                    case "from" -> from = address(p, field);
                    case "to" -> to = addresses(p, field);
                    case "cc" -> cc = addresses(p, field);
                    case "bcc" -> bcc = addresses(p, field);
                    case "reply_to" -> replyTo = addresses(p, field);
                    case "envelope" -> envelope = envelope(p, field);
                    case "subject" -> subject = headerText(p, field);
                    case "text" -> text = string(p, field);
                    case "html" -> html = string(p, field);
                    case "headers" -> headers = headers(p, field);
                    case "attachments" -> attachmentList(p, field);
                    case "template" -> template = template(p, field);
                    case "recipients" -> recipients = personals(p, field);
                    case "tags" -> tags = tags(p, field);
                    case "metadata" -> metadata = metadata(p, field);
                    case "route" -> route = string(p, field);
                    case "send_at" -> sendAt = instant(p, field);
                    case "dsn" -> dsn = dsn(p, field);
                    case "sandbox" -> sandbox = bool(p, field);
                    default -> {
                        error(field, "is not a field of a message");
                        p.skipChildren();
                    }
                }
            }
        } catch (ApiProblem | IOException | RuntimeException e) { // bad JSON, a body cut off at the limit, ...
            discardAttachments();
            throw e;
        }
        if (!errors.isEmpty()) {
            discardAttachments();
            String detail = errors.size() == 1 ? errors.get(0).field() + ": " + errors.get(0).message()
                    : errors.size() + " fields are not valid";
            if (addressErrors == errors.size()) { // only addresses: what SMTP answers 501 5.1.3
                throw ApiProblem.unprocessable("invalid-address", "An address is not valid", detail, errors, "5.1.3");
            }
            throw ApiProblem.invalid(detail, errors);
        }
        return new MessageRequest(from, to, cc, bcc, replyTo, envelope, subject, text, html, headers,
                List.copyOf(attachments), template, recipients, tags, metadata, route, sendAt, dsn, sandbox);
    }

    private void discardAttachments() {
        attachments.forEach(a -> a.content().close());
    }

    private void error(String field, String message) {
        errors.add(new ApiProblem.FieldError(field, message));
    }

    private String string(JsonParser p, String field) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            error(field, "must be a string");
            p.skipChildren();
            return null;
        }
        return p.getText();
    }

    /** A string that goes into a header field: no line breaks, no NUL. */
    private String headerText(JsonParser p, String field) throws IOException {
        String s = string(p, field);
        if (s != null && (s.indexOf('\r') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\0') >= 0)) {
            error(field, "must not contain line breaks or NUL");
            return null;
        }
        return s;
    }

    private boolean bool(JsonParser p, String field) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_TRUE || p.currentToken() == JsonToken.VALUE_FALSE) {
            return p.getBooleanValue();
        }
        error(field, "must be true or false");
        p.skipChildren();
        return false;
    }

    private Instant instant(JsonParser p, String field) throws IOException {
        String s = string(p, field);
        if (s == null) {
            return null;
        }
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            try {
                return java.time.OffsetDateTime.parse(s).toInstant();
            } catch (DateTimeParseException e2) {
                error(field, "must be an RFC 3339 time such as 2026-12-01T08:00:00Z");
                return null;
            }
        }
    }

    /** {@code "Name <a@b>"}, {@code "a@b"} or {@code {"email": "a@b", "name": "Name"}}. */
    private Address address(JsonParser p, String field) throws IOException {
        if (p.currentToken() == JsonToken.VALUE_STRING) {
            return addressText(p.getText(), field);
        }
        if (p.currentToken() == JsonToken.START_OBJECT) {
            String email = null;
            String name = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                p.nextToken();
                switch (key) {
                    case "email" -> email = string(p, field + ".email");
                    case "name" -> name = headerText(p, field + ".name");
                    default -> {
                        error(field + "." + key, "is not a field of an address (email, name)");
                        p.skipChildren();
                    }
                }
            }
            if (email == null) {
                error(field + ".email", "is required");
                return null;
            }
            MailAddress a = mailbox(email, field + ".email");
            return a == null ? null : new Address(name, a);
        }
        error(field, "must be an address: \"Name <user@example.com>\" or {\"email\": ..., \"name\": ...}");
        p.skipChildren();
        return null;
    }

    /** One address in text ({@code Name <a@b>} or {@code a@b}); a problem goes to {@code errors}. */
    static Address address(String text, String field, List<ApiProblem.FieldError> errors) {
        MessageJson j = new MessageJson(null);
        Address a = j.addressText(text, field);
        errors.addAll(j.errors);
        return a;
    }

    /** Parses {@code Name <a@b>} or {@code a@b}; an RFC 5322 quoted display name loses its quotes. */
    Address addressText(String text, String field) {
        String t = text.strip();
        String name = null;
        String email = t;
        int open = t.lastIndexOf('<');
        if (open >= 0 && t.endsWith(">")) {
            name = t.substring(0, open).strip();
            if (name.length() >= 2 && name.startsWith("\"") && name.endsWith("\"")) {
                name = name.substring(1, name.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
            }
            name = name.isEmpty() ? null : name;
            email = t.substring(open + 1, t.length() - 1).strip();
        }
        if (name != null && (name.indexOf('\r') >= 0 || name.indexOf('\n') >= 0)) {
            error(field, "the display name must not contain line breaks");
            return null;
        }
        MailAddress a = mailbox(email, field);
        return a == null ? null : new Address(name, a);
    }

    private MailAddress mailbox(String email, String field) {
        try {
            return SmtpPath.mailbox(email, true);
        } catch (SyntaxException e) {
            error(field, "'" + email + "' is not an email address (" + e.getMessage() + ")");
            addressErrors++;
            return null;
        }
    }

    /** One address or an array of them (strings or objects). */
    private List<Address> addresses(JsonParser p, String field) throws IOException {
        List<Address> list = new ArrayList<>();
        if (p.currentToken() == JsonToken.START_ARRAY) {
            int i = 0;
            while (p.nextToken() != JsonToken.END_ARRAY) {
                Address a = address(p, field + "[" + i++ + "]");
                if (a != null) {
                    list.add(a);
                }
            }
        } else if (p.currentToken() == JsonToken.VALUE_STRING) {
            for (String part : splitAddressList(p.getText())) {
                Address a = addressText(part, field);
                if (a != null) {
                    list.add(a);
                }
            }
        } else if (p.currentToken() != JsonToken.VALUE_NULL) {
            Address a = address(p, field);
            if (a != null) {
                list.add(a);
            }
        }
        return List.copyOf(list);
    }

    /** Splits {@code a@b, "Doe, Jane" <c@d>} at the commas outside quotes and angle brackets. */
    static List<String> splitAddressList(String text) {
        List<String> parts = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        int angle = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' && (i == 0 || text.charAt(i - 1) != '\\')) {
                quoted = !quoted;
            } else if (!quoted && c == '<') {
                angle++;
            } else if (!quoted && c == '>') {
                angle--;
            }
            if (c == ',' && !quoted && angle == 0) {
                parts.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        parts.add(cur.toString());
        return parts.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    private List<String> strings(JsonParser p, String field) throws IOException {
        List<String> list = new ArrayList<>();
        if (p.currentToken() != JsonToken.START_ARRAY) {
            error(field, "must be an array of strings");
            p.skipChildren();
            return List.of();
        }
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            String s = headerText(p, field + "[" + i++ + "]");
            if (s != null) {
                list.add(s);
            }
        }
        return List.copyOf(list);
    }

    /** Tags are joined with commas into one property: a tag cannot hold one, and there are at most 10 of 1 to 128. */
    private List<String> tags(JsonParser p, String field) throws IOException {
        List<String> tags = strings(p, field);
        if (tags.size() > 10) {
            error(field, "has more than 10 tags");
        }
        for (int i = 0; i < tags.size(); i++) {
            String t = tags.get(i);
            if (t.isEmpty() || t.length() > 128 || t.indexOf(',') >= 0) {
                error(field + "[" + i + "]", "must be 1 to 128 characters without a comma");
            }
        }
        return tags;
    }

    /**
     * The most {@code metadata} entries (names up to 100, values up to 1000 characters): metadata travels with the
     * message to the routes and into every line of the delivery log.
     */
    static final int MAX_METADATA = 20;

    private Map<String, String> metadata(JsonParser p, String field) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            error(field, "must be an object of string values");
            p.skipChildren();
            return Map.of();
        }
        Map<String, String> m = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            p.nextToken();
            if (m.size() == MAX_METADATA) {
                error(field, "has more than " + MAX_METADATA + " entries");
                p.skipChildren();
            } else if (key.isEmpty() || key.length() > 100) {
                error(field + "." + key, "names must be 1 to 100 characters");
                p.skipChildren();
            } else if (p.currentToken().isScalarValue() && p.currentToken() != JsonToken.VALUE_NULL) {
                if (p.getTextLength() > 1000) {
                    error(field + "." + key, "must be at most 1000 characters");
                } else {
                    m.put(key, p.getText());
                }
            } else {
                error(field + "." + key, "must be a string, number or boolean");
                p.skipChildren();
            }
        }
        return m;
    }

    /** An object of name: value, or an array of {name, value}. */
    private List<Header> headers(JsonParser p, String field) throws IOException {
        List<Header> list = new ArrayList<>();
        if (p.currentToken() == JsonToken.START_OBJECT) {
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                String value = headerText(p, field + "." + name);
                header(list, field + "." + name, name, value);
            }
        } else if (p.currentToken() == JsonToken.START_ARRAY) {
            int i = 0;
            while (p.nextToken() != JsonToken.END_ARRAY) {
                String f = field + "[" + i++ + "]";
                if (p.currentToken() != JsonToken.START_OBJECT) {
                    error(f, "must be {\"name\": ..., \"value\": ...}");
                    p.skipChildren();
                    continue;
                }
                String name = null;
                String value = null;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    p.nextToken();
                    switch (key) {
                        case "name" -> name = string(p, f + ".name");
                        case "value" -> value = headerText(p, f + ".value");
                        default -> {
                            error(f + "." + key, "is not a field of a header (name, value)");
                            p.skipChildren();
                        }
                    }
                }
                header(list, f, name, value);
            }
        } else {
            error(field, "must be an object or an array of {name, value}");
            p.skipChildren();
        }
        return List.copyOf(list);
    }

    private void header(List<Header> list, String field, String name, String value) {
        String refusal = HeaderRules.refusal(name);
        if (refusal != null) {
            error(field, refusal);
        } else if (value == null) {
            error(field, "needs a value");
        } else {
            list.add(new Header(name, value));
        }
    }

    private void attachmentList(JsonParser p, String field) throws IOException, ApiProblem {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            error(field, "must be an array of attachments");
            p.skipChildren();
            return;
        }
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            attachment(p, field + "[" + i++ + "]");
        }
    }

    private void attachment(JsonParser p, String field) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            error(field, "must be an object");
            p.skipChildren();
            return;
        }
        String filename = null;
        String contentType = null;
        String contentId = null;
        String disposition = null;
        MessageContent content = null;
        boolean given = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            p.nextToken();
            String f = field + "." + key;
            switch (key) {
                case "filename" -> filename = headerText(p, f);
                case "content_type" -> contentType = headerText(p, f);
                case "content_id" -> contentId = headerText(p, f);
                case "disposition" -> disposition = headerText(p, f);
                case "content" -> {
                    given = true;
                    content = base64(p, f);
                }
                default -> {
                    error(f, "is not a field of an attachment");
                    p.skipChildren();
                }
            }
        }
        if (content == null) {
            if (!given) {
                error(field + ".content", "is required (base64)");
            }
            return;
        }
        if (filename == null && contentId == null) {
            error(field + ".filename", "is required (or a content_id for an inline part)");
        }
        if (disposition != null && !disposition.equalsIgnoreCase("attachment") && !disposition.equalsIgnoreCase("inline")) {
            error(field + ".disposition", "must be attachment or inline");
        }
        attachments.add(new Attachment(filename, contentType, content, contentId, disposition));
    }

    /** Decodes base64 straight into a spool; the encoded text is never held whole. */
    private MessageContent base64(JsonParser p, String field) throws IOException {
        if (p.currentToken() != JsonToken.VALUE_STRING) {
            error(field, "must be a base64 string");
            p.skipChildren();
            return null;
        }
        Spool spool = new Spool(spoolDirectory, 128 * 1024);
        try (OutputStream out = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                spool.write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                spool.write(b, off, len);
            }
        }) {
            p.readBinaryValue(Base64Variants.MIME, out);
            return spool.finish();
        } catch (JsonParseException | IllegalArgumentException e) {
            spool.close();
            error(field, "is not valid base64");
            return null;
        } catch (IOException e) {
            spool.close();
            throw e;
        }
    }

    private Envelope envelope(JsonParser p, String field) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            error(field, "must be {\"mail_from\": ..., \"rcpt_to\": [...]}");
            p.skipChildren();
            return null;
        }
        MailAddress from = null;
        boolean nullSender = false;
        List<MailAddress> rcpt = new ArrayList<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            p.nextToken();
            switch (key) {
                case "mail_from" -> {
                    String s = string(p, field + ".mail_from");
                    if (s != null && (s.isEmpty() || s.equals("<>"))) {
                        nullSender = true;
                    } else if (s != null) {
                        from = mailbox(s, field + ".mail_from");
                    }
                }
                case "rcpt_to" -> rcpt.addAll(rcptTo(p, field + ".rcpt_to"));
                default -> {
                    error(field + "." + key, "is not a field of an envelope (mail_from, rcpt_to)");
                    p.skipChildren();
                }
            }
        }
        return new Envelope(from, nullSender, List.copyOf(rcpt));
    }

    /** The envelope recipients, each problem named by its own index in the request. */
    private List<MailAddress> rcptTo(JsonParser p, String field) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            error(field, "must be an array of strings");
            p.skipChildren();
            return List.of();
        }
        List<MailAddress> rcpt = new ArrayList<>();
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            String f = field + "[" + i++ + "]";
            if (p.currentToken() != JsonToken.VALUE_STRING) {
                error(f, "must be a string");
                p.skipChildren();
                continue;
            }
            MailAddress a = mailbox(p.getText(), f);
            if (a != null) {
                rcpt.add(a);
            }
        }
        return rcpt;
    }

    private Template template(JsonParser p, String field) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            error(field, "must be {\"id\": ..., \"model\": {...}}");
            p.skipChildren();
            return null;
        }
        String id = null;
        Map<String, Object> model = Map.of();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            p.nextToken();
            switch (key) {
                case "id" -> id = string(p, field + ".id");
                case "model" -> model = model(p, field + ".model");
                default -> {
                    error(field + "." + key, "is not a field of a template (id, model)");
                    p.skipChildren();
                }
            }
        }
        if (id == null || !Templates.NAME.matcher(id).matches()) {
            error(field + ".id", "is required: a template name of letters, digits, '.', '_' or '-'");
            return null;
        }
        return new Template(id, model);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> model(JsonParser p, String field) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            error(field, "must be an object");
            p.skipChildren();
            return Map.of();
        }
        return TREES.readValue(p, LinkedHashMap.class);
    }

    /** The most entries of {@code recipients} (messages of one request); SendGrid allows as many personalizations. */
    static final int MAX_PERSONALS = 1000;

    private List<Personal> personals(JsonParser p, String field) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            error(field, "must be an array of {email, model, headers}");
            p.skipChildren();
            return List.of();
        }
        List<Personal> list = new ArrayList<>();
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY) {
            if (i >= MAX_PERSONALS) {
                if (i++ == MAX_PERSONALS) {
                    error(field, "has more than " + MAX_PERSONALS + " entries; send a batch of requests");
                }
                p.skipChildren();
                continue;
            }
            String f = field + "[" + i++ + "]";
            if (p.currentToken() == JsonToken.VALUE_STRING) {
                Address a = addressText(p.getText(), f);
                if (a != null) {
                    list.add(new Personal(a, Map.of(), List.of()));
                }
                continue;
            }
            if (p.currentToken() != JsonToken.START_OBJECT) {
                error(f, "must be an address or {email, name, model, headers}");
                p.skipChildren();
                continue;
            }
            String email = null;
            String name = null;
            Map<String, Object> model = Map.of();
            List<Header> headers = List.of();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String key = p.currentName();
                p.nextToken();
                switch (key) {
                    case "email" -> email = string(p, f + ".email");
                    case "name" -> name = headerText(p, f + ".name");
                    case "model" -> model = model(p, f + ".model");
                    case "headers" -> headers = headers(p, f + ".headers");
                    default -> {
                        error(f + "." + key, "is not a field of a recipient (email, name, model, headers)");
                        p.skipChildren();
                    }
                }
            }
            MailAddress a = email == null ? null : mailbox(email, f + ".email");
            if (email == null) {
                error(f + ".email", "is required");
            } else if (a != null) {
                list.add(new Personal(new Address(name, a), model, headers));
            }
        }
        return List.copyOf(list);
    }

    private Dsn dsn(JsonParser p, String field) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            error(field, "must be {\"notify\": [...], \"ret\": ..., \"envid\": ...}");
            p.skipChildren();
            return null;
        }
        Set<DsnNotify> notify = Set.of();
        DsnRet ret = null;
        String envid = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            p.nextToken();
            String f = field + "." + key;
            switch (key) {
                case "notify" -> {
                    List<String> words = strings(p, f);
                    try {
                        notify = words.isEmpty() ? Set.of() : DsnNotify.parseList(String.join(",", words));
                    } catch (SyntaxException e) {
                        error(f, e.getMessage());
                    }
                }
                case "ret" -> {
                    String s = string(p, f);
                    if (s != null) {
                        try {
                            ret = DsnRet.valueOf(s.toUpperCase(Locale.ROOT));
                        } catch (IllegalArgumentException e) {
                            error(f, "must be FULL or HDRS");
                        }
                    }
                }
                case "envid" -> {
                    envid = headerText(p, f);
                    if (envid != null && (envid.length() > 100 || !envid.chars().allMatch(c -> c > 32 && c < 127))) {
                        error(f, "must be at most 100 printable ASCII characters");
                        envid = null;
                    } else if (envid != null) {
                        envid = Xtext.encode(envid);
                    }
                }
                default -> {
                    error(f, "is not a field of dsn (notify, ret, envid)");
                    p.skipChildren();
                }
            }
        }
        return new Dsn(notify, ret, envid);
    }
}
