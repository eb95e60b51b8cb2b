package io.mailhub.model;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The names under which the envelope travels as JMS message properties and Camel headers, and the mapping both ways.
 *
 * <p>Names are valid JMS identifiers without the {@code Camel} prefix (camel-jms would filter that). Recipients are one
 * per line in RCPT syntax ({@link Recipient#toLine()}), so DSN parameters stay with each address and operators can
 * read them in Hawtio's queue browser.
 */
public final class EnvelopeHeaders {

    public static final String QUEUE_ID = "MailhubQueueId";
    public static final String SENDER = "MailhubSender";
    public static final String RECIPIENTS = "MailhubRecipients";
    public static final String RET = "MailhubRet";
    public static final String ENVID = "MailhubEnvid";
    public static final String BODY = "MailhubBody";
    public static final String SMTPUTF8 = "MailhubSmtputf8";
    public static final String CLIENT_ADDRESS = "MailhubClientAddress";
    public static final String CLIENT_HELO = "MailhubClientHelo";
    public static final String AUTH_USER = "MailhubAuthUser";
    public static final String ARRIVAL = "MailhubArrival";
    public static final String SIZE = "MailhubSize";
    /** Delivery attempts made so far; absent before the first. */
    public static final String ATTEMPT = "MailhubAttempt";
    /** Set by the HTTP door from the request (never by a client header): tags, comma-separated. */
    public static final String TAGS = "MailhubTags";
    /** Set by the HTTP door from the request: metadata as a JSON object of strings. */
    public static final String METADATA = "MailhubMetadata";
    /**
     * Set before the queue (the policy route's hold, the spam quarantine): the queue dispatch moves the message to
     * instead of delivering it.
     */
    public static final String HOLD = "MailhubHold";
    /**
     * Set on a message a route held in a named quarantine queue: who held it ("policy route", "routing route"). The
     * operators' tools take from such a queue only the messages that carry it, never what other systems put there
     * (a JMS egress queue is not a quarantine queue).
     */
    public static final String HELD_BY = "MailhubHeldBy";
    /** Set by the HTTP door from the request: the route the client asked for. */
    public static final String ROUTE = "MailhubRoute";
    /** Set by the acceptance stage: the message's Message-ID, without angle brackets. */
    public static final String MESSAGE_ID = "MailhubMessageId";
    /** Set by the acceptance stage: {@code true} when it DKIM-signed the message, else {@code false}. */
    public static final String DKIM_SIGNED = "MailhubDkimSigned";
    /** Set by the acceptance stage when it signed: the signing domain ({@code d=}). */
    public static final String DKIM_DOMAIN = "MailhubDkimDomain";
    /** Set by the acceptance stage when it signed: the selectors ({@code s=}) of its signatures, comma-separated. */
    public static final String DKIM_SELECTORS = "MailhubDkimSelectors";

    private EnvelopeHeaders() {}

    public static void write(Envelope e, Map<String, Object> headers) {
        headers.put(QUEUE_ID, e.queueId());
        headers.put(SENDER, e.sender() == null ? "" : e.sender().toString());
        headers.put(RECIPIENTS, recipientLines(e.recipients()));
        putIfSet(headers, RET, e.ret() == null ? null : e.ret().name());
        putIfSet(headers, ENVID, e.envid());
        headers.put(BODY, e.body().keyword());
        headers.put(SMTPUTF8, e.smtputf8());
        putIfSet(headers, CLIENT_ADDRESS, e.clientAddress());
        putIfSet(headers, CLIENT_HELO, e.clientHelo());
        putIfSet(headers, AUTH_USER, e.authUser());
        headers.put(ARRIVAL, e.arrival().toEpochMilli());
        headers.put(SIZE, e.size());
    }

    public static String recipientLines(List<Recipient> recipients) {
        StringBuilder sb = new StringBuilder(recipients.size() * 32);
        for (Recipient r : recipients) {
            if (sb.length() > 0) {
                sb.append('\n');
            }
            sb.append(r.toLine());
        }
        return sb.toString();
    }

    public static List<Recipient> parseRecipients(String lines) throws SyntaxException {
        List<Recipient> list = new ArrayList<>();
        for (String line : lines.split("\n")) {
            if (!line.isBlank()) {
                list.add(Recipient.fromLine(line.trim()));
            }
        }
        return list;
    }

    /**
     * Reads an envelope from message headers.
     *
     * @throws SyntaxException when a required header is missing or malformed (a poison message)
     */
    public static Envelope read(Function<String, Object> headers) throws SyntaxException {
        String queueId = string(headers, QUEUE_ID);
        String sender = string(headers, SENDER);
        String recipients = string(headers, RECIPIENTS);
        if (queueId == null || sender == null || recipients == null) {
            throw new SyntaxException("message lacks the envelope headers " + QUEUE_ID + ", " + SENDER + ", " + RECIPIENTS);
        }
        String ret = string(headers, RET);
        String body = string(headers, BODY);
        BodyType bodyType = body == null ? BodyType.SEVEN_BIT : BodyType.fromKeyword(body);
        if (bodyType == null) {
            throw new SyntaxException("bad " + BODY + " header: " + body);
        }
        DsnRet dsnRet;
        try {
            dsnRet = ret == null ? null : DsnRet.valueOf(ret);
        } catch (IllegalArgumentException e) {
            throw new SyntaxException("bad " + RET + " header: " + ret);
        }
        Object arrival = headers.apply(ARRIVAL);
        Object size = headers.apply(SIZE);
        return new Envelope(
                queueId,
                sender.isEmpty() ? null : SmtpPath.mailbox(sender, true),
                parseRecipients(recipients),
                dsnRet,
                string(headers, ENVID),
                bodyType,
                Boolean.parseBoolean(String.valueOf(headers.apply(SMTPUTF8))),
                string(headers, CLIENT_ADDRESS),
                string(headers, CLIENT_HELO),
                string(headers, AUTH_USER),
                arrival == null ? Instant.now() : Instant.ofEpochMilli(Long.parseLong(arrival.toString())),
                size == null ? -1 : Long.parseLong(size.toString()));
    }

    private static String string(Function<String, Object> headers, String name) {
        Object v = headers.apply(name);
        return v == null ? null : v.toString();
    }

    private static void putIfSet(Map<String, Object> headers, String name, String value) {
        if (value != null) {
            headers.put(name, value);
        }
    }
}
