package io.mailhub.routing;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.mailhub.model.Envelope;
import io.mailhub.model.EnvelopeHeaders;
import io.mailhub.model.Recipient;
import io.mailhub.model.SyntaxException;
import io.mailhub.queue.JoinedSend;
import jakarta.mail.BodyPart;
import jakarta.mail.Header;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Properties;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.support.DefaultExchange;

/**
 * The egress actions: the message leaves the hub for another system, inside the dispatch transaction. Each one is
 * at least once: if it fails, the exception rolls the transaction back, the broker redelivers the message with its
 * delays (broker.xml: 5 attempts), and it ends in {@code mail.dead}; a crash after the hand-off and before the commit
 * hands it over again (a file is rewritten under the same name, a webhook gets the same {@code X-Mailhub-Queue-Id}).
 */
final class Egress {

    private static final JsonFactory JSON = new JsonFactory();
    private static final Session MAIL = Session.getInstance(new Properties());
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    /** A webhook's answer: handed over, or refused for good (406, 410) with the reason. */
    record WebhookResult(boolean delivered, String reason) {}

    /**
     * Attachments larger than {@code over} octets go into {@code store} and the JSON carries a link to them instead of
     * their content.
     */
    record ByReference(AttachmentStore store, long over) {}

    private Egress() {}

    /** The message on a JMS queue: the raw bytes (a BytesMessage) or the parsed JSON (a TextMessage), with the envelope. */
    static String jms(Exchange exchange, JoinedSend sends, String queue, String format) throws Exception {
        Envelope e = envelope(exchange);
        byte[] raw = raw(exchange);
        Exchange out = new DefaultExchange(exchange.getContext());
        Message m = out.getMessage();
        EnvelopeHeaders.write(e, m.getHeaders());
        m.setHeader(MailhubHeaders.MAIL_FROM, exchange.getMessage().getHeader(MailhubHeaders.MAIL_FROM));
        m.setHeader(MailhubHeaders.RCPT_TO, exchange.getMessage().getHeader(MailhubHeaders.RCPT_TO));
        m.setHeader(MailhubHeaders.INGRESS, exchange.getMessage().getHeader(MailhubHeaders.INGRESS));
        m.setBody(format.equals("raw") ? raw : new String(parsed(e, exchange, raw), StandardCharsets.UTF_8));
        sends.send(exchange, "jms:queue:" + queue, out);
        return "jms " + queue;
    }

    /** The message as {@code QUEUEID.eml} in {@code dir}, with X-Sender/X-Receiver lines: written, synced, renamed. */
    static String file(Exchange exchange, String dir) throws Exception {
        Envelope e = envelope(exchange);
        Path d = Path.of(dir);
        Files.createDirectories(d);
        Path tmp = d.resolve("." + e.queueId() + ".eml.tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING); OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
            StringBuilder lines = new StringBuilder("X-Sender: <").append(e.sender() == null ? "" : e.sender())
                    .append(">\r\n");
            for (Recipient r : e.recipients()) {
                lines.append("X-Receiver: <").append(r.address()).append(">\r\n");
            }
            out.write(lines.toString().getBytes(StandardCharsets.UTF_8));
            out.write(raw(exchange));
            out.flush();
            ch.force(true);
        }
        Files.move(tmp, d.resolve(e.queueId() + ".eml"), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel dirChannel = FileChannel.open(d, StandardOpenOption.READ)) {
            dirChannel.force(true); // the rename itself is durable
        } catch (IOException ignored) {
            // not every file system can sync a directory
        }
        return "file " + dir;
    }

