package io.mailhub.routing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Appends a footer (a disclaimer) to a message's body text, as mail servers' disclaimer rules do: to the text of a
 * {@code text/plain} body and before {@code </body>} of a {@code text/html} one; in {@code multipart/alternative} to
 * each alternative; in {@code multipart/mixed} and {@code multipart/related} to the first part only (the body, not the
 * attachments). Every other byte of the message stays as it was. The part keeps its transfer encoding (base64,
 * quoted-printable) and its charset, unless the charset cannot carry the footer (then UTF-8) or a 7bit part now has
 * 8-bit text (then quoted-printable). Signed or encrypted messages ({@code multipart/signed},
 * {@code multipart/encrypted}, {@code application/pkcs7-mime}) are left alone: the footer would break them.
 */
final class MimeFooter {

    private MimeFooter() {}

    /** The result: the message (the same array when nothing changed) and why nothing changed, if so. */
    record Result(byte[] message, int partsChanged, String unchangedBecause) {}

    static Result add(byte[] message, String text, String html) {
        try {
            Changes changes = new Changes(text, html);
            byte[] out = entity(message, changes);
            return out == null ? new Result(message, 0, "no text or HTML body part")
                    : new Result(out, changes.count, null);
        } catch (Unchangeable e) {
            return new Result(message, 0, e.getMessage());
        }
    }

    private static final class Changes {
        final String text;
        final String html;
        int count;

        Changes(String text, String html) {
            this.text = text;
            this.html = html;
        }
    }

    /** A part that must not be changed (a signature would break), or cannot be (an unknown charset). */
    private static final class Unchangeable extends RuntimeException {
        Unchangeable(String message) {
            super(message, null, false, false);
        }
    }

    /** One entity: its header fields (unfolded text with their raw form) and where its body starts. */
    private record Entity(List<String> rawFields, int bodyStart, String type, String subtype,
            java.util.Map<String, String> params, String encoding, boolean attachment) {

        String field(String name) {
            for (String f : rawFields) {
                int colon = f.indexOf(':');
                if (colon > 0 && f.substring(0, colon).strip().equalsIgnoreCase(name)) {
                    return f.substring(colon + 1).replaceAll("\r\n[ \t]", " ").strip();
                }
            }
            return null;
        }
    }

    /** The changed entity, or {@code null} when it has nothing to change. */
    private static byte[] entity(byte[] bytes, Changes changes) {
        Entity e = parse(bytes);
        if (e.attachment()) {
            return null;
        }
        String mime = e.type() + "/" + e.subtype();
        if (mime.equals("multipart/signed") || mime.equals("multipart/encrypted")
                || mime.equals("application/pkcs7-mime") || mime.equals("application/x-pkcs7-mime")) {
            throw new Unchangeable("the message is signed or encrypted (" + mime + ")");
        }
        if (e.type().equals("multipart")) {
            return multipart(bytes, e, changes);
        }
        if (mime.equals("text/plain") && changes.text != null || mime.equals("text/html") && changes.html != null) {
            return leaf(bytes, e, changes, mime.equals("text/html"));
        }
        return null;
    }

