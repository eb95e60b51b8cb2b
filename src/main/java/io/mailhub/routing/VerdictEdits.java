package io.mailhub.routing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the routing route's verdict changes in the message itself: header fields, the Subject, footers. */
final class VerdictEdits {

    private static final Logger LOG = LoggerFactory.getLogger("io.mailhub.routing");

    private VerdictEdits() {}

    /**
     * The message with the verdict's header edits, attachments removed and footers (not signed again: the caller does
     * that).
     */
    static byte[] apply(byte[] raw, RouteVerdict v, String queueId) {
        byte[] out = v.editsHeader() ? edited(raw, v) : raw;
        for (MimeStrip.Rule rule : v.strips()) {
            MimeStrip.Result r = MimeStrip.strip(out, rule);
            if (r.unchangedBecause() == null) {
                LOG.info("{}: attachment(s) removed by the routing route: {}", queueId, String.join(", ", r.removed()));
            } else if (!r.unchangedBecause().equals("no attachment matched")) {
                LOG.info("{}: attachments not looked at: {}", queueId, r.unchangedBecause());
            }
            out = r.message();
        }
        for (RouteVerdict.Footer f : v.footers()) {
            MimeFooter.Result r = MimeFooter.add(out, f.text(), f.html());
            if (r.unchangedBecause() != null) {
                LOG.info("{}: footer not added: {}", queueId, r.unchangedBecause());
            }
            out = r.message();
        }
        return out;
    }

    /** The message with the verdict's header edits: fields removed, fields added at the top, the Subject prefixed. */
    static byte[] edited(byte[] raw, RouteVerdict v) {
        int end = headerEnd(raw);
        String header = new String(raw, 0, end, StandardCharsets.ISO_8859_1);
        Set<String> remove = v.removeFields();
        StringBuilder kept = new StringBuilder();
        String subject = null;
        for (String field : header.split("\r\n(?![ \t])")) {
            if (field.isEmpty()) {
                continue;
            }
            int colon = field.indexOf(':');
            String name = colon < 0 ? "" : field.substring(0, colon).strip().toLowerCase(Locale.ROOT);
            if (name.equals("subject") && v.subjectPrefix() != null && subject == null) {
                subject = field.substring(colon + 1).strip();
                continue;
            }
            if (!remove.contains(name)) {
                kept.append(field).append("\r\n");
            }
        }
        StringBuilder top = new StringBuilder();
        for (String f : v.addFields()) {
            top.append(f).append("\r\n");
        }
        if (v.subjectPrefix() != null) {
            top.append("Subject: ").append(v.subjectPrefix()).append(subject == null ? "" : subject).append("\r\n");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length + top.length());
        out.writeBytes(top.toString().getBytes(StandardCharsets.UTF_8));
        out.writeBytes(kept.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(raw, end, raw.length - end);
        return out.toByteArray();
    }

    /** Where the header ends: the offset of the empty line's CRLF (the body and that line follow). */
    private static int headerEnd(byte[] raw) {
        for (int i = 0; i + 3 < raw.length; i++) {
            if (raw[i] == '\r' && raw[i + 1] == '\n' && raw[i + 2] == '\r' && raw[i + 3] == '\n') {
                return i + 2;
            }
        }
        return raw.length;
    }
}
