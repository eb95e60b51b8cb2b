package io.mailhub.ingress.http;

import io.mailhub.acceptance.Spool;
import io.mailhub.cleanup.HeaderScanner;
import io.mailhub.ingress.http.MessageRequest.Address;
import io.mailhub.ingress.http.MessageRequest.Attachment;
import io.mailhub.ingress.http.MessageRequest.Header;
import io.mailhub.model.MailAddress;
import io.mailhub.model.MessageContent;
import jakarta.activation.DataHandler;
import jakarta.activation.DataSource;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimePart;
import jakarta.mail.internet.MimeUtility;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UnsupportedEncodingException;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;

/**
 * Builds the RFC 5322 message of an API request with Jakarta Mail (Angus): display names and subjects in RFC 2047
 * encoded words when they are not ASCII, file names in RFC 2231 parameters, bodies in quoted-printable or base64 as
 * their content needs, lines folded, CRLF everywhere. Text and HTML become multipart/alternative; attachments with a
 * content id go with the HTML in multipart/related; others make it multipart/mixed. Internationalized domains are
 * written as A-labels; only a non-ASCII local part is written as UTF-8 (RFC 6532, and SMTPUTF8 when sent). The
 * message streams into a spool: attachments are read from their own spools while it is written.
 */
final class MimeBuilder {

    /** Header fields the request's own fields set, or the hub does: not settable through {@code headers}. */
    static final Set<String> RESERVED = Set.of("from", "to", "cc", "bcc", "reply-to", "subject", "sender",
            "mime-version", "content-type", "content-transfer-encoding", "content-disposition", "received",
            "return-path");

    private static final Session SESSION = session();

    private MimeBuilder() {}

    private static Session session() {
        Properties p = new Properties();
        p.setProperty("mail.mime.allowutf8", "true"); // only reached by non-ASCII local parts
        p.setProperty("mail.mime.encodeparameters", "true");
        p.setProperty("mail.mime.splitlongparameters", "true");
        return Session.getInstance(p);
    }

