package io.mailhub.ingress.http;

import io.mailhub.acceptance.Decision;
import io.mailhub.acceptance.EnvelopeCheck;
import io.mailhub.acceptance.MailAcceptance;
import io.mailhub.acceptance.Origin;
import io.mailhub.acceptance.Submission;
import io.mailhub.auth.ApiKey;
import io.mailhub.ingress.http.MessageRequest.Address;
import io.mailhub.ingress.http.MessageRequest.Header;
import io.mailhub.ingress.http.MessageRequest.Personal;
import io.mailhub.model.BodyType;
import io.mailhub.model.DsnNotify;
import io.mailhub.model.EnvelopeHeaders;
import io.mailhub.model.MailAddress;
import io.mailhub.model.Recipient;
import io.mailhub.model.SmtpReply;
import io.mailhub.queue.MailQueue;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * Sends what an API request describes, for the native API and the provider aliases alike: checks the key's scopes,
 * renders templates, builds each message (one per {@code recipients} entry), asks the policy about the envelope, and
 * hands it to the acceptance stage. "Sent" means durably queued; a sandbox request is built and checked the same way
 * but never queued.
 */
final class ApiSender {

    /** One message's outcome. */
    record Sent(String queueId, String messageId, Instant submittedAt, List<MailAddress> accepted,
            Map<MailAddress, SmtpReply> rejected, String preview) {}

    static final int PREVIEW_LIMIT = 1 << 20;

    private final MailAcceptance acceptance;
    private final Templates templates;
    private final Path spoolDirectory;
    private final int spoolThreshold;
    private final Clock clock;

    ApiSender(MailAcceptance acceptance, Templates templates, Path spoolDirectory, int spoolThreshold, Clock clock) {
        this.acceptance = acceptance;
        this.templates = templates;
        this.spoolDirectory = spoolDirectory;
        this.spoolThreshold = spoolThreshold;
        this.clock = clock;
    }

    MailAcceptance acceptance() {
        return acceptance;
    }

    /** Whether mail can be queued now; 503 with Retry-After when not. */
    void checkReady(long size) throws ApiProblem {
        MailQueue.Readiness r = acceptance.readiness(size);
        if (r != MailQueue.Readiness.READY) {
            throw Problems.unavailable(MailAcceptance.notReady(r));
        }
    }

    /** Sends the request: one message, or one per {@code recipients} entry. Releases the attachments in any case. */
    List<Sent> send(MessageRequest m, ApiKey key, Origin origin) throws ApiProblem {
        return send(m, key, origin, null);
    }

    /**
     * As {@link #send(MessageRequest, ApiKey, Origin)}, the n-th message (from 0) with queue id {@code queueIds(n)}
     * ({@code null}: new ids), for a request with an Idempotency-Key.
     */
    List<Sent> send(MessageRequest m, ApiKey key, Origin origin, IntFunction<String> queueIds) throws ApiProblem {
        try {
            checkRequest(m, key);
            return sendChecked(m, key, origin, queueIds);
        } finally {
            m.discard();
        }
    }

    /**
     * Sends several requests that share attachments (SendGrid's personalizations): all are checked before the first
     * is queued, so that a request refused for one of them queues none; the attachments are released at the end.
     */
    List<Sent> sendAll(List<MessageRequest> requests, ApiKey key, Origin origin) throws ApiProblem {
        try {
            for (MessageRequest m : requests) {
                checkRequest(m, key);
            }
            List<Sent> sent = new ArrayList<>();
            for (MessageRequest m : requests) {
                sent.addAll(sendChecked(m, key, origin, null));
            }
            return sent;
        } finally {
            requests.forEach(MessageRequest::discard);
        }
    }

