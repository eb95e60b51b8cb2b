package io.mailhub.model;

import java.util.ArrayList;
import java.util.List;

/**
 * What became of one recipient, as the delivery stage hands it to the bounce stage: the material of one
 * per-recipient block of an RFC 3464 delivery status notification.
 *
 * @param recipient the recipient with its DSN parameters
 * @param action RFC 3464 Action: failed, delayed, delivered, relayed or expanded
 * @param status the enhanced status code, e.g. 5.1.1
 * @param remoteMta the server that gave the diagnostic, or {@code null}
 * @param diagnostic the reply text, e.g. {@code 550 5.1.1 No such user}
 */
public record RecipientOutcome(Recipient recipient, String action, String status, String remoteMta, String diagnostic) {

    /** The header carrying the outcomes, one per line. */
    public static final String HEADER = "MailhubOutcomes";

    /** One line, fields separated by TAB (none of them can contain a TAB or a line end). */
    public String toLine() {
        return recipient.toLine() + '\t' + action + '\t' + status + '\t' + (remoteMta == null ? "-" : remoteMta) + '\t'
                + clean(diagnostic);
    }

    public static RecipientOutcome fromLine(String line) throws SyntaxException {
        String[] f = line.split("\t", 5);
        if (f.length != 5) {
            throw new SyntaxException("outcome line needs 5 fields: " + line);
        }
        return new RecipientOutcome(Recipient.fromLine(f[0]), f[1], f[2], f[3].equals("-") ? null : f[3], f[4]);
    }

    public static String toLines(List<RecipientOutcome> outcomes) {
        StringBuilder sb = new StringBuilder();
        for (RecipientOutcome o : outcomes) {
            if (sb.length() > 0) {
                sb.append('\n');
            }
            sb.append(o.toLine());
        }
        return sb.toString();
    }

    public static List<RecipientOutcome> fromLines(String lines) throws SyntaxException {
        List<RecipientOutcome> list = new ArrayList<>();
        if (lines != null) {
            for (String line : lines.split("\n")) {
                if (!line.isBlank()) {
                    list.add(fromLine(line));
                }
            }
        }
        return list;
    }

    private static String clean(String s) {
        return s.replace('\t', ' ').replace('\r', ' ').replace('\n', ' ');
    }
}
