package io.mailhub.ingress.http;

import io.mailhub.acceptance.Decision;
import io.mailhub.acceptance.EnvelopeCheck;
import io.mailhub.acceptance.Origin;
import io.mailhub.acceptance.Submission;
import io.mailhub.auth.ApiKey;
import io.mailhub.cleanup.HeaderFieldFilter;
import io.mailhub.dkim.MessageHeader;
import io.mailhub.model.BodyType;
import io.mailhub.model.DsnRet;
import io.mailhub.model.MailAddress;
import io.mailhub.model.MessageContent;
import io.mailhub.model.Recipient;
import io.mailhub.model.SmtpPath;
import io.mailhub.model.SmtpReply;
import io.mailhub.model.SyntaxException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Sends a message the client wrote itself ({@code POST /api/v1/messages/raw}, Mailgun's {@code messages.mime}): it is
 * read as it streams (line ends made CRLF, NUL and long lines refused, see {@link RawMessage}); the envelope is what the
 * client gives, else the header's From (or Sender) and To, Cc and Bcc, Bcc then removed from the message.
 */
final class RawSend {

    /** The outcome: the queue id and Message-ID, the recipients taken and those refused. */
    record Result(String queueId, String messageId, List<MailAddress> accepted, Map<MailAddress, SmtpReply> rejected) {}

    private final ApiDoor door;

    RawSend(ApiDoor door) {
        this.door = door;
    }

    /**
     * The envelope a client gave beside the message; what it leaves out comes from the header fields.
     *
     * @param senderGiven whether {@code sender} was given ({@code sender} {@code null} is then the null sender)
     * @param recipients the recipients given, or empty: the header's To, Cc and Bcc
     * @param ret RFC 3461 RET, or {@code null}
     * @param envid RFC 3461 ENVID, or {@code null}
     */
    record GivenEnvelope(boolean senderGiven, MailAddress sender, List<Recipient> recipients, DsnRet ret,
            String envid) {

        static final GivenEnvelope NONE = new GivenEnvelope(false, null, List.of(), null, null);
    }

    /**
     * Sends a raw message that came over HTTP.
     *
     * @param mailFrom the envelope sender as given ({@code <>} for the null sender), or {@code null}: the header's
     * @param rcptTo the envelope recipients as given, or empty: the header's
     * @param queueId the queue id of a request with an Idempotency-Key, or {@code null}: a new one
     * @param test a test send (Mailgun's test mode) is checked as any other and then dropped; its result has no id
     */
    Result send(HttpServletRequest req, ApiKey key, InputStream body, String mailFrom, List<String> rcptTo,
            String queueId, boolean test) throws ApiProblem, IOException {
        List<Recipient> rcpts = new ArrayList<>();
        for (String r : rcptTo) {
            rcpts.add(Recipient.of(address(r.startsWith("<") && r.endsWith(">") ? r.substring(1, r.length() - 1) : r,
                    "Rcpt-To")));
        }
        GivenEnvelope given = new GivenEnvelope(mailFrom != null, mailFrom == null ? null : mailFrom(mailFrom), rcpts,
                null, null);
        return send(door.origin(req, key), Math.max(0, req.getContentLengthLong()), key, body, given, queueId, test);
    }

    /**
     * Sends a raw message: the HTTP door's, or a local door's (the pickup directory's).
     *
     * @param declaredSize the size the client announced (0 when unknown), checked against the free disk first
     */
    Result send(Origin origin, long declaredSize, ApiKey key, InputStream body, GivenEnvelope given, String queueId,
            boolean test) throws ApiProblem, IOException {
        long limit = key.maxSize() > 0 ? Math.min(key.maxSize(), door.maxMessageSize) : door.maxMessageSize;
        door.sender.checkReady(declaredSize);
        RawMessage.Read read = RawMessage.read(body, door.spoolDirectory, door.spoolThreshold, limit,
                door.maxLineLength);
        MessageContent content = read.content();
        try {
            Map<String, List<String>> fields = headerAddresses(content);
            MailAddress sender = given.senderGiven() ? given.sender() : headerSender(fields);
            List<Recipient> rcpts = given.recipients().isEmpty() ? headerRecipients(fields) : given.recipients();
            if (rcpts.isEmpty()) {
                throw ApiProblem.unprocessable("no-recipients", "The message has no recipient", "give Rcpt-To request"
                        + " headers, or To, Cc or Bcc header fields", List.of(), "5.5.1");
            }
            checkSendAs(key, sender, "Mail-From");
            for (String name : List.of("from", "sender")) { // the header's authors too: the key's rule holds there
                for (String a : fields.getOrDefault(name, List.of())) {
                    checkSendAs(key, address(a, name.equals("from") ? "From" : "Sender"),
                            name.equals("from") ? "From" : "Sender");
                }
            }
            boolean smtputf8 = needsUtf8(sender, rcpts, fields);
            EnvelopeCheck check = check(origin, sender, rcpts);
            if (test) {
                return new Result(null, null, check.accepted().stream().map(Recipient::address).toList(),
                        refusals(check));
            }
            MessageContent withoutBcc = fields.containsKey("bcc")
                    ? HeaderFieldFilter.without(content, f -> f.regionMatches(true, 0, "Bcc:", 0, 4)) : content;
            Decision d = door.sender.acceptance().accept(new Submission(origin, sender, check.accepted(),
                    given.ret(), given.envid(), BodyType.EIGHT_BIT_MIME, smtputf8, withoutBcc, read.headers(),
                    Map.of(), null, queueId));
            content = null; // the acceptance stage has closed it
            if (!d.isAccepted()) {
                throw Problems.fromDecision(d);
            }
            return new Result(d.queueId(), d.messageId(), check.accepted().stream().map(Recipient::address).toList(),
                    refusals(check));
        } finally {
            if (content != null) {
                content.close();
            }
        }
    }

    private static Map<MailAddress, SmtpReply> refusals(EnvelopeCheck check) {
        Map<MailAddress, SmtpReply> rejected = new LinkedHashMap<>();
        check.refused().forEach((r, reply) -> rejected.put(r.address(), reply));
        return rejected;
    }

    private static void checkSendAs(ApiKey key, MailAddress address, String field) throws ApiProblem {
        if (address != null && !key.maySendAs(address)) {
            throw ApiProblem.senderNotAllowed("<" + address + "> is not an address API key " + key.name()
                    + " may send as", List.of(new ApiProblem.FieldError(field, "<" + address
                            + "> is not allowed for this key")));
        }
    }

    /** Whether the message needs SMTPUTF8: a non-ASCII local part in the envelope or in an address field. */
    private static boolean needsUtf8(MailAddress sender, List<Recipient> rcpts, Map<String, List<String>> fields) {
        if (sender != null && !sender.hasAsciiForm() || rcpts.stream().anyMatch(r -> !r.address().hasAsciiForm())) {
            return true;
        }
        return fields.values().stream().flatMap(List::stream).anyMatch(a -> !io.mailhub.model.Ascii.isAscii(a));
    }

    private EnvelopeCheck check(Origin origin, MailAddress sender, List<Recipient> rcpts) throws ApiProblem {
        EnvelopeCheck check = door.sender.acceptance().checkEnvelope(origin, sender, rcpts);
        if (check.senderRefusal() != null) {
            throw Problems.fromReply(check.senderRefusal(), "Mail-From");
        }
        if (check.accepted().isEmpty()) {
            List<ApiProblem.FieldError> errors = new ArrayList<>();
            check.refused().forEach((r, reply) -> errors.add(new ApiProblem.FieldError(r.address().toString(),
                    reply.toWire().strip())));
            ApiProblem p = Problems.fromReply(check.refused().values().iterator().next(), null);
            throw new ApiProblem(p.status, p.type, p.title, "no recipient can be used", errors, p.enhancedStatus,
                    p.retryAfter);
        }
        return check;
    }

    /** The addresses of From, Sender, To, Cc and Bcc in the message's header, by lower-case field name. */
    private static Map<String, List<String>> headerAddresses(MessageContent content) throws IOException {
        List<String> fields = new ArrayList<>();
        try (InputStream in = content.openStream()) {
            MessageHeader.read(in, fields);
        }
        Map<String, List<String>> byName = new LinkedHashMap<>();
        for (String f : fields) {
            int colon = f.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = f.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            if (!List.of("from", "sender", "to", "cc", "bcc").contains(name)) {
                continue;
            }
            try {
                for (InternetAddress a : InternetAddress.parseHeader(f.substring(colon + 1).strip(), false)) {
                    byName.computeIfAbsent(name, k -> new ArrayList<>()).add(a.getAddress());
                }
            } catch (AddressException e) {
                byName.computeIfAbsent(name, k -> new ArrayList<>()); // present but unusable
            }
        }
        return byName;
    }

    /** A Mail-From request header: {@code <>} or empty is the null sender. */
    private static MailAddress mailFrom(String given) throws ApiProblem {
        String v = given.strip();
        if (v.equals("<>") || v.isEmpty()) {
            return null;
        }
        return address(v.startsWith("<") && v.endsWith(">") ? v.substring(1, v.length() - 1) : v, "Mail-From");
    }

    private static MailAddress headerSender(Map<String, List<String>> fields) throws ApiProblem {
        List<String> sender = fields.getOrDefault("sender", List.of());
        List<String> from = sender.isEmpty() ? fields.getOrDefault("from", List.of()) : sender;
        if (from.isEmpty()) {
            throw ApiProblem.unprocessable("missing-sender", "The message has no sender", "give a Mail-From request"
                    + " header, or a From header field", List.of(), "5.5.1");
        }
        return address(from.get(0), "From");
    }

    private static List<Recipient> headerRecipients(Map<String, List<String>> fields) throws ApiProblem {
        List<Recipient> list = new ArrayList<>();
        for (String name : List.of("to", "cc", "bcc")) {
            for (String a : fields.getOrDefault(name, List.of())) {
                list.add(Recipient.of(address(a, "Rcpt-To")));
            }
        }
        return list;
    }

    private static MailAddress address(String text, String field) throws ApiProblem {
        try {
            return SmtpPath.mailbox(text, true);
        } catch (SyntaxException e) {
            throw ApiProblem.unprocessable("invalid-address", "An address is not valid", "'" + text + "' in " + field
                    + " is not an email address", List.of(new ApiProblem.FieldError(field, e.getMessage())), "5.1.3");
        }
    }
}
