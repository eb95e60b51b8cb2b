package io.mailhub.relay;

import io.mailhub.model.SmtpReply;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads server replies (RFC 5321 section 4.2): one or more lines {@code code-text} ending with {@code code SP text}.
 * A malformed reply is an {@link IOException}: the session cannot be trusted any more.
 */
final class ReplyReader {

    private static final int MAX_LINE = 4096;
    private static final int MAX_LINES = 200;

    private final InputStream in;
    private final byte[] buf = new byte[8192];
    private int pos;
    private int limit;

    ReplyReader(InputStream in) {
        this.in = in;
    }

    SmtpReply read() throws IOException {
        List<String> lines = new ArrayList<>(2);
        String status = null;
        int code = -1;
        while (true) {
            String line = readLine();
            if (line.length() < 3 || !isDigits(line.substring(0, 3))) {
                throw new IOException("malformed reply line: " + abbreviate(line));
            }
            int lineCode = Integer.parseInt(line.substring(0, 3));
            if (code >= 0 && lineCode != code) {
                throw new IOException("reply code changed within a multi-line reply: " + abbreviate(line));
            }
            code = lineCode;
            boolean more = line.length() > 3 && line.charAt(3) == '-';
            if (line.length() > 3 && line.charAt(3) != '-' && line.charAt(3) != ' ') {
                throw new IOException("malformed reply line: " + abbreviate(line));
            }
            String text = line.length() > 4 ? line.substring(4) : "";
            String lineStatus = SmtpReply.statusPrefix(code, text);
            if (lineStatus != null) {
                status = status == null ? lineStatus : status;
                text = text.substring(lineStatus.length()).stripLeading();
            }
            lines.add(text);
            if (!more) {
                break;
            }
            if (lines.size() > MAX_LINES) {
                throw new IOException("reply has too many lines");
            }
        }
        if (code < 200 || code > 599) {
            throw new IOException("reply code out of range: " + code);
        }
        return new SmtpReply(code, status, lines);
    }

    /** Bytes received but not yet read as replies: after a reply to STARTTLS there must be none. */
    int buffered() {
        return limit - pos;
    }

    private String readLine() throws IOException {
        StringBuilder sb = new StringBuilder(64);
        while (true) {
            if (pos == limit) {
                limit = in.read(buf, 0, buf.length);
                pos = 0;
                if (limit <= 0) {
                    limit = 0;
                    throw new EOFException("connection closed by the server");
                }
            }
            byte b = buf[pos++];
            if (b == '\n') {
                int len = sb.length();
                if (len > 0 && sb.charAt(len - 1) == '\r') {
                    sb.setLength(len - 1);
                }
                return new String(sb.toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
            }
            if (sb.length() >= MAX_LINE) {
                throw new IOException("reply line too long");
            }
            sb.append((char) (b & 0xff));
        }
    }

    private static boolean isDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static String abbreviate(String s) {
        String clean = s.replaceAll("[^\\x20-\\x7e]", "?");
        return clean.length() > 100 ? clean.substring(0, 100) + "..." : clean;
    }
}