    private List<Sent> sendChecked(MessageRequest m, ApiKey key, Origin origin, IntFunction<String> queueIds)
            throws ApiProblem {
        List<Sent> sent = new ArrayList<>();
        if (m.recipients().isEmpty()) {
            sent.add(sendOne(m, key, origin, m.to(), m.template() == null ? Map.of() : m.template().model(),
                    List.of(), queueIds == null ? null : queueIds.apply(0)));
        } else {
            int n = 0;
            for (Personal p : m.recipients()) {
                Map<String, Object> model = new LinkedHashMap<>(m.template() == null ? Map.of() : m.template().model());
                model.putAll(p.model());
                sent.add(sendOne(m, key, origin, List.of(p.email()), model, p.headers(),
                        queueIds == null ? null : queueIds.apply(n++)));
            }
        }
        return sent;
    }

    /**
     * Builds the request's messages without any key and sends none (Postmark's test token): the request's own checks,
     * templates and MIME building, not the sender rules or the policy.
     */
    List<Sent> test(MessageRequest m) throws ApiProblem {
        try {
            checkBody(m);
            List<Sent> out = new ArrayList<>();
            List<List<Address>> messages = m.recipients().isEmpty() ? List.of(m.to())
                    : m.recipients().stream().map(p -> List.of(p.email())).toList();
            for (List<Address> to : messages) {
                Templates.Rendered r = m.template() == null ? new Templates.Rendered(m.subject(), m.text(), m.html())
                        : templates.render(m.template().id(), m.template().model());
                BuiltMessage built = MimeBuilder.build(m, r.subject() != null ? r.subject() : m.subject(),
                        r.text() != null ? r.text() : m.text(), r.html() != null ? r.html() : m.html(), to, List.of(),
                        spoolDirectory, spoolThreshold);
                String preview = preview(built);
                built.content().close();
                out.add(new Sent(null, null, clock.instant(), recipients(m, to).stream().map(Recipient::address)
                        .toList(), Map.of(), preview));
            }
            return out;
        } catch (IOException e) {
            throw ApiProblem.unprocessable("build-failed", "The message could not be built", e.getMessage(), List.of(),
                    "5.6.0");
        } finally {
            m.discard();
        }
    }

    private void checkRequest(MessageRequest m, ApiKey key) throws ApiProblem {
        checkBody(m);
        checkScopes(m, key);
        checkSendAt(m.sendAt());
        checkSender(m, key);
    }

    /** The envelope sender: {@code envelope.mail_from} when given ({@code null} for {@code <>}), else From. */
    /**
     * The message a JSON request (without a template or personalizations) would make, and its envelope, without
     * sending it: for {@code routes test}.
     */
    static Rendered render(MessageRequest m, Path spoolDirectory) throws ApiProblem, IOException {
        if (m.template() != null) {
            throw ApiProblem.invalid("template", "routes test takes messages without templates");
        }
        List<Recipient> rcpts = recipients(m, m.to());
        if (rcpts.isEmpty()) {
            throw ApiProblem.invalid("to", "at least one recipient is needed");
        }
        BuiltMessage built = MimeBuilder.build(m, m.subject(), m.text(), m.html(), m.to(), List.of(), spoolDirectory,
                Integer.MAX_VALUE);
        try (io.mailhub.model.MessageContent c = built.content(); java.io.InputStream in = c.openStream()) {
            return new Rendered(sender(m), rcpts, in.readAllBytes());
        }
    }

    /** A rendered message: its envelope and its bytes. */
    record Rendered(MailAddress sender, List<Recipient> recipients, byte[] message) {}

    private static MailAddress sender(MessageRequest m) {
        return m.envelope() != null && (m.envelope().mailFrom() != null || m.envelope().nullSender())
                ? m.envelope().mailFrom() : m.from().email();
    }

    /** The key's rule: it sends only as its own addresses, in From and in the envelope (403, 5.7.1). */
    private static void checkSender(MessageRequest m, ApiKey key) throws ApiProblem {
        MailAddress sender = sender(m);
        if (!key.maySendAs(m.from().email()) || !key.maySendAs(sender)) {
            MailAddress wrong = key.maySendAs(m.from().email()) ? sender : m.from().email();
            throw ApiProblem.senderNotAllowed("<" + wrong + "> is not an address API key " + key.name()
                    + " may send as", List.of(new ApiProblem.FieldError(wrong == sender && m.envelope() != null
                            ? "envelope.mail_from" : "from", "<" + wrong + "> is not allowed for this key")));
        }
    }

