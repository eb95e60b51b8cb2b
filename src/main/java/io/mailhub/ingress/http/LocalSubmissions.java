package io.mailhub.ingress.http;

import io.mailhub.acceptance.Origin;
import io.mailhub.auth.ApiKey;
import io.mailhub.model.DsnRet;
import io.mailhub.model.MailAddress;
import io.mailhub.model.Recipient;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

/**
 * The send API's message formats for the hub's local doors (the pickup directory and {@code sendmail}): a JSON
 * message in the native API's schema, or a raw message with the envelope the door read beside it. Both go through
 * exactly the checks of an API request by a key that stands for the door: its name is the principal, its senders are
 * the door's sender rule, it has no scopes (no {@code route}, no {@code send_at}). A refusal carries the same
 * enhanced status code the API would answer with.
 */
public final class LocalSubmissions implements Submissions {

    /**
     * A JSON message of the send API as the hub would build it, with its envelope, without sending it ({@code routes
     * test}).
     *
     * @throws Refused the JSON is not a message the API would take
     */
    public static io.mailhub.model.Envelope render(InputStream json, String queueId, String user,
            java.io.ByteArrayOutputStream message) throws Refused, IOException {
        try {
            java.nio.file.Path spool = java.nio.file.Files.createTempDirectory("mailhub-render");
            try {
                ApiSender.Rendered r = ApiSender.render(MessageJson.parse(json, spool), spool);
                message.writeBytes(r.message());
                return new io.mailhub.model.Envelope(queueId, r.sender(), r.recipients(), null, null,
                        io.mailhub.model.BodyType.EIGHT_BIT_MIME, false, "127.0.0.1", null, user,
                        java.time.Instant.now(), r.message().length);
            } finally {
                try (var files = java.nio.file.Files.walk(spool)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
            }
        } catch (ApiProblem p) {
            throw new Refused(p);
        }
    }

    /** Why a message was not taken: one line, with its enhanced status code, for a {@code .reason} file or a log. */
    public static final class Refused extends Exception {

        private static final long serialVersionUID = 1L;

        private final String enhancedStatus;
        private final String type;

        /** A refusal with its enhanced status ({@code 4.x.x}: try again later), problem type and detail. */
        public static Refused of(String enhancedStatus, String type, String detail) {
            return new Refused(enhancedStatus, type, detail);
        }

        private Refused(String enhancedStatus, String type, String detail) {
            super(detail, null, false, false);
            this.enhancedStatus = enhancedStatus;
            this.type = type;
        }

        Refused(ApiProblem p) {
            super(p.getMessage() + fieldErrors(p), null, false, false);
            this.enhancedStatus = p.enhancedStatus;
            this.type = p.type;
        }

        private static String fieldErrors(ApiProblem p) {
            return p.errors.isEmpty() ? "" : " (" + p.errors.stream().map(e -> e.field() + ": " + e.message())
                    .collect(Collectors.joining("; ")) + ")";
        }

        /** Whether trying again later may succeed (a 4.x.x status: the queue, the disk, a rate). */
        public boolean isTemporary() {
            return enhancedStatus.startsWith("4");
        }

        public String enhancedStatus() {
            return enhancedStatus;
        }

        /** The problem type of the HTTP API ({@code invalid-address}, {@code sender-not-allowed}, ...). */
        public String type() {
            return type;
        }

        /** {@code 5.7.1 sender-not-allowed: <a@b> is not an address ...}, on one line. */
        public String reason() {
            return (enhancedStatus + " " + type + ": " + getMessage()).replaceAll("[\\r\\n]+", " ");
        }
    }

    /**
     * A message stored: its queue id and Message-ID, the recipients taken and those refused (address: reply), as the
     * API's 202 answer lists them.
     */
    public record Queued(String queueId, String messageId, List<String> accepted, Map<String, String> rejected) {

        static Queued of(String queueId, String messageId, List<MailAddress> accepted,
                Map<MailAddress, io.mailhub.model.SmtpReply> rejected) {
            Map<String, String> r = new LinkedHashMap<>();
            rejected.forEach((a, reply) -> r.put(a.toString(), reply.toWire().strip()));
            return new Queued(queueId, messageId, accepted.stream().map(MailAddress::toString).toList(), r);
        }
    }

    private final ApiDoor door;

    LocalSubmissions(ApiDoor door) {
        this.door = door;
    }

    /**
     * Sends a JSON message (one object of the native API's schema).
     *
     * @param queueIds the queue id of the n-th message the request makes (derived, so that the same input read again
     *     after a crash makes the same messages, which the broker stores once)
     * @return the messages made
     */
    @Override
    public List<Queued> json(InputStream in, ApiKey door, Origin origin, IntFunction<String> queueIds)
            throws Refused, IOException {
        try {
            this.door.sender.checkReady(0);
            MessageRequest m = MessageJson.parse(in, this.door.spoolDirectory);
            return this.door.sender.send(m, door, origin, queueIds).stream()
                    .map(x -> Queued.of(x.queueId(), x.messageId(), x.accepted(), x.rejected())).toList();
        } catch (ApiProblem p) {
            throw new Refused(p);
        }
    }

    @Override
    public String notReady() {
        try {
            door.sender.checkReady(0);
            return null;
        } catch (ApiProblem p) {
            return new Refused(p).reason();
        }
    }

    /**
     * Sends a raw RFC 5322 message; the envelope comes from {@code sender}/{@code recipients} when given, else from
     * the header (From or Sender; To, Cc and Bcc), and a Bcc field is removed either way.
     *
     * @param size the message's size as far as known (0: unknown), checked against the free disk before reading
     * @param senderGiven whether {@code sender} was given ({@code null} then is the null sender {@code <>})
     * @param recipients the recipients given, or empty: the header's
     * @return the message made
     */
    @Override
    public Queued raw(InputStream in, long size, ApiKey door, Origin origin, boolean senderGiven, MailAddress sender,
            List<Recipient> recipients, DsnRet ret, String envid, String queueId) throws Refused, IOException {
        try {
            RawSend.Result r = new RawSend(this.door).send(origin, size, door, in, new RawSend.GivenEnvelope(
                    senderGiven, sender, recipients, ret, envid), queueId, false);
            return Queued.of(r.queueId(), r.messageId(), r.accepted(), r.rejected());
        } catch (ApiProblem p) {
            throw new Refused(p);
        }
    }
}
