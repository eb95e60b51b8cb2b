package io.mailhub.bounce;

import io.mailhub.model.MimeEntity;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A delivery status notification that came back to the hub (RFC 3464, and RFC 6533's UTF-8 form): the
 * {@code message/delivery-status} part of a {@code multipart/report}, one entry per recipient with its action, status,
 * diagnostic and remote server. Read leniently: a report cut short after its status part (the hub reads only the start
 * of a large one), missing {@code report-type}, folded fields and any letter case are fine.
 */
public record DeliveryStatusReport(String reportingMta, List<PerRecipient> recipients) {

    /** How much of a returned message is read: the status part comes before the returned message in every report. */
    public static final int READ_LIMIT = 1 << 20;

    private static final Pattern STATUS = Pattern.compile("([245])\\.(\\d{1,3})\\.(\\d{1,3})");

    /**
     * One recipient's fields.
     *
     * @param recipient the address as the hub sent it: Original-Recipient when given, else Final-Recipient
     * @param action {@code failed}, {@code delayed}, {@code delivered}, {@code relayed} or {@code expanded}
     * @param status the enhanced status code ({@code 5.1.1}), or one made from the action when the field is missing
     *     or malformed ({@code 5.0.0} for failed, {@code 4.0.0} for delayed, {@code 2.0.0} otherwise)
     * @param diagnostic the Diagnostic-Code without its type ({@code 550 5.1.1 User unknown}), or {@code null}
     * @param remoteMta the Remote-MTA without its type, or {@code null}
     */
    public record PerRecipient(String recipient, String action, String status, String diagnostic, String remoteMta) {

        public boolean failed() {
            return action.equals("failed");
        }
    }

    /** The report in {@code message}, or {@code null} when it holds no delivery status part. */
    public static DeliveryStatusReport read(byte[] message) {
        MimeEntity top = MimeEntity.parse(message);
        if (!top.type().equals("multipart")) {
            return null;
        }
        for (byte[] part : parts(message, top)) {
            MimeEntity e = MimeEntity.parse(part);
            if (e.type().equals("message") && (e.subtype().equals("delivery-status")
                    || e.subtype().equals("global-delivery-status"))) {
                byte[] body;
                try {
                    body = e.decodedBody(part);
                } catch (IllegalArgumentException undecodable) {
                    return null;
                }
                return fields(new String(body, StandardCharsets.UTF_8));
            }
        }
        return null;
    }

    /** The parts of a multipart, the last one possibly cut short (no closing delimiter needed). */
    private static List<byte[]> parts(byte[] bytes, MimeEntity e) {
        String boundary = e.params().get("boundary");
        List<byte[]> parts = new ArrayList<>();
        if (boundary == null || boundary.isEmpty()) {
            return parts;
        }
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        int start = -1;
        int pos = e.bodyStart();
        while (pos < bytes.length) {
            int eol = pos;
            while (eol < bytes.length && bytes[eol] != '\n') {
                eol++;
            }
            if (startsWith(bytes, pos, eol, delimiter)) {
                if (start >= 0) {
                    parts.add(java.util.Arrays.copyOfRange(bytes, start, Math.max(start, pos)));
                }
                boolean closing = pos + delimiter.length + 1 < bytes.length && bytes[pos + delimiter.length] == '-'
                        && bytes[pos + delimiter.length + 1] == '-';
                if (closing) {
                    return parts;
                }
                start = Math.min(bytes.length, eol + 1);
            }
            pos = eol + 1;
        }
        if (start >= 0 && start < bytes.length) {
            parts.add(java.util.Arrays.copyOfRange(bytes, start, bytes.length));
        }
        return parts;
    }

    private static boolean startsWith(byte[] bytes, int from, int end, byte[] prefix) {
        if (end - from < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[from + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** The per-message group (Reporting-MTA) and one group per recipient, separated by blank lines. */
    static DeliveryStatusReport fields(String text) {
        List<Map<String, String>> groups = new ArrayList<>();
        Map<String, String> group = new LinkedHashMap<>();
        String last = null;
        for (String line : text.replace("\r\n", "\n").split("\n", -1)) {
            if (line.isBlank()) {
                if (!group.isEmpty()) {
                    groups.add(group);
                    group = new LinkedHashMap<>();
                }
                last = null;
            } else if ((line.startsWith(" ") || line.startsWith("\t")) && last != null) {
                group.put(last, group.get(last) + " " + line.strip());
            } else {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    last = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
                    group.putIfAbsent(last, line.substring(colon + 1).strip());
                }
            }
        }
        if (!group.isEmpty()) {
            groups.add(group);
        }
        String reporting = null;
        List<PerRecipient> recipients = new ArrayList<>();
        for (Map<String, String> g : groups) {
            if (g.containsKey("final-recipient")) {
                String address = typed(g.getOrDefault("original-recipient", g.get("final-recipient")));
                if (address == null || address.isEmpty()) {
                    address = typed(g.get("final-recipient"));
                }
                String action = g.getOrDefault("action", "failed").strip().toLowerCase(Locale.ROOT);
                int space = action.indexOf(' '); // RFC 3464 allows a comment after the action
                action = space > 0 ? action.substring(0, space) : action;
                recipients.add(new PerRecipient(address, action, status(g.get("status"), action),
                        typed(g.get("diagnostic-code")), typed(g.get("remote-mta"))));
            } else if (reporting == null && g.containsKey("reporting-mta")) {
                reporting = typed(g.get("reporting-mta"));
            }
        }
        return new DeliveryStatusReport(reporting, List.copyOf(recipients));
    }

    private static String status(String field, String action) {
        if (field != null) {
            Matcher m = STATUS.matcher(field);
            if (m.find()) {
                return m.group();
            }
        }
        return switch (action) {
            case "failed" -> "5.0.0";
            case "delayed" -> "4.0.0";
            default -> "2.0.0";
        };
    }

    /** The value after its type ({@code rfc822; ann@x.test} gives {@code ann@x.test}), angle brackets taken off. */
    private static String typed(String value) {
        if (value == null) {
            return null;
        }
        int semi = value.indexOf(';');
        String v = (semi >= 0 ? value.substring(semi + 1) : value).strip();
        if (v.startsWith("<") && v.endsWith(">") && v.length() > 2) {
            v = v.substring(1, v.length() - 1);
        }
        return v;
    }
}
