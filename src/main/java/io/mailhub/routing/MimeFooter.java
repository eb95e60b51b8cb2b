package io.mailhub.routing;

import io.mailhub.model.MimeEntity;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
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

    /** The changed entity, or {@code null} when it has nothing to change. */
    private static byte[] entity(byte[] bytes, Changes changes) {
        MimeEntity e = MimeEntity.parse(bytes);
        if (e.attachment()) {
            return null;
        }
        if (e.sealed()) {
            throw new Unchangeable("the message is signed or encrypted (" + e.mimeType() + ")");
        }
        if (e.type().equals("multipart")) {
            List<int[]> parts = e.parts(bytes);
            if (parts == null) {
                return null;
            }
            boolean everyPart = e.subtype().equals("alternative");
            return MimeEntity.replaced(bytes, parts, i -> everyPart || i == 0
                    ? entity(java.util.Arrays.copyOfRange(bytes, parts.get(i)[0], parts.get(i)[1]), changes) : null);
        }
        String mime = e.mimeType();
        if (mime.equals("text/plain") && changes.text != null || mime.equals("text/html") && changes.html != null) {
            return leaf(bytes, e, changes, mime.equals("text/html"));
        }
        return null;
    }

    private static byte[] leaf(byte[] bytes, MimeEntity e, Changes changes, boolean isHtml) {
        String encoding = e.encoding();
        byte[] decoded = e.decodedBody(bytes);
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
        int blank = e.headerBlockEnd();
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
}