    /** How far ahead {@code send_at} may be (SendGrid's and Mailgun's limit, within the retry lifetime of a message). */
    static final java.time.Duration MAX_SCHEDULE = java.time.Duration.ofHours(72);

    /** A delivery time at most {@link #MAX_SCHEDULE} ahead (a past one means now). */
    void checkSendAt(Instant sendAt) throws ApiProblem {
        if (sendAt != null && sendAt.isAfter(clock.instant().plus(MAX_SCHEDULE))) {
            throw ApiProblem.unprocessable("send-at-too-late", "The delivery time is too far ahead", "send_at "
                    + sendAt + " is more than 72 hours ahead", List.of(new ApiProblem.FieldError("send_at",
                            "must be at most 72 hours ahead")), "5.5.4");
        }
    }

    /** What a request needs whoever sends it: a sender, a recipient, a body; recipients or to/cc/bcc, not both. */
    private static void checkBody(MessageRequest m) throws ApiProblem {
        if (m.from() == null) {
            throw ApiProblem.unprocessable("missing-sender", "The message has no sender",
                    "from is required", List.of(new ApiProblem.FieldError("from", "is required")), "5.5.1");
        }
        boolean anyRecipient = !m.to().isEmpty() || !m.cc().isEmpty() || !m.bcc().isEmpty() || !m.recipients().isEmpty()
                || (m.envelope() != null && !m.envelope().rcptTo().isEmpty());
        if (!anyRecipient) {
            throw ApiProblem.unprocessable("no-recipients", "The message has no recipient",
                    "give to, cc, bcc, recipients or envelope.rcpt_to", List.of(new ApiProblem.FieldError("to",
                            "has no recipient")), "5.5.1");
        }
        if (!m.recipients().isEmpty() && (!m.to().isEmpty() || !m.cc().isEmpty() || !m.bcc().isEmpty())) {
            throw ApiProblem.unprocessable("recipients-conflict", "recipients and to/cc/bcc exclude each other",
                    "with recipients each message goes to one recipient; leave to, cc and bcc out",
                    List.of(new ApiProblem.FieldError("recipients", "cannot be combined with to, cc or bcc")), "5.5.1");
        }
        if (m.text() == null && m.html() == null && m.template() == null) {
            throw ApiProblem.unprocessable("empty-message", "The message has no body",
                    "give text, html or a template", List.of(new ApiProblem.FieldError("text", "is required unless"
                            + " html or template is given")), "5.6.0");
        }
    }

    private static void checkScopes(MessageRequest m, ApiKey key) throws ApiProblem {
        if (m.route() != null && !key.mayRoute()) {
            throw new ApiProblem(403, "scope-not-allowed", "The key may not do this", "API key " + key.name()
                    + " may not choose a route", List.of(new ApiProblem.FieldError("route", "not allowed for this key")),
                    "5.7.1", 0);
        }
        if (m.sendAt() != null && !key.maySchedule()) {
            throw new ApiProblem(403, "scope-not-allowed", "The key may not do this", "API key " + key.name()
                    + " may not schedule delivery", List.of(new ApiProblem.FieldError("send_at",
                            "not allowed for this key")), "5.7.1", 0);
        }
    }

