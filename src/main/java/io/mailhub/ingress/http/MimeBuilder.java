package io.mailhub.ingress.http;

import io.mailhub.acceptance.Spool;
import io.mailhub.cleanup.HeaderScanner;
import io.mailhub.ingress.http.MessageRequest.Address;
import io.mailhub.ingress.http.MessageRequest.Attachment;
import io.mailhub.ingress.http.MessageRequest.Header;
import io.mailhub.model.Ascii;
import java.io.IOException;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Builds the RFC 5322 message of an API request, writing its MIME (RFC 2045, 2046) by hand straight into a spool,
 * attachments read from their own spools block by block meanwhile. Header fields: Date, From, To, Cc, Reply-To,
 * Subject, the request's own fields in their order, MIME-Version, Content-Type and Content-Transfer-Encoding; never
 * Bcc, and no Message-ID (the acceptance stage adds one). {@link HeaderWriter} folds them and writes display names
 * and values that are not ASCII as RFC 2047 encoded words; file names go in RFC 2231 parameters
 * ({@link MimeParameters}). Internationalized domains are written as A-labels; only a non-ASCII local part is
 * written as UTF-8 (RFC 6532), and the message then needs SMTPUTF8.
 *
 * <p>Text and HTML become multipart/alternative; attachments with a content id go with the HTML in multipart/related;
 * the others, and inline parts of a message without HTML, make it multipart/mixed. Bodies are UTF-8 in 7bit,
 * quoted-printable or base64 as their content needs ({@link TextBody}), attachments always base64. Boundaries hold
 * a random token and {@code =_}, which neither encoding can produce. Every line ends in CRLF and none is over 998
 * octets.
 */
