package io.mailhub.model;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An SMTP reply: a three-digit code, an optional RFC 3463 enhanced status code and one or more text lines.
 *
 * <p>Immutable; built by the static factories. The enhanced status code is written on every line of a multi-line
 * reply, as RFC 2034 section 4 asks. RFC 2034 also says the greeting and the HELO/EHLO replies carry none: build those
 * with {@link #withoutStatus(int, List)}.
 */
public record SmtpReply(int code, String status, List<String> lines) {

    private static final Pattern STATUS = Pattern.compile("[245]\\.\\d{1,3}\\.\\d{1,3}");

    public SmtpReply {
        if (code < 200 || code > 599) {
            throw new IllegalArgumentException("SMTP reply code out of range: " + code);
        }
        if (status != null) {
            if (!STATUS.matcher(status).matches()) {
                throw new IllegalArgumentException("not an enhanced status code: " + status);
            }
            if (status.charAt(0) - '0' != code / 100 && code / 100 != 3) {
                throw new IllegalArgumentException("status " + status + " does not match reply code " + code);
            }
        }
        lines = List.copyOf(lines);
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("a reply needs at least one line");
        }
        for (String line : lines) {
            Objects.requireNonNull(line, "line");
            if (line.indexOf('\r') >= 0 || line.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("reply text must not contain CR or LF");
            }
        }
    }

    /** A one-line reply with an enhanced status code, e.g. {@code of(250, "2.1.0", "Sender ok")}. */
    public static SmtpReply of(int code, String status, String text) {
        return new SmtpReply(code, status, List.of(text));
    }

    /** A reply without an enhanced status code: the greeting, HELO/EHLO replies, or a reply from a peer that sent none. */
    public static SmtpReply withoutStatus(int code, List<String> lines) {
        return new SmtpReply(code, null, lines);
    }

    public boolean isPositiveCompletion() {
        return code / 100 == 2;
    }

    public boolean isPositiveIntermediate() {
        return code / 100 == 3;
    }

    public boolean isTransientFailure() {
        return code / 100 == 4;
    }

    public boolean isPermanentFailure() {
        return code / 100 == 5;
    }

    /** The reply as sent on the wire, each line ending in CRLF. */
    public String toWire() {
        StringBuilder sb = new StringBuilder(64);
        for (int i = 0; i < lines.size(); i++) {
            sb.append(code).append(i == lines.size() - 1 ? ' ' : '-');
            if (status != null) {
                sb.append(status).append(' ');
            }
            sb.append(lines.get(i)).append("\r\n");
        }
        return sb.toString();
    }

    /** The reply on one line, for logs and diagnostic codes: {@code 550 5.1.1 No such user}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(64).append(code);
        if (status != null) {
            sb.append(' ').append(status);
        }
        for (String line : lines) {
            sb.append(' ').append(line);
        }
        return sb.toString();
    }

    /**
     * Reads the enhanced status code a peer put at the start of a reply line, if it is one that matches the reply
     * code's class (RFC 3463 section 2).
     */
    public static String statusPrefix(int code, String text) {
        int space = text.indexOf(' ');
        String first = space < 0 ? text : text.substring(0, space);
        if (STATUS.matcher(first).matches() && first.charAt(0) - '0' == code / 100) {
            return first;
        }
        return null;
    }
}