    /** The content of one message: the request's fields, with {@code to} (the recipients the To: header shows). */
    static BuiltMessage build(MessageRequest m, String subject, String text, String html, List<Address> to,
            List<Header> extraHeaders, Path spoolDirectory, int spoolThreshold) throws IOException, MessagingException {
        boolean[] utf8 = {false};
        MimeMessage msg = new MimeMessage(SESSION) {
            @Override
            protected void updateMessageID() {
                // the acceptance stage adds a Message-ID (and reports it) when the request gave none
            }
        };
        if (m.from() != null) {
            msg.setFrom(internet(m.from(), utf8));
        }
        msg.setRecipients(MimeMessage.RecipientType.TO, internet(to, utf8));
        if (!m.cc().isEmpty()) {
            msg.setRecipients(MimeMessage.RecipientType.CC, internet(m.cc(), utf8));
        }
        if (!m.replyTo().isEmpty()) {
            msg.setReplyTo(internet(m.replyTo(), utf8));
        }
        if (subject != null) {
            msg.setSubject(subject, "UTF-8");
        }
        for (Header h : concat(m.headers(), extraHeaders)) {
            msg.addHeader(h.name(), MimeUtility.fold(h.name().length() + 2, encode(h.value())));
        }
        setContent(msg, text, html, m.attachments());
        msg.saveChanges();
        Spool spool = new Spool(spoolDirectory, spoolThreshold);
        HeaderScanner scan = new HeaderScanner(1 << 20);
        try (OutputStream out = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                scan.update(b, off, len);
                spool.write(b, off, len);
            }
        }) {
            msg.writeTo(out);
            return new BuiltMessage(spool.finish(), scan, utf8[0]);
        } catch (IOException | MessagingException | RuntimeException e) {
            spool.close();
            throw e;
        }
    }

    private static List<Header> concat(List<Header> a, List<Header> b) {
        List<Header> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** An unstructured header value: as it is when ASCII, else RFC 2047 encoded words (UTF-8). */
    private static String encode(String value) throws UnsupportedEncodingException {
        return isAscii(value) ? value : MimeUtility.encodeText(value, "UTF-8", null);
    }

    private static void setContent(MimeMessage msg, String text, String html, List<Attachment> attachments)
            throws MessagingException {
        List<Attachment> inline = attachments.stream().filter(a -> a.contentId() != null).toList();
        List<Attachment> attached = attachments.stream().filter(a -> a.contentId() == null).toList();
        if (attached.isEmpty()) {
            body(msg, text, html, inline);
            return;
        }
        MimeMultipart mixed = new MimeMultipart("mixed");
        MimeBodyPart body = new MimeBodyPart();
        body(body, text, html, inline);
        mixed.addBodyPart(body);
        for (Attachment a : attached) {
            mixed.addBodyPart(part(a));
        }
        msg.setContent(mixed);
    }

    /** The text, the HTML (related to its inline parts), or both as alternatives, into {@code target}. */
    private static void body(MimePart target, String text, String html, List<Attachment> inline)
            throws MessagingException {
        MimeMultipart related = null;
        if (html != null && !inline.isEmpty()) {
            related = new MimeMultipart("related");
            related.addBodyPart(textPart(html, "html"));
            for (Attachment a : inline) {
                related.addBodyPart(part(a));
            }
        }
        if (text != null && html != null) {
            MimeMultipart alternative = new MimeMultipart("alternative");
            alternative.addBodyPart(textPart(text, "plain"));
            MimeBodyPart htmlPart = related == null ? textPart(html, "html") : new MimeBodyPart();
            if (related != null) {
                htmlPart.setContent(related);
            }
            alternative.addBodyPart(htmlPart);
            target.setContent(alternative);
        } else if (related != null) {
            target.setContent(related);
        } else if (html != null) {
            target.setText(crlf(html), "UTF-8", "html");
        } else {
            target.setText(crlf(text == null ? "" : text), "UTF-8", "plain");
        }
    }

    private static MimeBodyPart textPart(String content, String subtype) throws MessagingException {
        MimeBodyPart p = new MimeBodyPart();
        p.setText(crlf(content), "UTF-8", subtype);
        return p;
    }

    /** Every line end as CRLF (SMTP's), whatever the client sent. */
    static String crlf(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 64);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\r') {
                sb.append("\r\n");
                if (i + 1 < s.length() && s.charAt(i + 1) == '\n') {
                    i++;
                }
            } else if (c == '\n') {
                sb.append("\r\n");
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static MimeBodyPart part(Attachment a) throws MessagingException {
        MimeBodyPart p = new MimeBodyPart();
        String type = a.contentType() != null ? a.contentType()
                : a.filename() == null ? "application/octet-stream"
                : java.util.Objects.requireNonNullElse(URLConnection.guessContentTypeFromName(a.filename()),
                        "application/octet-stream");
        p.setDataHandler(new DataHandler(new ContentSource(a.content(), type, a.filename())));
        if (a.filename() != null) {
            p.setFileName(a.filename()); // RFC 2231 when not ASCII
        }
        if (a.contentId() != null) {
            p.setContentID("<" + a.contentId() + ">");
        }
        String disposition = a.disposition() != null ? a.disposition().toLowerCase(Locale.ROOT)
                : a.contentId() != null ? MimeBodyPart.INLINE : MimeBodyPart.ATTACHMENT;
        p.setDisposition(disposition);
        p.setHeader("Content-Transfer-Encoding", "base64"); // never scan a large attachment to choose
        return p;
    }

    private static InternetAddress internet(Address a, boolean[] utf8) throws AddressException,
            UnsupportedEncodingException {
        MailAddress e = a.email();
        boolean needsUtf8 = !e.hasAsciiForm();
        utf8[0] |= needsUtf8;
        String address = needsUtf8 ? e.toString() : e.asciiForm().toString();
        InternetAddress ia = new InternetAddress(address, true);
        if (a.name() != null) {
            ia.setPersonal(a.name(), "UTF-8");
        }
        return ia;
    }

    private static InternetAddress[] internet(List<Address> list, boolean[] utf8) throws AddressException,
            UnsupportedEncodingException {
        InternetAddress[] out = new InternetAddress[list.size()];
        for (int i = 0; i < list.size(); i++) {
            out[i] = internet(list.get(i), utf8);
        }
        return out;
    }

    private static boolean isAscii(String s) {
        return io.mailhub.model.Ascii.isAscii(s);
    }

    /** An attachment's spooled content as a Jakarta Activation data source, read again each time it is asked. */
    private record ContentSource(MessageContent content, String type, String name) implements DataSource {
        @Override
        public InputStream getInputStream() throws IOException {
            return content.openStream();
        }

        @Override
        public OutputStream getOutputStream() {
            throw new UnsupportedOperationException("read only");
        }

        @Override
        public String getContentType() {
            return type;
        }

        @Override
        public String getName() {
            return name == null ? "" : name;
        }
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