    /**
     * POSTs the message. 2xx: done. 406 or 410: refused for good. Anything else (429, 5xx, no connection, a
     * redirect): an exception, so the transaction rolls back and the broker tries again later.
     */
    static WebhookResult webhook(Exchange exchange, String url, String format, String secret, ByReference byReference)
            throws Exception {
        Envelope e = envelope(exchange);
        byte[] raw = raw(exchange);
        byte[] body = format.equals("raw") ? raw : parsed(e, exchange, raw, byReference);
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", format.equals("raw") ? "message/rfc822" : "application/json")
                .header("X-Mailhub-Queue-Id", e.queueId())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (format.equals("raw")) {
            req.header("X-Mailhub-Mail-From", e.sender() == null ? "" : e.sender().toString());
            req.header("X-Mailhub-Rcpt-To", String.join(",", e.recipients().stream()
                    .map(r -> r.address().toString()).toList()));
        }
        if (secret != null) {
            long t = System.currentTimeMillis() / 1000;
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((t + ".").getBytes(StandardCharsets.US_ASCII));
            req.header("X-Mailhub-Signature", "t=" + t + ",v1=" + HexFormat.of().formatHex(mac.doFinal(body)));
        }
        HttpResponse<String> r;
        try {
            r = HTTP.send(req.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException unreachable) {
            throw new WebhookException("webhook " + url + " cannot be reached: " + unreachable, -1);
        }
        int s = r.statusCode();
        if (s / 100 == 2) {
            return new WebhookResult(true, null);
        }
        String answer = r.body() == null ? "" : r.body().strip().replaceAll("\\s+", " ");
        String reason = "webhook " + url + " answered " + s + (answer.isEmpty() ? ""
                : ": " + answer.substring(0, Math.min(200, answer.length())));
        if (s == 406 || s == 410) {
            return new WebhookResult(false, reason);
        }
        long retryAfter = r.headers().firstValue("Retry-After").map(Egress::seconds).orElse(-1L);
        throw new WebhookException(reason + (retryAfter >= 0 ? " (Retry-After " + retryAfter + " s)" : ""), retryAfter);
    }

    /** A Retry-After value in seconds: delta-seconds or an HTTP date (RFC 9110 section 10.2.3); -1 when unreadable. */
    static long seconds(String value) {
        String v = value.strip();
        try {
            return Math.max(0, Long.parseLong(v));
        } catch (NumberFormatException e) {
            try {
                java.time.ZonedDateTime at = java.time.ZonedDateTime.parse(v,
                        java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME);
                return Math.max(0, java.time.Duration.between(java.time.Instant.now(), at.toInstant()).toSeconds());
            } catch (java.time.format.DateTimeParseException e2) {
                return -1;
            }
        }
    }

    /** A webhook failure to try again later: dispatch schedules the message again (honouring Retry-After). */
    static final class WebhookException extends IOException {
        private final long retryAfterSeconds;
        private RouteVerdict verdict;

        WebhookException(String message, long retryAfterSeconds) {
            super(message);
            this.retryAfterSeconds = retryAfterSeconds;
        }

        long retryAfterSeconds() {
            return retryAfterSeconds;
        }

        /** What the route decided in this run before the webhook failed: its hand-offs, copies and edits. */
        WebhookException after(RouteVerdict verdictSoFar) {
            this.verdict = verdictSoFar;
            return this;
        }

        /** The verdict so far ({@link #after}); {@code null} when the webhook failed outside a routing route's run. */
        RouteVerdict verdict() {
            return verdict;
        }

        /** The hand-offs the route made in this run before the webhook failed (committed with the retry). */
        java.util.List<String> handedOffBefore() {
            return verdict == null ? java.util.List.of() : verdict.handedOff();
        }
    }

    /** Moves the message to mail.dead with the reason, in the dispatch transaction. */
    static void dead(Exchange exchange, JoinedSend sends, String reason) throws Exception {
        Exchange out = exchange.copy();
        out.getMessage().setHeader(io.mailhub.bounce.BounceStage.DEAD_REASON, "egress failed: " + reason);
        sends.send(exchange, "jms:queue:" + io.mailhub.queue.QueueNames.DEAD, out);
    }

    static Envelope envelope(Exchange exchange) throws SyntaxException {
        return EnvelopeHeaders.read(exchange.getMessage()::getHeader);
    }

    static byte[] raw(Exchange exchange) throws Exception {
        return exchange.getContext().getTypeConverter().mandatoryConvertTo(byte[].class, exchange,
                exchange.getMessage().getBody());
    }

    /**
     * The message as JSON: queue id, envelope, door, principal, client, the header fields in order (unfolded, encoded
     * words decoded), the text and HTML bodies, and the attachments (base64).
     */
    static byte[] parsed(Envelope e, Exchange exchange, byte[] raw) throws IOException {
        return parsed(e, exchange, raw, null);
    }

    /**
     * As {@link #parsed(Envelope, Exchange, byte[])}; with {@code byReference}, an attachment larger than its threshold
     * is stored (before this returns) and described by {@code url}, {@code size}, {@code sha256} and {@code expires_at}
     * instead of its {@code content}.
     */
    static byte[] parsed(Envelope e, Exchange exchange, byte[] raw, ByReference byReference) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length * 2);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("queue_id", e.queueId());
            g.writeObjectFieldStart("envelope");
            g.writeStringField("mail_from", e.sender() == null ? "" : e.sender().toString());
            g.writeArrayFieldStart("rcpt_to");
            for (Recipient r : e.recipients()) {
                g.writeString(r.address().toString());
            }
            g.writeEndArray();
            g.writeEndObject();
            Message m = exchange.getMessage();
            g.writeStringField("ingress", m.getHeader(MailhubHeaders.INGRESS, String.class));
            g.writeStringField("auth_user", e.authUser());
            g.writeStringField("client_ip", e.clientAddress());
            g.writeStringField("spf", m.getHeader(MailhubHeaders.SPF, String.class));
            g.writeStringField("dmarc", m.getHeader(MailhubHeaders.DMARC, String.class));
            MimeMessage mime = new MimeMessage(MAIL, new ByteArrayInputStream(raw));
            g.writeArrayFieldStart("headers");
            for (Header h : Collections.list(mime.getAllHeaders())) {
                g.writeStartArray();
                g.writeString(h.getName());
                g.writeString(decode(h.getValue()));
                g.writeEndArray();
            }
            g.writeEndArray();
            g.writeStringField("subject", mime.getSubject());
            Bodies b = new Bodies(e.queueId(), byReference);
            g.writeArrayFieldStart("attachments");
            walk(mime, b, g);
            g.writeEndArray();
            g.writeStringField("text", b.text);
            g.writeStringField("html", b.html);
            g.writeEndObject();
        } catch (MessagingException ex) {
            throw new IOException("the message's MIME structure cannot be read: " + ex.getMessage(), ex);
        }
        return out.toByteArray();
    }

    /** What the walk over the MIME parts finds and needs: the bodies, and how attachments are written. */
    private static final class Bodies {
        final String queueId;
        final ByReference byReference;
        String text;
        String html;
        int attachments;

        Bodies(String queueId, ByReference byReference) {
            this.queueId = queueId;
            this.byReference = byReference;
        }
    }

    private static void walk(Part part, Bodies b, JsonGenerator g) throws MessagingException, IOException {
        if (part.isMimeType("multipart/*")) {
            Multipart mp = (Multipart) part.getContent();
            for (int i = 0; i < mp.getCount(); i++) {
                BodyPart p = mp.getBodyPart(i);
                walk(p, b, g);
            }
            return;
        }
        boolean attachment = part.getFileName() != null || Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition());
        if (!attachment && part.isMimeType("text/plain") && b.text == null) {
            b.text = String.valueOf(part.getContent());
        } else if (!attachment && part.isMimeType("text/html") && b.html == null) {
            b.html = String.valueOf(part.getContent());
        } else {
            attachment(part, b, g);
        }
    }

    /** One attachment: inline (base64), or stored and linked when it is larger than the threshold. */
    private static void attachment(Part part, Bodies b, JsonGenerator g) throws MessagingException, IOException {
        String type = part.getContentType() == null ? "application/octet-stream" : part.getContentType();
        int semi = type.indexOf(';');
        String contentType = (semi < 0 ? type : type.substring(0, semi)).strip().toLowerCase(java.util.Locale.ROOT);
        String filename = part.getFileName() == null ? null : decode(part.getFileName());
        int index = b.attachments++;
        g.writeStartObject();
        g.writeStringField("filename", filename);
        g.writeStringField("content_type", contentType);
        try (InputStream in = part.getInputStream()) {
            ByReference r = b.byReference;
            byte[] head = r == null ? in.readAllBytes() : in.readNBytes((int) Math.min(r.over() + 1,
                    Integer.MAX_VALUE - 16));
            if (r == null || head.length <= r.over()) {
                g.writeNumberField("size", head.length);
                g.writeStringField("content", Base64.getEncoder().encodeToString(head));
            } else {
                AttachmentStore.Stored s = r.store().store(b.queueId, index, filename, contentType,
                        new java.io.SequenceInputStream(new ByteArrayInputStream(head), in));
                g.writeNumberField("size", s.size());
                g.writeStringField("sha256", s.sha256());
                g.writeStringField("url", r.store().url(s));
                g.writeStringField("expires_at", s.expiresAt().toString());
            }
        }
        g.writeEndObject();
    }

    private static String decode(String value) {
        try {
            return MimeUtility.decodeText(value.replaceAll("\r?\n", ""));
        } catch (IOException | RuntimeException e) {
            return value;
        }
    }
}
