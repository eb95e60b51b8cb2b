package io.mailhub.model;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * One MIME entity of a message (RFC 2045, 2046), as the routing route's body edits and the reader of returned
 * delivery reports need it: its header fields as they
 * are (folded lines and line ends included), where its body starts, its type, parameters, transfer encoding and
 * disposition, and for a multipart its parts' places, so that an edit can replace some parts and copy every other
 * byte.
 */
public record MimeEntity(List<String> rawFields, int bodyStart, String type, String subtype,
        java.util.Map<String, String> params, String encoding, boolean attachment) {

    /** The types whose content a change would break: signed or encrypted mail. */
    private static final List<String> SEALED = List.of("multipart/signed", "multipart/encrypted",
            "application/pkcs7-mime", "application/x-pkcs7-mime");

    /** The first field of that name, unfolded, or {@code null}. */
    public String field(String name) {
        for (String f : rawFields) {
            int colon = f.indexOf(':');
            if (colon > 0 && f.substring(0, colon).strip().equalsIgnoreCase(name)) {
                return f.substring(colon + 1).replaceAll("\r\n[ \t]", " ").strip();
            }
        }
        return null;
    }

    public String mimeType() {
        return type + "/" + subtype;
    }

    public boolean sealed() {
        return SEALED.contains(mimeType());
    }


    /** The body without its transfer encoding (base64, quoted-printable; any other as it is). */
    public byte[] decodedBody(byte[] bytes) {
        return decode(java.util.Arrays.copyOfRange(bytes, bodyStart, bytes.length), encoding);
    }

    /**
     * Octets without their transfer encoding.
     *
     * @throws IllegalArgumentException for base64 that cannot be decoded
     */
    public static byte[] decode(byte[] raw, String encoding) {
        return switch (encoding) {
            case "base64" -> java.util.Base64.getMimeDecoder().decode(raw);
            case "quoted-printable" -> io.mailhub.model.QuotedPrintable.decode(raw);
            default -> raw;
        };
    }

    /** Where the last header field ends (the blank line after it starts). */
    public int headerBlockEnd() {
        int n = 0;
        for (String f : rawFields) {
            n += f.length();
        }
        return n;
    }

    /**
     * The places {@code [start, end)} of a multipart's parts in {@code bytes} (the CRLF before each delimiter belongs
     * to the delimiter), or {@code null} when it has no boundary or no closing delimiter.
     */
    public List<int[]> parts(byte[] bytes) {
        String boundary = params.get("boundary");
        if (!type.equals("multipart") || boundary == null || boundary.isEmpty()) {
            return null;
        }
        String body = new String(bytes, bodyStart, bytes.length - bodyStart, StandardCharsets.ISO_8859_1);
        String delimiter = "--" + boundary;
        List<int[]> parts = new ArrayList<>();
        int partStart = -1;
        int pos = 0;
        while (pos <= body.length()) {
            int eol = body.indexOf('\n', pos);
            int lineEnd = eol < 0 ? body.length() : eol;
            String line = body.substring(pos, lineEnd).replaceFirst("[ \t\r]+$", "");
            boolean close = line.equals(delimiter + "--");
            if (close || line.equals(delimiter)) {
                if (partStart >= 0) {
                    int end = pos >= 2 && body.startsWith("\r\n", pos - 2) ? pos - 2 : pos > 0 ? pos - 1 : pos;
                    parts.add(new int[] {bodyStart + partStart, bodyStart + end});
                }
                if (close) {
                    return parts.isEmpty() ? null : parts;
                }
                partStart = eol < 0 ? body.length() : eol + 1;
            }
            if (eol < 0) {
                break;
            }
            pos = eol + 1;
        }
        return null; // no closing delimiter: leave it alone
    }

    /**
     * {@code bytes} with the parts for which {@code replacement} gives new bytes replaced, every other byte copied; or
     * {@code null} when it gives none.
     */
    public static byte[] replaced(byte[] bytes, List<int[]> parts, IntFunction<byte[]> replacement) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + 1024);
        int copied = 0;
        boolean changed = false;
        for (int i = 0; i < parts.size(); i++) {
            byte[] edited = replacement.apply(i);
            if (edited != null) {
                int[] p = parts.get(i);
                out.write(bytes, copied, p[0] - copied);
                out.writeBytes(edited);
                copied = p[1];
                changed = true;
            }
        }
        if (!changed) {
            return null;
        }
        out.write(bytes, copied, bytes.length - copied);
        return out.toByteArray();
    }

    /** The entity's header fields (each with its line ends, folded lines included) and its MIME facts. */
    public static MimeEntity parse(byte[] bytes) {
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
        MimeEntity probe = new MimeEntity(fields, bodyStart, "text", "plain", java.util.Map.of(), "7bit", false);
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
        return new MimeEntity(fields, bodyStart, type, subtype, params, encoding, attachment);
    }
}