final class MimeBuilder {

    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ENGLISH);

    /** Characters a part's header fields take, but for long file names. */
    private static final int PART_HEADER = 160;

    private static final Pattern FIELD_NAME = Pattern.compile("[!-9;-~]{1,76}");

    private static final Pattern CONTENT_ID = Pattern.compile("[!-;=?-~]{1,900}");

    private static final SecureRandom RANDOM = new SecureRandom();

    private static volatile Stamp lastDate = new Stamp(Long.MIN_VALUE, "");

    private final MimeOutput out;
    private String token;

    private MimeBuilder(MimeOutput out) {
        this.out = out;
    }

    /** The content of one message: the request's fields, with {@code to} (the recipients the To: header shows). */
    static BuiltMessage build(MessageRequest m, String subject, String text, String html, List<Address> to,
            List<Header> extraHeaders, Path spoolDirectory, int spoolThreshold) throws IOException {
        HeaderWriter h = new HeaderWriter(512);
        boolean utf8 = messageFields(h, m, subject, to, extraHeaders);
        Spool spool = new Spool(spoolDirectory, spoolThreshold);
        HeaderScanner scan = new HeaderScanner(1 << 20);
        try {
            MimeOutput out = new MimeOutput(spool, scan);
            new MimeBuilder(out).content(h, text, html, m.attachments());
            out.flush();
            return new BuiltMessage(spool.finish(), scan, utf8);
        } catch (IOException | RuntimeException e) {
            spool.close();
            throw e;
        }
    }

    /** The message's own fields into {@code h}; true when an address needs SMTPUTF8. */
    private static boolean messageFields(HeaderWriter h, MessageRequest m, String subject, List<Address> to,
            List<Header> extraHeaders) throws IOException {
        List<Header> extra = extraHeaders.isEmpty() ? m.headers() : concat(m.headers(), extraHeaders);
        boolean dated = false;
        for (Header x : extra) {
            dated |= Ascii.equalsIgnoreCase(x.name(), "Date");
        }
        if (!dated) {
            h.simple("Date", date());
        }
        boolean utf8 = m.from() != null && h.addresses("From", List.of(m.from()));
        utf8 |= !to.isEmpty() && h.addresses("To", to);
        utf8 |= !m.cc().isEmpty() && h.addresses("Cc", m.cc());
        utf8 |= !m.replyTo().isEmpty() && h.addresses("Reply-To", m.replyTo());
        if (subject != null) {
            h.unstructured("Subject", subject);
        }
        for (Header x : extra) {
            if (!FIELD_NAME.matcher(x.name()).matches()) {
                throw new IOException("'" + x.name() + "' is not a header field name");
            }
            if (!HeaderRules.RESERVED.contains(Ascii.toLowerCase(x.name()))) { // refused before; never written
                h.unstructured(x.name(), x.value());
            }
        }
        h.simple("MIME-Version", "1.0");
        return utf8;
    }

    private static List<Header> concat(List<Header> a, List<Header> b) {
        List<Header> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** The fields in {@code h}, then the body, in multipart/mixed with the attachments that do not go with the HTML. */
    private void content(HeaderWriter h, String text, String html, List<Attachment> attachments) throws IOException {
        List<Attachment> related = new ArrayList<>();
        List<Attachment> mixed = new ArrayList<>();
        for (Attachment a : attachments) {
            (html != null && a.contentId() != null ? related : mixed).add(a);
        }
        if (mixed.isEmpty()) {
            body(h, text, html, related);
            return;
        }
        String b = open(h, "mixed", null);
        body(new HeaderWriter(PART_HEADER), text, html, related);
        for (Attachment a : mixed) {
            delimiter(b);
            attachment(a);
        }
        close(b);
    }

    /** The text, the HTML (related to its inline parts), or both as alternatives. */
    private void body(HeaderWriter h, String text, String html, List<Attachment> related) throws IOException {
        if (text != null && html != null) {
            String b = open(h, "alternative", null);
            text(new HeaderWriter(PART_HEADER), text, "plain");
            delimiter(b);
            html(new HeaderWriter(PART_HEADER), html, related);
            close(b);
        } else if (html != null) {
            html(h, html, related);
        } else {
            text(h, text == null ? "" : text, "plain");
        }
    }

    private void html(HeaderWriter h, String html, List<Attachment> related) throws IOException {
        if (related.isEmpty()) {
            text(h, html, "html");
            return;
        }
        String b = open(h, "related", "text/html");
        text(new HeaderWriter(PART_HEADER), html, "html");
        for (Attachment a : related) {
            delimiter(b);
            attachment(a);
        }
        close(b);
    }

    private void text(HeaderWriter h, String text, String subtype) throws IOException {
        TextBody body = TextBody.of(text);
        h.simple("Content-Type", "text/" + subtype + "; charset=UTF-8");
        h.simple("Content-Transfer-Encoding", body.encoding());
        out.write(h.section());
        body.writeTo(out);
    }

    private void attachment(Attachment a) throws IOException {
        HeaderWriter h = new HeaderWriter(PART_HEADER);
        MimeParameters.MediaType type = MimeParameters.mediaType(contentType(a));
        h.field("Content-Type").unit(" ", type.type());
        for (String[] p : type.parameters()) {
            MimeParameters.write(h, p[0], p[1]);
        }
        if (a.filename() != null && !type.has("name")) {
            MimeParameters.write(h, "name", a.filename());
        }
        h.end().simple("Content-Transfer-Encoding", "base64");
        if (a.contentId() != null) {
            h.simple("Content-ID", "<" + contentId(a.contentId()) + ">");
        }
        boolean inline = a.disposition() != null ? Ascii.equalsIgnoreCase(a.disposition(), "inline")
                : a.contentId() != null;
        h.field("Content-Disposition").unit(" ", inline ? "inline" : "attachment");
        if (a.filename() != null) {
            MimeParameters.write(h, "filename", a.filename());
        }
        out.write(h.end().section());
        Base64Lines.write(a.content(), out);
    }

    private static String contentType(Attachment a) {
        if (a.contentType() != null) {
            return a.contentType();
        }
        String guess = a.filename() == null ? null : URLConnection.guessContentTypeFromName(a.filename());
        return Objects.requireNonNullElse(guess, "application/octet-stream");
    }

    /** The id of a Content-ID (RFC 2392), given with or without its angle brackets. */
    private static String contentId(String id) throws IOException {
        String s = id.length() > 1 && id.startsWith("<") && id.endsWith(">") ? id.substring(1, id.length() - 1) : id;
        if (!CONTENT_ID.matcher(s).matches()) {
            throw new IOException("content id '" + id + "' is not printable ASCII without spaces and <>");
        }
        return s;
    }

    /** Writes {@code h} with the Content-Type of a multipart and its first boundary line; returns the boundary. */
    private String open(HeaderWriter h, String subtype, String type) throws IOException {
        if (token == null) {
            byte[] random = new byte[18];
            RANDOM.nextBytes(random);
            token = Base64.getUrlEncoder().encodeToString(random);
        }
        String boundary = "=_" + token + "." + subtype.charAt(0); // mixed, alternative, related: one each at most
        h.field("Content-Type").unit(" ", "multipart/" + subtype);
        if (type != null) {
            MimeParameters.write(h, "type", type);
        }
        MimeParameters.write(h, "boundary", boundary);
        out.write(h.end().section());
        out.write("--" + boundary + "\r\n");
        return boundary;
    }

    /** The line between two body parts (RFC 2046 section 5.1.1: the CRLF before it belongs to it). */
    private void delimiter(String boundary) throws IOException {
        out.write("\r\n--" + boundary + "\r\n");
    }

    private void close(String boundary) throws IOException {
        out.write("\r\n--" + boundary + "--\r\n");
    }

    /** The time now as an RFC 5322 date-time, made once a second. */
    private static String date() {
        long second = Math.floorDiv(System.currentTimeMillis(), 1000);
        Stamp s = lastDate;
        if (s.second() != second) {
            s = new Stamp(second, DATE.format(Instant.ofEpochSecond(second).atZone(ZoneId.systemDefault())));
            lastDate = s;
        }
        return s.text();
    }

    private record Stamp(long second, String text) {}

    /** Every line end as CRLF (SMTP's), whatever the client sent: what {@link TextBody} does to a body. */
    static String crlf(String s) {
        return new String(TextBody.crlf(s.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }
}
