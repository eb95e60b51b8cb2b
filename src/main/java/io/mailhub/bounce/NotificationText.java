package io.mailhub.bounce;

import io.mailhub.model.Ascii;
import io.mailhub.model.Envelope;
import io.mailhub.model.RecipientOutcome;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The human-readable part: the kind's template with its placeholders filled in. {@code ${recipients}} lists each
 * recipient as {@code <address> (action, remote MTA): diagnostic}, wrapped at 78 columns with an indent of 4, one
 * blank line between recipients. The text is sent as 7-bit US-ASCII when it is ASCII, otherwise as UTF-8 in
 * quoted-printable, so the part never needs 8BITMIME and no line exceeds 998 octets.
 */
final class NotificationText {

    static final int WIDTH = 78;
    private static final String INDENT = "    ";
    /** Longest piece of one word on a line; longer words are split so lines stay far below 998 octets. */
    private static final int MAX_WORD = 900;

    /**
     * @param subject the subject, still to be encoded for the header
     * @param charset {@code us-ascii} or {@code utf-8}
     * @param transferEncoding {@code 7bit} or {@code quoted-printable}
     * @param body the encoded body, ASCII, CRLF line ends, ending in CRLF
     */
    record Rendered(String subject, String charset, String transferEncoding, String body) {}

    private NotificationText() {}

    static Rendered render(DsnTemplates.Template template, Map<String, String> values) {
        String subject = Placeholders.render(template.subject(), values);
        String text = Placeholders.render(template.body(), values).replace("\r\n", "\n");
        if (Ascii.isAscii(text)) {
            return new Rendered(subject, "us-ascii", "7bit", crlfLines(text));
        }
        return new Rendered(subject, "utf-8", "quoted-printable", quotedPrintable(text));
    }

    /** The {@code ${recipients}} value. */
    static String recipients(List<RecipientOutcome> outcomes) {
        StringBuilder sb = new StringBuilder(outcomes.size() * 160);
        for (RecipientOutcome o : outcomes) {
            if (sb.length() > 0) {
                sb.append("\n\n");
            }
            StringBuilder entry = new StringBuilder(160).append('<').append(o.recipient().address()).append("> (")
                    .append(DsnAction.of(o.action()).keyword());
            if (o.remoteMta() != null) {
                entry.append(", ").append(o.remoteMta());
            }
            entry.append(')');
            String diagnostic = o.diagnostic() == null ? "" : HeaderFields.clean(o.diagnostic());
            if (!diagnostic.isEmpty()) {
                entry.append(": ").append(diagnostic);
            }
            sb.append(String.join("\n", wrap(entry.toString(), INDENT)));
        }
        return sb.toString();
    }

    /** A note about the returned content, filled in and wrapped. */
    static String note(String note, Map<String, String> values) {
        return String.join("\n", wrap(HeaderFields.clean(Placeholders.render(note, values)), ""));
    }

    /** Word-wraps one paragraph at {@link #WIDTH}; continuation lines start with {@code indent}. */
    static List<String> wrap(String paragraph, String indent) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder(WIDTH + 8);
        for (String word : paragraph.split(" ")) {
            while (word.length() > MAX_WORD) { // an absurdly long word goes in pieces, each on a line of its own
                if (line.length() > 0) {
                    lines.add(line.toString());
                    line.setLength(0);
                }
                lines.add((lines.isEmpty() ? "" : indent) + word.substring(0, MAX_WORD));
                word = word.substring(MAX_WORD);
            }
            if (word.isEmpty()) {
                continue;
            }
            if (line.length() > 0 && line.length() + 1 + word.length() > WIDTH) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (line.length() == 0) {
                line.append(lines.isEmpty() ? "" : indent).append(word);
            } else {
                line.append(' ').append(word);
            }
        }
        if (line.length() > 0) {
            lines.add(line.toString());
        }
        return lines;
    }

    /** ASCII text to CRLF lines, each at most 998 octets (a longer template line is split). */
    private static String crlfLines(String text) {
        StringBuilder out = new StringBuilder(text.length() + 64);
        for (String line : text.split("\n", -1)) {
            while (line.length() > HeaderFields.HARD_LIMIT) {
                out.append(line, 0, HeaderFields.HARD_LIMIT).append("\r\n");
                line = line.substring(HeaderFields.HARD_LIMIT);
            }
            out.append(line).append("\r\n");
        }
        return out.toString();
    }

    /** RFC 2045 section 6.7: UTF-8 octets, encoded lines of at most 76 characters, hard line breaks as CRLF. */
    static String quotedPrintable(String text) {
        StringBuilder out = new StringBuilder(text.length() * 3 / 2);
        for (String line : text.split("\n", -1)) {
            byte[] b = line.getBytes(StandardCharsets.UTF_8);
            int column = 0;
            for (int i = 0; i < b.length; i++) {
                int c = b[i] & 0xff;
                boolean literal = (c >= 33 && c <= 126 && c != '=') || ((c == ' ' || c == '\t') && i < b.length - 1);
                String piece = literal ? String.valueOf((char) c) : String.format("=%02X", c);
                if (column + piece.length() > 75) {
                    out.append("=\r\n");
                    column = 0;
                }
                out.append(piece);
                column += piece.length();
            }
            out.append("\r\n");
        }
        return out.toString();
    }
}
