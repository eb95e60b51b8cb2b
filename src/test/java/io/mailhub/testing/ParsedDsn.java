package io.mailhub.testing;

import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/** A notice as a mail reader sees it, parsed with Jakarta Mail, with the RFC 3464 blocks of its status part. */
public final class ParsedDsn {

    private static final Session SESSION = session();

    public final byte[] raw;
    public final MimeMessage message;
    public final MimeMultipart report;

    private ParsedDsn(byte[] raw) throws MessagingException, IOException {
        this.raw = raw;
        this.message = new MimeMessage(SESSION, new ByteArrayInputStream(raw));
        this.report = (MimeMultipart) message.getContent();
    }

    public static ParsedDsn parse(byte[] raw) throws MessagingException, IOException {
        return new ParsedDsn(raw);
    }

    public ContentType contentType() throws MessagingException {
        return new ContentType(message.getContentType());
    }

    public int partCount() throws MessagingException {
        return report.getCount();
    }

    public BodyPart part(int index) throws MessagingException {
        return report.getBodyPart(index);
    }

    /** The media type of each part, lower case, without parameters. */
    public List<String> partTypes() throws MessagingException {
        List<String> types = new ArrayList<>();
        for (int i = 0; i < report.getCount(); i++) {
            types.add(new ContentType(report.getBodyPart(i).getContentType()).getBaseType().toLowerCase());
        }
        return types;
    }

    /** The human-readable text, transfer encoding and charset decoded. */
    public String text() throws MessagingException, IOException {
        return (String) part(0).getContent();
    }

    /** The human-readable text with every run of blanks and line ends as one space, as a reader takes it in. */
    public String flatText() throws MessagingException, IOException {
        return text().replaceAll("\\s+", " ");
    }

    /** The blocks of the status part: the per-message fields first, then one per recipient. */
    public List<InternetHeaders> statusBlocks() throws MessagingException, IOException {
        String status = new String(decoded(1), StandardCharsets.UTF_8);
        List<InternetHeaders> blocks = new ArrayList<>();
        for (String block : status.split("\r\n\r\n")) {
            if (!block.isBlank()) {
                blocks.add(new InternetHeaders(
                        new ByteArrayInputStream((block + "\r\n").getBytes(StandardCharsets.UTF_8)), true));
            }
        }
        return blocks;
    }

    public InternetHeaders perMessage() throws MessagingException, IOException {
        return statusBlocks().get(0);
    }

    public List<InternetHeaders> perRecipient() throws MessagingException, IOException {
        List<InternetHeaders> blocks = statusBlocks();
        return blocks.subList(1, blocks.size());
    }

    /** The content of part {@code index} after transfer decoding, as octets. */
    public byte[] decoded(int index) throws MessagingException, IOException {
        try (InputStream in = part(index).getInputStream()) {
            return in.readAllBytes();
        }
    }

    /** One field of a block, unfolded, or {@code null}. */
    public static String field(InternetHeaders block, String name) {
        String v = block.getHeader(name, null);
        return v == null ? null : MimeUtility.unfold(v).strip();
    }

    /** Every line of the raw notice, split at CRLF. */
    public List<String> rawLines() {
        return List.of(new String(raw, StandardCharsets.ISO_8859_1).split("\r\n", -1));
    }

    public static int octetsAbove127(byte[] b) {
        int n = 0;
        for (byte x : b) {
            n += x < 0 ? 1 : 0;
        }
        return n;
    }

    private static Session session() {
        Properties p = new Properties();
        p.setProperty("mail.mime.allowutf8", "true");
        return Session.getInstance(p);
    }
}
