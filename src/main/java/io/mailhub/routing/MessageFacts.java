package io.mailhub.routing;

import io.mailhub.model.MimeEntity;

import io.mailhub.dkim.MessageHeader;
import io.mailhub.model.Envelope;
import io.mailhub.model.MailAddress;
import io.mailhub.model.Recipient;
import jakarta.mail.internet.MimeUtility;
import java.io.IOException;
import java.io.InputStream;
import java.io.UnsupportedEncodingException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Puts the {@link MailhubHeaders} facts of a message, and its own header fields, into a map of Camel headers. The
 * same facts at both places a route can run, so one predicate works before and after the queue.
 */
final class MessageFacts {

    private MessageFacts() {}

    /** The envelope's facts. */
    static void envelope(Envelope e, String door, Map<String, Object> headers) {
        headers.put(MailhubHeaders.QUEUE_ID, e.queueId());
        headers.put(MailhubHeaders.INGRESS, door);
        headers.put(MailhubHeaders.MAIL_FROM, e.sender() == null ? "" : e.sender().toString());
        List<String> to = new ArrayList<>();
        Set<String> domains = new LinkedHashSet<>();
        for (Recipient r : e.recipients()) {
            to.add(r.address().toString());
            domains.add(r.address().domain().toLowerCase(Locale.ROOT));
        }
        headers.put(MailhubHeaders.RCPT_TO, String.join(",", to));
        headers.put(MailhubHeaders.RCPT_DOMAINS, String.join(",", domains));
        headers.put(MailhubHeaders.RCPT_COUNT, e.recipients().size());
        headers.put(MailhubHeaders.SIZE, e.size());
        if (e.authUser() != null) {
            headers.put(MailhubHeaders.AUTH_USER, e.authUser());
        }
        if (e.clientAddress() != null) {
            headers.put(MailhubHeaders.CLIENT_IP, e.clientAddress());
        }
        if (e.clientHelo() != null) {
            headers.put(MailhubHeaders.CLIENT_HELO, e.clientHelo()); // an envelope field too: kept when queued
        }
    }

    /**
     * The message's own header fields (the first of each name, unfolded, encoded words decoded) and the hop count;
     * with {@code attachments}, the attachment facts too (a MIME parse of the whole message).
     */
    /** What {@link #content} found: the names of the fields it set, and the raw Subject value (or {@code null}). */
    record Fields(List<String> names, String rawSubject) {}

    static Fields content(Supplier<InputStream> content, boolean attachments, Map<String, Object> headers)
            throws IOException {
        List<String> added = new ArrayList<>();
        String rawSubject = null;
        List<String> fields = new ArrayList<>();
        try (InputStream in = content.get()) {
            MessageHeader.read(in, fields);
        }
        int received = 0;
        for (String f : fields) {
            int colon = f.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = f.substring(0, colon).strip();
            if (name.equalsIgnoreCase("Received")) {
                received++;
            }
            if (name.regionMatches(true, 0, "Mailhub", 0, 7) || headers.keySet().stream()
                    .anyMatch(name::equalsIgnoreCase)) {
                continue; // never a client's Mailhub* field; the first occurrence only
            }
            String raw = f.substring(colon + 1).replaceAll("\r?\n", "");
            if (name.equalsIgnoreCase("Subject")) {
                rawSubject = raw.strip();
            }
            headers.put(name, decode(raw.strip()));
            added.add(name);
        }
        headers.put(MailhubHeaders.HOP_COUNT, received);
        if (attachments) {
            attachments(content, headers);
        }
        return new Fields(added, rawSubject);
    }

    private static String decode(String value) {
        try {
            return MimeUtility.decodeText(value);
        } catch (UnsupportedEncodingException | RuntimeException e) {
            return value;
        }
    }

