package io.mailhub.ingress.http;

import io.mailhub.acceptance.Door;
import io.mailhub.acceptance.MailAcceptance;
import io.mailhub.acceptance.Origin;
import io.mailhub.auth.ApiKey;
import io.mailhub.auth.ApiKeys;
import io.mailhub.auth.AuthFailures;
import io.mailhub.cleanup.SessionTrace;
import io.mailhub.delivery.DeliveryEvents;
import io.mailhub.queue.IdempotencyRecords;
import io.mailhub.queue.MailQueueAdmin;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP door: what every API endpoint (native and provider aliases) shares: who is calling (the API key), how
 * often (its rate), from where (the {@link Origin} the acceptance stage records), and how a message is sent
 * ({@link ApiSender}). {@link #serveOn} puts the endpoints on the hub's HTTP listener.
 */
public final class ApiDoor {

    private static final Logger LOG = LoggerFactory.getLogger("io.mailhub.ingress");

    final ApiAuth auth;
    final KeyRates rates;
    final ApiSender sender;
    final MailQueueAdmin queues;
    final DeliveryEvents events;
    final Path spoolDirectory;
    final int spoolThreshold;
    final long maxMessageSize;
    final int maxLineLength;
    final Clock clock;
    final Idempotency idempotency;
    final AlertRepeats alertRepeats;
    private final IdempotencyRecords records;
    private final Path templates;
    private AlertSettings alerts = new AlertSettings("", "", null, java.time.Duration.ofHours(1));

    /**
     * @param keys the API keys, or {@code null}: every call gets 401
     * @param queues the embedded broker's queues (for {@code GET /api/v1/messages/{id}}), or {@code null}
     */
    public ApiDoor(MailAcceptance acceptance, ApiKeys keys, AuthFailures failures, Path templates, Path spoolDirectory,
            int spoolThreshold, int maxLineLength, MailQueueAdmin queues, DeliveryEvents events,
            IdempotencyRecords idempotencyRecords, Clock clock) {
        this.auth = new ApiAuth(keys, failures);
        this.rates = new KeyRates(clock);
        this.sender = new ApiSender(acceptance, new Templates(templates), spoolDirectory, spoolThreshold, clock);
        this.queues = queues;
        this.events = events;
        this.spoolDirectory = spoolDirectory;
        this.spoolThreshold = spoolThreshold;
        this.maxMessageSize = acceptance.settings().maxMessageSize();
        this.maxLineLength = maxLineLength;
        this.clock = clock;
        this.idempotency = new Idempotency(idempotencyRecords, clock);
        this.alertRepeats = new AlertRepeats(idempotencyRecords == null ? null
                : idempotencyRecords.in(IdempotencyRecords.ALERTS), clock);
        this.records = idempotencyRecords;
        this.templates = templates;
    }

    private io.micrometer.core.instrument.MeterRegistry registry;

    /**
     * Counts a refusal the acceptance stage did not count (bad key, malformed request, too large, sender or recipient
     * refused before acceptance) as {@code mailhub_rejections_total{door,code,reason}}: code is the SMTP code the
     * SMTP door gives for the same reason, or the HTTP status when there is none.
     */
    void refused(String doorLabel, ApiProblem p) {
        if (registry != null && !p.counted && p.status >= 400) {
            p.counted = true;
            io.mailhub.acceptance.AcceptanceMeters.rejection(registry, doorLabel,
                    p.replyCode > 0 ? p.replyCode : p.status, p.enhancedStatus);
        }
    }

    /**
     * Counts refused API keys as {@code mailhub_auth_failures_total{door="http"}} and refusals before the acceptance
     * stage in {@code mailhub_rejections_total} in {@code registry}.
     */
    public ApiDoor withMeters(io.micrometer.core.instrument.MeterRegistry registry) {
        this.registry = registry;
        auth.countFailuresIn(io.micrometer.core.instrument.Counter.builder("mailhub.auth.failures")
                .description("Failed logins and refused credentials, by door")
                .tag("door", "http")
                .register(registry));
        return this;
    }

    private io.mailhub.delivery.Suppressions suppressions;

    /** The hub's suppression list, which Postmark's suppressions endpoints manage (before {@link #serveOn}). */
    public ApiDoor withSuppressions(io.mailhub.delivery.Suppressions suppressions) {
        this.suppressions = suppressions;
        return this;
    }

    /** The monitoring webhooks' recipients, senders and dedup window (before {@link #serveOn}). */
    public ApiDoor withAlerts(AlertSettings alerts) {
        this.alerts = alerts;
        return this;
    }

    /** The send API's message formats for the local doors (pickup directory, {@code sendmail}). */
    public LocalSubmissions localSubmissions() {
        return new LocalSubmissions(this);
    }

    /**
     * Loads what must be known before the first request: the idempotency keys of the last 24 hours and when recent
     * monitoring notifications were first mailed.
     */
    public void start() {
        if (records == null) {
            return;
        }
        try {
            java.util.Map<String, String> stored = records.loadAll();
            idempotency.load(stored);
            alertRepeats.load(stored); // written there before hub.alerts existed; they expire within their windows
            alertRepeats.load(records.in(IdempotencyRecords.ALERTS).loadAll());
        } catch (Exception e) {
            LOG.warn("idempotency keys and alert repeats not loaded from the broker: {}", e.toString());
        }
    }

    /** Registers the native API and the provider aliases, and the problem type descriptions. */
    public void serveOn(HttpListener http) {
        http.serve("/api/v1/*", new NativeApiServlet(this));
        http.serve("/api/v1/webhooks/*", new AlertmanagerServlet(this, alerts, templates, clock));
        PostmarkServlet postmark = new PostmarkServlet(this);
        http.serve("/email", postmark);
        http.serve("/email/*", postmark);
        if (suppressions != null) {
            http.serve("/message-streams/*", new PostmarkSuppressionsServlet(this, suppressions));
        }
        http.serveMultipart("/v3/*", new V3Servlet(this, suppressions), maxMultipartRequest());
        http.serve(ApiResponses.PROBLEM_BASE + "*", new ProblemTypesServlet());
    }

    /** The caller's origin: the HTTP door, its address, the key, and TLS when it came over HTTPS. */
    Origin origin(HttpServletRequest req, ApiKey key) {
        return origin(req, key, Door.HTTP);
    }

    /** The same, for a door that comes in over HTTP (the monitoring webhooks: {@link Door#WEBHOOK}). */
    Origin origin(HttpServletRequest req, ApiKey key, Door via) {
        boolean secure = req.isSecure();
        String cipher = (String) req.getAttribute("jakarta.servlet.request.cipher_suite");
        return new Origin(via, ApiAuth.client(req), null, key, false, SessionTrace.via(secure ? "HTTPS" : "HTTP",
                req.getRemoteAddr(), secure ? "TLS" : null, secure ? cipher : null, key.name()));
    }

    /** The most octets of a JSON request for one message: the largest message in base64, and the JSON around it. */
    long maxJsonRequest() {
        return maxMessageSize * 4 / 3 + 4 * 1024 * 1024;
    }

    /** The most octets of a multipart form request (Mailgun's): attachments are sent as they are, not in base64. */
    long maxMultipartRequest() {
        return maxMessageSize * 2 + 1024 * 1024;
    }

    /**
     * {@code body} cut off (413) once it is longer than {@code limit}; refused at once when the request declares a
     * longer Content-Length.
     */
    static InputStream limited(HttpServletRequest req, InputStream body, long limit) throws ApiProblem {
        if (req.getContentLengthLong() > limit) {
            drain(body, req.getContentLengthLong());
            throw LimitedInputStream.tooLarge(limit);
        }
        return new LimitedInputStream(body, limit);
    }

    /** The largest refused body the door still reads to its end before answering. */
    static final long DRAIN_LIMIT = 64L * 1024 * 1024;

    /**
     * Reads a refused body to its end (up to {@link #DRAIN_LIMIT}) before the answer, so that a client still sending
     * it reads our answer instead of losing the connection mid-send (curl: "Send failure: Broken pipe"). A larger
     * body is not read: the connection closes after the answer.
     */
    private static void drain(InputStream body, long length) {
        if (length > DRAIN_LIMIT) {
            return;
        }
        try {
            body.skipNBytes(length);
        } catch (IOException e) {
            // the client went away or sent less: the answer goes out (or not) all the same
        }
    }

    /**
     * Before a refusal: reads what is left of a request body of known length (up to {@link #DRAIN_LIMIT}), so the
     * connection stays usable. A refusal that leaves the body unread makes Jetty close the connection after the
     * answer, and a client that reuses it for its next request (Java's HttpClient does) fails with an EOF.
     */
    static void drainRest(HttpServletRequest req) {
        long length = req.getContentLengthLong();
        if (length <= 0 || length > DRAIN_LIMIT) {
            return;
        }
        try {
            req.getInputStream().transferTo(OutputStream.nullOutputStream());
        } catch (IOException | IllegalStateException e) {
            // read already as characters, or the client went away: the answer goes out (or not) all the same
        }
    }

    /** Counts {@code n} messages against the key's rate; sets the RateLimit headers; 429 when over. */
    void takeRate(ApiKey key, int n, HttpServletResponse resp) throws ApiProblem {
        KeyRates.Decision d = rates.take(key, n);
        if (d.limit() > 0) {
            resp.setHeader("RateLimit-Limit", Integer.toString(d.limit()));
            resp.setHeader("RateLimit-Remaining", Integer.toString(d.remaining()));
            resp.setHeader("RateLimit-Reset", Long.toString(d.resetSeconds()));
        }
        if (d.never()) { // a 429 would make the client retry for ever
            LOG.info("API key {}: a request of {} messages is more than its rate of {} per hour", key.name(), n,
                    d.limit());
            throw ApiProblem.unprocessable("over-rate-limit", "More messages than the key's rate", "the request makes "
                    + n + " messages, more than the " + d.limit() + " per hour API key " + key.name() + " may send:"
                    + " split it, or raise the key's rate", List.of(), "5.5.3");
        }
        if (!d.allowed()) {
            LOG.info("API key {} over its rate of {} messages per hour", key.name(), d.limit());
            throw new ApiProblem(429, "rate-limited", "Too many messages", "API key " + key.name() + " may send "
                    + d.limit() + " messages per hour", List.of(), "4.7.1", d.resetSeconds());
        }
    }
}
