package io.mailhub.ingress.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mailhub.auth.ApiKey;
import io.mailhub.model.QueueIds;
import io.mailhub.queue.IdempotencyRecords;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code Idempotency-Key} (up to 256 characters, kept 24 hours): the same key from the same API key gets the first
 * answer again ({@code Idempotent-Replay: true}) and never makes a second message; the same key with another body is
 * 422; a request with the key still being processed is 409.
 *
 * <p>How it holds across a crash and across hubs on one broker: a record "in flight, body hash H" is stored durably in
 * the broker before anything is sent, and the answer after; the messages of the request get queue ids derived from
 * the key (the same ids again when the request is repeated), and the broker's duplicate detection stores each id only
 * once. A request repeated after a crash in the middle therefore sends what is missing and answers with the ids the
 * first attempt would have answered with.
 */
final class Idempotency {

    static final Duration KEEP = Duration.ofHours(24);
    static final int MAX_KEY = 256;
    private static final Logger LOG = LoggerFactory.getLogger("io.mailhub.ingress");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** A stored answer: the request's body hash, and once done its status, body and Location. */
    record Record(String hash, boolean done, int status, String body, String location, long expiresAt) {}

    /**
     * What to do with a request: go on, or answer it again ({@code replay}). The queue ids of its messages derive from
     * the API key, the Idempotency-Key and the body: a repeated request makes the same messages (stored once), and
     * another body under the same key (on a hub that has not seen the first) makes different ones, never silently
     * dropped ones.
     */
    record Begin(String scope, String bodyHash, Record replay) {
        /** The queue id of the request's n-th message (from 0). */
        String queueId(int n) {
            return QueueIds.derived(scope + "\0" + bodyHash + "\0" + n);
        }
    }

    private final IdempotencyRecords store;
    private final Clock clock;
    private final Map<String, Record> records = new ConcurrentHashMap<>();
    private final Map<String, Boolean> inFlight = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong lastPrune = new java.util.concurrent.atomic.AtomicLong();

    /** @param store the broker's records, or {@code null}: in memory only (no broker access, tests) */
    Idempotency(IdempotencyRecords store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Takes the idempotency records among the broker's records (at start-up; other kinds have other prefixes). */
    void load(Map<String, String> stored) {
        stored.forEach((k, v) -> {
            // the hub's other records (alert repeats, suspensions) share the queue; keys of requests are SHA-256 hex
            Record r = k == null || !k.matches("[0-9a-f]{64}") ? null : parse(v);
            if (r != null) {
                records.put(k, r);
            }
        });
        LOG.info("{} idempotency key(s) of the last 24 hours loaded", records.size());
    }

    /** How many records are held in memory. */
    int size() {
        return records.size();
    }

    /** Drops expired records at most once a minute (they are never asked for again unless their key is reused). */
    private void pruneNowAndThen() {
        long now = clock.millis();
        long last = lastPrune.get();
        if (now - last >= 60_000 && lastPrune.compareAndSet(last, now)) {
            records.values().removeIf(r -> r.expiresAt() < now);
        }
    }

    /** Refuses an Idempotency-Key that is empty or too long (400), before the request's body is read. */
    static void checkKey(String idempotencyKey) throws ApiProblem {
        if (idempotencyKey.isEmpty() || idempotencyKey.length() > MAX_KEY) {
            throw ApiProblem.invalid("Idempotency-Key", "must be 1 to " + MAX_KEY + " characters");
        }
    }

    /**
     * Starts a request with an Idempotency-Key.
     *
     * @param bodyHash SHA-256 of the request body
     */
    Begin begin(ApiKey key, String idempotencyKey, byte[] bodyHash) throws ApiProblem {
        checkKey(idempotencyKey);
        String scope = key.name() + "\0" + idempotencyKey;
        String id = storeKey(scope);
        String hash = HexFormat.of().formatHex(bodyHash);
        if (inFlight.putIfAbsent(id, Boolean.TRUE) != null) {
            throw new ApiProblem(409, "idempotency-in-flight", "The request is still being processed",
                    "a request with this Idempotency-Key is being processed; try again when it has been answered",
                    List.of(), "4.5.0", 1);
        }
        pruneNowAndThen();
        Record r = records.get(id);
        if (r != null && r.expiresAt() < clock.millis()) {
            records.remove(id);
            r = null;
        }
        if (r != null && !r.hash().equals(hash)) {
            inFlight.remove(id);
            throw ApiProblem.unprocessable("idempotency-key-reused", "The Idempotency-Key was used for another request",
                    "this Idempotency-Key was used with a different request body", List.of(), "5.5.0");
        }
        if (r != null && r.done()) {
            inFlight.remove(id);
            return new Begin(scope, hash, r);
        }
        Record started = new Record(hash, false, 0, null, null, clock.millis() + KEEP.toMillis());
        save(id, started);
        return new Begin(scope, hash, null);
    }

    /**
     * Records the answer of a request begun with {@link #begin}: a final one (2xx, 4xx) is given again to a repeated
     * request; one that asks the client to try again (409, 429, 5xx) is not kept, so the next attempt is processed.
     */
    void complete(String scope, byte[] bodyHash, int status, String body, String location) {
        String id = storeKey(scope);
        try {
            if (isFinal(status)) {
                save(id, new Record(HexFormat.of().formatHex(bodyHash), true, status, body, location,
                        clock.millis() + KEEP.toMillis()));
            }
        } finally {
            inFlight.remove(id);
        }
    }

    static boolean isFinal(int status) {
        return status < 500 && status != 409 && status != 429 && status != 408;
    }

    private void save(String id, Record r) {
        records.put(id, r);
        if (store == null) {
            return;
        }
        try {
            store.save(id, json(r), KEEP);
        } catch (Exception e) {
            LOG.warn("idempotency record not stored in the broker: {}", e.toString());
        }
    }

    /** The broker's key of a scope: a hash, so key names and client keys never appear in the broker. */
    private static String storeKey(String scope) {
        try {
            return HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(scope.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String json(Record r) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("hash", r.hash()).put("done", r.done()).put("status", r.status()).put("expires", r.expiresAt());
        if (r.body() != null) {
            n.put("body", r.body());
        }
        if (r.location() != null) {
            n.put("location", r.location());
        }
        return n.toString();
    }

    private static Record parse(String json) {
        try {
            JsonNode n = MAPPER.readTree(json);
            return new Record(n.path("hash").asText(), n.path("done").asBoolean(), n.path("status").asInt(),
                    n.hasNonNull("body") ? n.get("body").asText() : null,
                    n.hasNonNull("location") ? n.get("location").asText() : null, n.path("expires").asLong());
        } catch (Exception e) {
            return null;
        }
    }
}