    /**
     * The attachments, found by a streaming scan of the MIME part headers (after each boundary line, and the header of
     * an attached message after its part's): a part whose Content-Disposition is attachment or that names a file
     * ({@code filename=}, {@code name=}). No part is decoded or held in memory, so a 25 MB invoice costs one read;
     * only a ZIP attachment's body is gathered (up to {@link #MAX_ARCHIVE} octets) to list the files it holds.
     */
    private static void attachments(Supplier<InputStream> content, Map<String, Object> headers) throws IOException {
        List<String> types = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<String> archived = new ArrayList<>();
        boolean encrypted = false;
        try (java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(content.get(),
                java.nio.charset.StandardCharsets.ISO_8859_1), 8192)) {
            boolean inPartHeader = false;
            StringBuilder field = new StringBuilder();
            List<String> partFields = new ArrayList<>();
            boolean topHeader = true;
            Archive archive = null;
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (topHeader) {
                    if (line.isEmpty()) {
                        topHeader = false;
                    }
                    continue;
                }
                if (archive != null && !line.startsWith("--")) {
                    archive.line(line);
                    continue;
                }
                if (archive != null) {
                    ZipListing.Listing listing = archive.listing();
                    archived.addAll(listing.names());
                    encrypted |= listing.encrypted();
                    archive = null;
                }
                if (!inPartHeader) {
                    if (line.startsWith("--")) {
                        inPartHeader = true;
                        partFields.clear();
                        field.setLength(0);
                    }
                    continue;
                }
                if (line.isEmpty()) {
                    if (field.length() > 0) {
                        partFields.add(field.toString());
                    }
                    // an attached message's own header follows its part header: read it as a part header too
                    Part part = part(partFields, types, names);
                    inPartHeader = part.message();
                    archive = part.archiveEncoding() == null ? null : new Archive(part.archiveEncoding());
                    partFields.clear();
                    field.setLength(0);
                } else if ((line.charAt(0) == ' ' || line.charAt(0) == '\t') && field.length() > 0) {
                    field.append(' ').append(line.strip());
                } else {
                    if (field.length() > 0) {
                        partFields.add(field.toString());
                    }
                    field.setLength(0);
                    field.append(line);
                }
            }
        }
        headers.put(MailhubHeaders.HAS_ATTACHMENT, !types.isEmpty());
        headers.put(MailhubHeaders.ATTACHMENT_TYPES, String.join(",", types));
        headers.put(MailhubHeaders.ATTACHMENT_NAMES, String.join(",", names));
        headers.put(MailhubHeaders.ARCHIVE_NAMES, String.join(",", archived));
        headers.put(MailhubHeaders.ARCHIVE_ENCRYPTED, encrypted);
    }

    /** The most octets of one ZIP attachment's body (as sent, encoded) read to list its files. */
    static final int MAX_ARCHIVE = 48 << 20;

    /** A ZIP attachment's body, gathered line by line, then listed ({@link ZipListing}). */
    private static final class Archive {
        private final String encoding;
        private final java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();

        Archive(String encoding) {
            this.encoding = encoding;
        }

        void line(String line) {
            if (body.size() + line.length() + 2 <= MAX_ARCHIVE) {
                body.writeBytes((line + "\r\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            }
        }

        ZipListing.Listing listing() {
            byte[] zip;
            try {
                zip = MimeEntity.decode(body.toByteArray(), encoding);
            } catch (IllegalArgumentException badBase64) {
                return new ZipListing.Listing(List.of(), false);
            }
            return ZipListing.looksLikeZip(zip) ? ZipListing.list(zip) : new ZipListing.Listing(List.of(), false);
        }
    }

    private static final java.util.regex.Pattern FILE_NAME = java.util.regex.Pattern.compile(
            "(?i);\\s*(?:file)?name\\*?=\\s*(\"([^\"]*)\"|[^;\\s]+)");

    /**
     * A part's file name: {@code filename=} of its Content-Disposition, else {@code name=} of its Content-Type, with
     * RFC 2231 ({@code filename*=UTF-8''...}) and RFC 2047 encoded words decoded; {@code null} when it names none.
     */
    static String fileName(String disposition, String contentType) {
        for (String v : new String[] {disposition, contentType}) {
            String continued = v == null ? null : continued(v, v == disposition ? "filename" : "name");
            if (continued != null) {
                return continued;
            }
            java.util.regex.Matcher m = v == null ? null : FILE_NAME.matcher(v);
            if (m != null && m.find()) {
                String raw = m.group(2) != null ? m.group(2) : m.group(1);
                return raw.contains("''") ? java.net.URLDecoder.decode(raw.substring(raw.indexOf("''") + 2),
                        java.nio.charset.StandardCharsets.UTF_8) : decode(raw); // RFC 2231 or RFC 2047
            }
        }
        return null;
    }

    /**
     * An RFC 2231 parameter split into sections ({@code filename*0="set"; filename*1="up.exe"}, or encoded:
     * {@code filename*0*=UTF-8''r%C3%A9; filename*1*=sum%C3%A9.js}), joined and decoded; {@code null} when the value
     * has no such sections. Without this a name split in two would slip past a rule on names.
     */
    static String continued(String value, String param) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i);\\s*" + param
                + "\\*(\\d{1,3})(\\*?)=\\s*(\"([^\"]*)\"|[^;\\s]+)").matcher(value);
        java.util.TreeMap<Integer, String[]> sections = new java.util.TreeMap<>();
        while (m.find()) {
            sections.putIfAbsent(Integer.parseInt(m.group(1)), new String[] {m.group(4) != null ? m.group(4)
                    : m.group(3), m.group(2)});
        }
        if (sections.isEmpty()) {
            return null;
        }
        java.nio.charset.Charset charset = java.nio.charset.StandardCharsets.US_ASCII;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (java.util.Map.Entry<Integer, String[]> s : sections.entrySet()) {
            String raw = s.getValue()[0];
            boolean encoded = !s.getValue()[1].isEmpty();
            if (encoded && s.getKey() == 0) {
                int q1 = raw.indexOf('\'');
                int q2 = q1 < 0 ? -1 : raw.indexOf('\'', q1 + 1);
                if (q2 > 0) {
                    try {
                        charset = java.nio.charset.Charset.forName(raw.substring(0, q1));
                    } catch (IllegalArgumentException e) {
                        charset = java.nio.charset.StandardCharsets.UTF_8;
                    }
                    raw = raw.substring(q2 + 1);
                }
            }
            for (int i = 0; i < raw.length(); i++) {
                char c = raw.charAt(i);
                int hi = encoded && c == '%' && i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
                int lo = hi >= 0 ? Character.digit(raw.charAt(i + 2), 16) : -1;
                if (hi >= 0 && lo >= 0) {
                    out.write(hi << 4 | lo);
                    i += 2;
                } else {
                    out.write(c > 0xff ? '?' : c);
                }
            }
        }
        return new String(out.toByteArray(), charset);
    }

    /**
     * What a part header says: whether an attached message's header follows ({@code message/rfc822}), and for a ZIP
     * attachment its transfer encoding ({@code null} for any other part).
     */
    private record Part(boolean message, String archiveEncoding) {}

    /** Records the part if it is an attachment. */
    private static Part part(List<String> fields, List<String> types, List<String> names) {
        String type = null;
        String disposition = null;
        String encoding = "7bit";
        for (String f : fields) {
            if (f.regionMatches(true, 0, "Content-Type:", 0, 13)) {
                type = f.substring(13).strip();
            } else if (f.regionMatches(true, 0, "Content-Disposition:", 0, 20)) {
                disposition = f.substring(20).strip();
            } else if (f.regionMatches(true, 0, "Content-Transfer-Encoding:", 0, 26)) {
                encoding = f.substring(26).strip().toLowerCase(Locale.ROOT);
            }
        }
        if (type != null && type.toLowerCase(Locale.ROOT).startsWith("multipart/")) {
            return new Part(false, null);
        }
        String name = fileName(disposition, type);
        boolean attachment = disposition != null && disposition.toLowerCase(Locale.ROOT).startsWith("attachment");
        String mimeType = null;
        if (attachment || name != null) {
            String t = type == null ? "application/octet-stream" : type;
            int semi = t.indexOf(';');
            mimeType = (semi < 0 ? t : t.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
            types.add(mimeType);
            names.add(name == null ? "" : name);
        }
        return new Part(type != null && type.toLowerCase(Locale.ROOT).startsWith("message/rfc822"),
                mimeType != null && ZipListing.isArchive(mimeType, name) ? encoding : null);
    }

    /** The message facts header names, so that they can be removed before the message is queued again. */
    static final List<String> NAMES = List.of(MailhubHeaders.STAGE, MailhubHeaders.MAIL_FROM, MailhubHeaders.RCPT_TO,
            MailhubHeaders.RCPT_DOMAINS, MailhubHeaders.RCPT_COUNT, MailhubHeaders.CLIENT_IP, MailhubHeaders.HOP_COUNT,
            MailhubHeaders.HAS_ATTACHMENT, MailhubHeaders.ATTACHMENT_TYPES, MailhubHeaders.ATTACHMENT_NAMES,
            MailhubHeaders.ARCHIVE_NAMES, MailhubHeaders.ARCHIVE_ENCRYPTED);

    static String address(MailAddress a) {
        return a == null ? "" : a.toString();
    }
}