    private static byte[] multipart(byte[] bytes, Entity e, Changes changes) {
        String boundary = e.params().get("boundary");
        if (boundary == null || boundary.isEmpty()) {
            return null;
        }
        String body = new String(bytes, e.bodyStart(), bytes.length - e.bodyStart(), StandardCharsets.ISO_8859_1);
        String delimiter = "--" + boundary;
        List<int[]> parts = new ArrayList<>(); // [start, end) of each part's content in body
        int partStart = -1;
        int closeEnd = -1;
        int pos = 0;
        while (pos <= body.length()) {
            int eol = body.indexOf('\n', pos);
            int lineEnd = eol < 0 ? body.length() : eol;
            String line = body.substring(pos, lineEnd).replaceFirst("[ \t\r]+$", "");
            boolean close = line.equals(delimiter + "--");
            if (close || line.equals(delimiter)) {
                if (partStart >= 0) {
                    int end = pos >= 2 && body.startsWith("\r\n", pos - 2) ? pos - 2 : pos > 0 ? pos - 1 : pos;
                    parts.add(new int[] {partStart, end}); // the CRLF before a delimiter belongs to it
                }
                if (close) {
                    closeEnd = pos;
                    break;
                }
                partStart = eol < 0 ? body.length() : eol + 1;
            }
            if (eol < 0) {
                break;
            }
            pos = eol + 1;
        }
        if (parts.isEmpty() || closeEnd < 0) {
            return null; // no complete multipart: leave it alone
        }
        boolean everyPart = e.subtype().equals("alternative");
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + 1024);
        out.write(bytes, 0, e.bodyStart());
        int copied = 0;
        boolean changed = false;
        for (int i = 0; i < parts.size() && (everyPart || i == 0); i++) {
            int[] p = parts.get(i);
            byte[] part = body.substring(p[0], p[1]).getBytes(StandardCharsets.ISO_8859_1);
            byte[] edited = entity(part, changes);
            if (edited != null) {
                out.write(body.substring(copied, p[0]).getBytes(StandardCharsets.ISO_8859_1), 0,
                        p[0] - copied);
                out.writeBytes(edited);
                copied = p[1];
                changed = true;
            }
        }
        if (!changed) {
            return null;
        }
        out.writeBytes(body.substring(copied).getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    private static byte[] leaf(byte[] bytes, Entity e, Changes changes, boolean isHtml) {
        String encoding = e.encoding();
        byte[] raw = java.util.Arrays.copyOfRange(bytes, e.bodyStart(), bytes.length);
        byte[] decoded = switch (encoding) {
            case "base64" -> Base64.getMimeDecoder().decode(raw);
            case "quoted-printable" -> io.mailhub.model.QuotedPrintable.decode(raw);
            default -> raw;
        };
        String charsetName = e.params().getOrDefault("charset", "us-ascii");
        Charset charset;
        try {
            charset = Charset.forName(charsetName);
        } catch (IllegalArgumentException ex) {
            throw new Unchangeable("unknown charset " + charsetName);
        }
        String content = new String(decoded, charset);
        String added = isHtml ? changes.html : changes.text;
        String result;
        if (isHtml) {
            int at = content.toLowerCase(Locale.ROOT).lastIndexOf("</body>");
            result = at < 0 ? content + added : content.substring(0, at) + added + content.substring(at);
        } else {
            result = (content.isEmpty() || content.endsWith("\n") ? content : content + "\r\n") + "\r\n" + added + "\r\n";
        }
        Charset target = charset.newEncoder().canEncode(result) ? charset : StandardCharsets.UTF_8;
        byte[] text = result.getBytes(target);
        String newEncoding = encoding;
        if ((encoding.equals("7bit")) && !sevenBit(text)) {
            newEncoding = "quoted-printable";
        }
        byte[] body = switch (newEncoding) {
            case "base64" -> (Base64.getMimeEncoder(76, new byte[] {'\r', '\n'}).encodeToString(text) + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            case "quoted-printable" -> io.mailhub.model.QuotedPrintable.encode(text);
            default -> text;
        };
        changes.count++;
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + body.length);
        boolean wroteEncoding = false;
        for (String f : e.rawFields()) {
            String name = f.substring(0, Math.max(0, f.indexOf(':'))).strip().toLowerCase(Locale.ROOT);
            if (name.equals("content-type") && !target.equals(charset)) {
                out.writeBytes(("Content-Type: " + e.type() + "/" + e.subtype() + "; charset=utf-8\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
            } else if (name.equals("content-transfer-encoding") && !newEncoding.equals(encoding)) {
                out.writeBytes(("Content-Transfer-Encoding: " + newEncoding + "\r\n").getBytes(StandardCharsets.US_ASCII));
                wroteEncoding = true;
            } else {
                out.writeBytes(f.getBytes(StandardCharsets.ISO_8859_1));
            }
        }
        if (!target.equals(charset) && e.field("content-type") == null) {
            out.writeBytes(("Content-Type: " + e.type() + "/" + e.subtype() + "; charset=utf-8\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
        }
        if (!newEncoding.equals(encoding) && !wroteEncoding) {
            out.writeBytes(("Content-Transfer-Encoding: " + newEncoding + "\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        int blank = headerBlockEnd(bytes, e);
        out.writeBytes(blank < e.bodyStart() ? java.util.Arrays.copyOfRange(bytes, blank, e.bodyStart())
                : "\r\n".getBytes(StandardCharsets.US_ASCII)); // the empty line before the body
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static boolean sevenBit(byte[] text) {
        int line = 0;
        for (byte b : text) {
            if (b < 0) {
                return false;
            }
            line = b == '\n' ? 0 : line + 1;
            if (line > 998) {
                return false;
            }
        }
        return true;
    }

    /** Where the last header field ends (the blank line after it starts). */
    private static int headerBlockEnd(byte[] bytes, Entity e) {
        int n = 0;
        for (String f : e.rawFields()) {
            n += f.length();
        }
        return n;
    }

    /** The entity's header fields (each with its line ends, folded lines included) and its MIME facts. */
    private static Entity parse(byte[] bytes) {
        List<String> fields = new ArrayList<>();
        int pos = 0;
        StringBuilder current = null;
        int bodyStart = bytes.length;
        while (pos < bytes.length) {
            int eol = pos;
            while (eol < bytes.length && bytes[eol] != '\n') {
                eol++;
            }
            int next = Math.min(bytes.length, eol + 1);
            String line = new String(bytes, pos, next - pos, StandardCharsets.ISO_8859_1);
            if (line.equals("\r\n") || line.equals("\n")) {
                bodyStart = next;
                break;
            }
            if ((line.startsWith(" ") || line.startsWith("\t")) && current != null) {
                current.append(line);
            } else {
                if (current != null) {
                    fields.add(current.toString());
                }
                current = new StringBuilder(line);
            }
            pos = next;
        }
        if (current != null) {
            fields.add(current.toString());
        }
        if (bodyStart == bytes.length && pos >= bytes.length) {
            bodyStart = bytes.length; // no body
        }
        Entity probe = new Entity(fields, bodyStart, "text", "plain", java.util.Map.of(), "7bit", false);
        String ct = probe.field("content-type");
        String type = "text";
        String subtype = "plain";
        java.util.Map<String, String> params = new java.util.HashMap<>();
        if (ct != null) {
            String[] segments = ct.split(";");
            String[] ts = segments[0].strip().toLowerCase(Locale.ROOT).split("/", 2);
            if (ts.length == 2 && !ts[0].isEmpty() && !ts[1].isEmpty()) {
                type = ts[0];
                subtype = ts[1].strip();
            }
            for (int i = 1; i < segments.length; i++) {
                int eq = segments[i].indexOf('=');
                if (eq > 0) {
                    String v = segments[i].substring(eq + 1).strip();
                    if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                        v = v.substring(1, v.length() - 1);
                    }
                    params.put(segments[i].substring(0, eq).strip().toLowerCase(Locale.ROOT), v);
                }
            }
        }
        String cte = probe.field("content-transfer-encoding");
        String encoding = cte == null ? "7bit" : cte.toLowerCase(Locale.ROOT).strip();
        String disposition = probe.field("content-disposition");
        boolean attachment = disposition != null && disposition.toLowerCase(Locale.ROOT).startsWith("attachment");
        return new Entity(fields, bodyStart, type, subtype, params, encoding, attachment);
    }
}