    private Sent sendOne(MessageRequest m, ApiKey key, Origin origin, List<Address> to, Map<String, Object> model,
            List<Header> extraHeaders, String queueId) throws ApiProblem {
        String subject = m.subject();
        String text = m.text();
        String html = m.html();
        if (m.template() != null) {
            Templates.Rendered r = templates.render(m.template().id(), model);
            subject = r.subject() != null ? r.subject().strip() : subject;
            text = r.text() != null ? r.text() : text;
            html = r.html() != null ? r.html() : html;
            if (subject != null && (subject.indexOf('\n') >= 0 || subject.indexOf('\r') >= 0)) {
                subject = subject.replaceAll("[\\r\\n]+", " ");
            }
        }
        MailAddress sender = sender(m);
        List<Recipient> rcpts = recipients(m, to);
        EnvelopeCheck check = acceptance.checkEnvelope(origin, sender, rcpts);
        if (check.senderRefusal() != null) {
            throw Problems.fromReply(check.senderRefusal(), "from");
        }
        if (check.accepted().isEmpty()) {
            ApiProblem p = Problems.fromReply(check.refused().values().iterator().next(), null);
            List<ApiProblem.FieldError> errors = new ArrayList<>();
            check.refused().forEach((r, reply) -> errors.add(new ApiProblem.FieldError(r.address().toString(),
                    reply.toWire().strip())));
            throw new ApiProblem(p.status, p.type, p.title, "no recipient can be used: " + p.detail(), errors,
                    p.enhancedStatus, p.retryAfter);
        }
        BuiltMessage built;
        try {
            built = MimeBuilder.build(m, subject, text, html, to, extraHeaders, spoolDirectory, spoolThreshold);
        } catch (IOException e) {
            throw ApiProblem.unprocessable("build-failed", "The message could not be built", e.getMessage(), List.of(),
                    "5.6.0");
        }
        long limit = key.maxSize() > 0 ? Math.min(key.maxSize(), acceptance.settings().maxMessageSize())
                : acceptance.settings().maxMessageSize();
        if (built.content().size() > limit) {
            built.content().close();
            throw new ApiProblem(413, "message-too-big", "The message is too big", "the message has "
                    + built.content().size() + " octets, more than the " + limit + " allowed", List.of(), "5.3.4", 0);
        }
        Map<MailAddress, SmtpReply> rejected = new LinkedHashMap<>();
        check.refused().forEach((r, reply) -> rejected.put(r.address(), reply));
        List<MailAddress> accepted = check.accepted().stream().map(Recipient::address).toList();
        if (m.sandbox()) {
            String preview = preview(built);
            built.content().close();
            return new Sent(null, null, clock.instant(), accepted, rejected, preview);
        }
        Decision d = acceptance.accept(new Submission(origin, sender, check.accepted(),
                m.dsn() == null ? null : m.dsn().ret(), m.dsn() == null ? null : m.dsn().envid(), BodyType.SEVEN_BIT,
                built.smtputf8(), built.content(), built.headers(), annotations(m), m.sendAt(), queueId));
        if (!d.isAccepted()) {
            throw Problems.fromDecision(d);
        }
        return new Sent(d.queueId(), d.messageId(), clock.instant(), accepted, rejected, null);
    }

    /** The envelope recipients: {@code envelope.rcpt_to}, else the header recipients (Bcc only here). */
    private static List<Recipient> recipients(MessageRequest m, List<Address> to) {
        Set<DsnNotify> notify = m.dsn() == null ? Set.of() : m.dsn().notifyOn();
        List<MailAddress> addresses = new ArrayList<>();
        if (m.envelope() != null && !m.envelope().rcptTo().isEmpty()) {
            addresses.addAll(m.envelope().rcptTo());
        } else {
            to.forEach(a -> addresses.add(a.email()));
            if (m.recipients().isEmpty()) {
                m.cc().forEach(a -> addresses.add(a.email()));
                m.bcc().forEach(a -> addresses.add(a.email()));
            }
        }
        return addresses.stream().map(a -> new Recipient(a, notify, null)).toList();
    }

    /** Message properties the routes see: tags, metadata, route. Their names are the hub's, never the client's. */
    private static Map<String, String> annotations(MessageRequest m) {
        Map<String, String> a = new LinkedHashMap<>();
        if (!m.tags().isEmpty()) {
            a.put(EnvelopeHeaders.TAGS, String.join(",", m.tags()));
        }
        if (!m.metadata().isEmpty()) {
            a.put(EnvelopeHeaders.METADATA, JsonText.object(m.metadata()));
        }
        if (m.route() != null) {
            a.put(EnvelopeHeaders.ROUTE, m.route());
        }
        return a;
    }

    /** The built message as text, for a sandbox answer (the first MiB). */
    private static String preview(BuiltMessage built) {
        try (InputStream in = built.content().openStream()) {
            byte[] b = in.readNBytes(PREVIEW_LIMIT);
            return new String(b, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
