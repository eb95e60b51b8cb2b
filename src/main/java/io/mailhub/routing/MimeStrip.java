package io.mailhub.routing;

import io.mailhub.model.MimeEntity;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Removes attachments by file name or type, as mail gateways' attachment filters do: each matching part (a part that
 * is an attachment or names a file) is replaced by a short {@code text/plain} note saying what was removed, so the
 * recipient knows; every other byte of the message stays as it was. Parts inside multiparts at any depth are looked at,
 * and inside attached messages ({@code message/rfc822}, a forward as an attachment), which would otherwise carry any
 * file past the filter, up to {@link #MAX_DEPTH} entities deep. A ZIP archive holding a file whose name matches
 * goes as a whole ({@link ZipListing}; an archive cannot be edited without being written anew). Signed or encrypted
 * messages (also attached ones) are left alone.
 */
final class MimeStrip {

    /** How deep the entities (multiparts and attached messages) are followed; what lies deeper stays as it is. */
    static final int MAX_DEPTH = 32;

    private MimeStrip() {}

    /** The result: the message (the same array when nothing changed), what was removed, and why nothing, if so. */
    record Result(byte[] message, List<String> removed, String unchangedBecause) {}

    /**
     * Which attachments go: file name patterns ({@code *.exe}, case-insensitive) and types ({@code type/sub}, {@code
     * type/*}); with {@code archives}, also a ZIP archive holding a file whose name matches.
     */
    record Rule(List<String> names, List<String> types, String note, boolean archives) {

        Rule(List<String> names, List<String> types, String note) {
            this(names, types, note, true);
        }

        boolean matches(String fileName, String mimeType) {
            return matchesName(fileName) || matchesType(mimeType);
        }

        /** Whether a name matches, as it is or its last path segment (a file in an archive's folder). */
        boolean matchesName(String fileName) {
            String name = fileName == null ? "" : fileName.toLowerCase(Locale.ROOT).strip();
            String last = name.substring(name.lastIndexOf('/') + 1);
            for (String glob : names) {
                String regex = globRegex(glob);
                if (!name.isEmpty() && (Pattern.matches(regex, name) || Pattern.matches(regex, last))) {
                    return true;
                }
            }
            return false;
        }

        private boolean matchesType(String mimeType) {
            for (String t : types) {
                String type = t.toLowerCase(Locale.ROOT);
                if (type.equals(mimeType) || type.endsWith("/*") && mimeType.startsWith(type.substring(0, type.length() - 1))) {
                    return true;
                }
            }
            return false;
        }

        private static String globRegex(String glob) {
            StringBuilder r = new StringBuilder();
            for (char c : glob.toLowerCase(Locale.ROOT).strip().toCharArray()) {
                r.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
            }
            return r.toString();
        }
    }

    static Result strip(byte[] message, Rule rule) {
        MimeEntity top = MimeEntity.parse(message);
        if (top.sealed()) {
            return new Result(message, List.of(), "the message is signed or encrypted (" + top.mimeType() + ")");
        }
        List<String> removed = new ArrayList<>();
        byte[] out = entity(message, top, rule, removed, true, 0);
        return out == null ? new Result(message, List.of(), "no attachment matched") : new Result(out, removed, null);
    }

    /** The entity with its matching attachments replaced, or {@code null} when none matched. */
    private static byte[] entity(byte[] bytes, MimeEntity e, Rule rule, List<String> removed, boolean top, int depth) {
        if (depth > MAX_DEPTH) {
            return null;
        }
        if (e.type().equals("multipart")) {
            List<int[]> parts = e.parts(bytes);
            if (parts == null || e.sealed()) {
                return null;
            }
            return MimeEntity.replaced(bytes, parts, i -> {
                byte[] part = java.util.Arrays.copyOfRange(bytes, parts.get(i)[0], parts.get(i)[1]);
                return entity(part, MimeEntity.parse(part), rule, removed, false, depth + 1);
            });
        }
        String name = MessageFacts.fileName(e.field("content-disposition"), e.field("content-type"));
        boolean attachment = e.attachment() || name != null;
        String held = attachment && !rule.matches(name, e.mimeType()) ? heldInArchive(bytes, e, name, rule) : null;
        if (!attachment || !rule.matches(name, e.mimeType()) && held == null) {
            return e.mimeType().equals("message/rfc822") ? attachedMessage(bytes, e, rule, removed, depth) : null;
        }
        String what = (name == null ? "an attachment" : "the attachment " + name) + " (" + e.mimeType() + ")"
                + (held == null ? "" : ", which holds " + held);
        removed.add((name == null ? e.mimeType() : name) + (held == null ? "" : " (holding " + held + ")"));
        return note(bytes, e, rule.note().replace("{attachment}", what), top);
    }

    /** The first file of a ZIP attachment whose name matches the rule, or {@code null}. */
    private static String heldInArchive(byte[] bytes, MimeEntity e, String name, Rule rule) {
        if (!rule.archives() || rule.names().isEmpty() || !ZipListing.isArchive(e.mimeType(), name)) {
            return null;
        }
        byte[] zip;
        try {
            zip = e.decodedBody(bytes);
        } catch (IllegalArgumentException badBase64) {
            return null;
        }
        if (!ZipListing.looksLikeZip(zip)) {
            return null;
        }
        for (String inside : ZipListing.names(zip)) {
            if (rule.matchesName(inside)) {
                return inside;
            }
        }
        return null;
    }

    /**
     * An attached message with its own matching attachments replaced (its header and every other byte kept), or
     * {@code null}. Only an identity transfer encoding is opened (RFC 2046 section 5.2.1 allows no other).
     */
    private static byte[] attachedMessage(byte[] bytes, MimeEntity e, Rule rule, List<String> removed, int depth) {
        if (!List.of("7bit", "8bit", "binary").contains(e.encoding())) {
            return null;
        }
        byte[] inner = java.util.Arrays.copyOfRange(bytes, e.bodyStart(), bytes.length);
        MimeEntity message = MimeEntity.parse(inner);
        if (message.sealed()) {
            return null;
        }
        byte[] edited = entity(inner, message, rule, removed, true, depth + 1);
        if (edited == null) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(e.bodyStart() + edited.length);
        out.write(bytes, 0, e.bodyStart());
        out.writeBytes(edited);
        return out.toByteArray();
    }

    /**
     * The part replaced by the note: the message's own header fields kept when the whole message was the attachment,
     * the Content-* fields replaced.
     */
    private static byte[] note(byte[] bytes, MimeEntity e, String text, boolean top) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        if (top) {
            for (String f : e.rawFields()) {
                if (!f.regionMatches(true, 0, "content-", 0, 8)) {
                    out.writeBytes(f.getBytes(StandardCharsets.ISO_8859_1));
                }
            }
        }
        out.writeBytes(("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(io.mailhub.model.QuotedPrintable.encode((text + "\r\n").getBytes(StandardCharsets.UTF_8)));
        return out.toByteArray();
    }
}
