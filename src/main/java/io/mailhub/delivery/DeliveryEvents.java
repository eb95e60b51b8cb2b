package io.mailhub.delivery;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailhub.model.Envelope;
import io.mailhub.relay.DeliveryReport;
import io.mailhub.relay.RecipientResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event log ({@code mailhub.events.file}, default {@code <data dir>/events.jsonl}): one JSON line per recipient
 * and attempt ({@code time, queue_id, event (delivered, deferred, failed, expired), recipient, status, remote_mta,
 * reply, attempt, principal}, the {@code tags} and {@code metadata} an API request gave the message, and the
 * message's origin, next hop, TLS, reply code, delays and DKIM signature: see {@link AttemptFields}), appended as
 * attempts end, and one per other event of a message's life ({@link #note}: received, rejected, bounced, held, ...);
 * docs/events.schema.json describes every line. Rotated at 100 MB (five old files kept). The most recent events are also kept in memory by queue id, so
 * the API can say where a message is without reading the file.
 */
public final class DeliveryEvents {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryEvents.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFactory JSON = MAPPER.getFactory();
    private static final long ROTATE_AT = 100L * 1024 * 1024;
    private static final int KEEP = 5;
    private static final int RECENT = 100_000;

    /**
     * One recipient's outcome of one attempt.
     *
     * @param details the line's other fields in their order ({@link AttemptFields}: message, next hop, TLS, reply
     *     code, delays, DKIM); values are strings, numbers, booleans, lists and maps
     */
    public record Event(Instant time, String queueId, String event, String recipient, String status, String remoteMta,
            String reply, int attempt, String principal, List<String> tags, String metadata,
            Map<String, Object> details) {

        public Event {
            details = details == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
        }
    }

    private final Path file;
    private final Map<String, List<Event>> recent = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, List<Event>> eldest) {
            return size() > RECENT;
        }
    };
    private Writer out;
    private long written;

    public DeliveryEvents(Path file) {
        this.file = file;
    }

    /** Records the outcome of one attempt for each recipient in the report. */
    public void record(Envelope envelope, DeliveryReport report, int attempt, Instant time) {
        record(envelope, report, attempt, time, null, null);
    }

    /**
     * As above, with the tags (comma-separated) and metadata (a JSON object) the HTTP door gave the message, echoed in
     * every line.
     */
    public void record(Envelope envelope, DeliveryReport report, int attempt, Instant time, String tags,
            String metadata) {
        record(envelope, report, attempt, time, tags, metadata, false);
    }

    /** As above; {@code expired}: the report's 5.4.7 failures are recipients whose lifetime ended ("expired"). */
    public void record(Envelope envelope, DeliveryReport report, int attempt, Instant time, String tags,
            String metadata, boolean expired) {
        record(envelope, report, attempt, time, tags, metadata, expired, AttemptFacts.NONE);
    }

    /** As above, with what the exchange knows about the message and the route that made the attempt. */
    public void record(Envelope envelope, DeliveryReport report, int attempt, Instant time, String tags,
            String metadata, boolean expired, AttemptFacts facts) {
        List<String> tagList = tags == null || tags.isEmpty() ? List.of() : List.of(tags.split(","));
        String metadataJson = metadata == null || metadata.isEmpty() ? null : metadata;
        List<Event> events = new ArrayList<>();
        for (RecipientResult r : report.results()) {
            String what = switch (r.status()) {
                case DELIVERED -> "delivered";
                case DEFERRED -> "deferred";
                case FAILED -> expired && "5.4.7".equals(r.statusCode()) ? "expired" : "failed";
            };
            events.add(new Event(time, envelope.queueId(), what, r.recipient().address().toString(), r.statusCode(),
                    r.remoteMta(), r.reply().toWire().strip(), attempt, envelope.authUser(), tagList, metadataJson,
                    AttemptFields.of(envelope, r, time, facts)));
        }
        List<String> lines = new ArrayList<>(events.size());
        synchronized (this) {
            recent.computeIfAbsent(envelope.queueId(), k -> new ArrayList<>()).addAll(events);
            try {
                for (Event e : events) {
                    String l = line(e);
                    write(l);
                    lines.add(l);
                }
                out.flush();
            } catch (IOException e) {
                LOG.error("cannot write the delivery event log {}: {}", file, e.toString());
                close();
            }
        }
        lines.forEach(this::tap);
    }

    /** The events {@link #find} gives: a recipient's delivery attempts and the reports that came back later. */
    private static final java.util.Set<String> ATTEMPTS = java.util.Set.of("delivered", "deferred", "failed", "expired",
            "returned");

    /**
     * Records a report about a recipient that came back to the return path after delivery (event {@code returned}):
     * written like {@link #note}, and kept with the message's attempts for {@link #find}.
     *
     * @param principal the message's login or API key when this hub still knows it, or {@code null}
     * @param fields the fields after {@code recipient, action, status, reply, remote_mta, principal}
     */
    public void returned(Instant time, String queueId, String recipient, String action, String status, String reply,
            String remoteMta, String principal, Map<String, ?> fields) {
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("recipient", recipient);
        all.put("action", action);
        all.put("status", status);
        all.put("reply", reply);
        all.put("remote_mta", remoteMta);
        all.put("principal", principal);
        all.putAll(fields);
        synchronized (this) {
            List<Event> known = recent.get(queueId);
            if (known != null) {
                Map<String, Object> details = new LinkedHashMap<>(fields);
                details.put("action", action);
                known.add(new Event(time, queueId, "returned", recipient, status, remoteMta, reply == null ? "" : reply,
                        0, principal, List.of(), null, details));
            }
        }
        note(time, queueId, "returned", all);
    }

    private volatile java.util.function.Consumer<String> tap;

    /** Also hands every line to {@code tap} (a Camel endpoint, {@code mailhub.events.endpoint}), after the file. */
    public DeliveryEvents withTap(java.util.function.Consumer<String> tap) {
        this.tap = tap;
        return this;
    }

    /**
     * Records an event that is not a delivery attempt ({@code received}, {@code rejected}, {@code bounced},
     * {@code delay_warning}, {@code held}, {@code released}, {@code deleted}, {@code dead_lettered}, {@code admin_*}):
     * {@code time}, {@code queue_id} (when there is one) and {@code event}, then {@code fields} in their order. Values
     * may be strings, numbers, booleans, lists and maps; {@code null} values are left out.
     */
    public void note(Instant time, String queueId, String event, Map<String, ?> fields) {
        String line;
        try {
            StringWriter w = new StringWriter(256);
            try (JsonGenerator g = JSON.createGenerator(w)) {
                g.writeStartObject();
                g.writeStringField("time", time.toString());
                if (queueId != null) {
                    g.writeStringField("queue_id", queueId);
                }
                g.writeStringField("event", event);
                for (Map.Entry<String, ?> f : fields.entrySet()) {
                    if (f.getValue() != null) {
                        g.writeFieldName(f.getKey());
                        value(g, f.getValue());
                    }
                }
                g.writeEndObject();
            }
            line = w.toString();
        } catch (IOException e) {
            LOG.error("cannot write an event line for {}: {}", queueId, e.toString());
            return;
        }
        synchronized (this) {
            try {
                write(line);
                out.flush();
            } catch (IOException e) {
                LOG.error("cannot write the delivery event log {}: {}", file, e.toString());
                close();
            }
        }
        tap(line);
    }

    private void tap(String line) {
        java.util.function.Consumer<String> t = tap;
        if (t != null) {
            try {
                t.accept(line);
            } catch (RuntimeException e) {
                LOG.warn("the event endpoint refused an event: {}", e.toString());
            }
        }
    }

    /** The delivery attempts of a message: from memory when recent, else from the current log file; oldest first. */
    public List<Event> find(String queueId) {
        synchronized (this) {
            List<Event> r = recent.get(queueId);
            if (r != null) {
                return List.copyOf(r);
            }
        }
        List<Event> found = new ArrayList<>();
        if (!Files.isReadable(file)) {
            return found;
        }
        String needle = "\"queue_id\":\"" + queueId + "\"";
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.contains(needle) && line.contains("\"recipient\":")) {
                    Event e = parse(MAPPER.readTree(line));
                    if (ATTEMPTS.contains(e.event())) { // attempts and later reports, not suppressed and others
                        found.add(e);
                    }
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot read the delivery event log {}: {}", file, e.toString());
        }
        return found;
    }

    private void write(String line) throws IOException {
        if (out == null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            written = Files.size(file);
        }
        out.write(line);
        out.write('\n');
        written += line.length() + 1;
        if (written > ROTATE_AT) {
            rotate();
        }
    }

    private void rotate() throws IOException {
        out.close();
        out = null;
        for (int i = KEEP - 1; i >= 1; i--) {
            Path from = file.resolveSibling(file.getFileName() + "." + i);
            if (Files.exists(from)) {
                Files.move(from, file.resolveSibling(file.getFileName() + "." + (i + 1)),
                        StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.move(file, file.resolveSibling(file.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
    }

    public synchronized void close() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                LOG.debug("closing the event log: {}", e.toString());
            }
            out = null;
        }
    }

    /**
     * Writes a field's value: strings, numbers, booleans, lists and maps directly (most of an event line's fields,
     * without the object mapper's per-call set-up), anything else through the object mapper.
     */
    private static void value(JsonGenerator g, Object v) throws IOException {
        if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            g.writeNumber(((Number) v).longValue());
        } else if (v instanceof Double d) {
            g.writeNumber(d);
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof java.util.List<?> list) {
            g.writeStartArray();
            for (Object o : list) {
                value(g, o);
            }
            g.writeEndArray();
        } else if (v instanceof Map<?, ?> map) {
            g.writeStartObject();
            for (Map.Entry<?, ?> f : map.entrySet()) {
                g.writeFieldName(String.valueOf(f.getKey()));
                value(g, f.getValue());
            }
            g.writeEndObject();
        } else {
            MAPPER.writeValue(g, v);
        }
    }

    static String line(Event e) throws IOException {
        StringWriter w = new StringWriter(256);
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("time", e.time().toString());
            g.writeStringField("queue_id", e.queueId());
            g.writeStringField("event", e.event());
            g.writeStringField("recipient", e.recipient());
            g.writeStringField("status", e.status());
            if (e.remoteMta() != null) {
                g.writeStringField("remote_mta", e.remoteMta());
            }
            g.writeStringField("reply", e.reply());
            g.writeNumberField("attempt", e.attempt());
            if (e.principal() != null) {
                g.writeStringField("principal", e.principal());
            }
            for (Map.Entry<String, Object> f : e.details().entrySet()) {
                g.writeFieldName(f.getKey());
                value(g, f.getValue());
            }
            if (!e.tags().isEmpty()) {
                g.writeArrayFieldStart("tags");
                for (String t : e.tags()) {
                    g.writeString(t);
                }
                g.writeEndArray();
            }
            if (e.metadata() != null) {
                g.writeFieldName("metadata");
                try {
                    g.writeTree(MAPPER.readTree(e.metadata()));
                } catch (com.fasterxml.jackson.core.JsonProcessingException notJson) { // set by a route, not a door
                    g.writeString(e.metadata());
                }
            }
            g.writeEndObject();
        }
        return w.toString();
    }

    private static Event parse(JsonNode n) {
        return new Event(Instant.parse(n.path("time").asText()), n.path("queue_id").asText(),
                n.path("event").asText().toLowerCase(Locale.ROOT), n.path("recipient").asText(),
                n.path("status").asText(), n.hasNonNull("remote_mta") ? n.get("remote_mta").asText() : null,
                n.path("reply").asText(), n.path("attempt").asInt(),
                n.hasNonNull("principal") ? n.get("principal").asText() : null, tags(n.path("tags")),
                n.hasNonNull("metadata") ? n.get("metadata").toString() : null, details(n));
    }

    private static final java.util.Set<String> CORE = java.util.Set.of("time", "queue_id", "event", "recipient",
            "status", "remote_mta", "reply", "attempt", "principal", "tags", "metadata");

    /** The fields of a line beyond the core ones, as plain values. */
    private static Map<String, Object> details(JsonNode n) {
        Map<String, Object> details = new LinkedHashMap<>();
        n.fields().forEachRemaining(f -> {
            if (!CORE.contains(f.getKey())) {
                details.put(f.getKey(), MAPPER.convertValue(f.getValue(), Object.class));
            }
        });
        return details;
    }

    private static List<String> tags(JsonNode array) {
        List<String> tags = new ArrayList<>();
        array.forEach(t -> tags.add(t.asText()));
        return List.copyOf(tags);
    }
}
