package io.mailhub.dkim;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The header fields of a message as DKIM and DMARC need them: raw (with folding), in order. */
public final class MessageHeader {

    private static final java.util.regex.Pattern ANGLE_ADDR = java.util.regex.Pattern.compile("<([^<>]*)>");
    private static final java.util.regex.Pattern COMMENT = java.util.regex.Pattern.compile("\\(.*?\\)");

    static final int HEADER_LIMIT = 1 << 20;

    private MessageHeader() {}

    /** Reads the header fields (each with its folding and final CRLF); false if no empty line ends the header. */
    public static boolean read(InputStream in, List<String> fields) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        StringBuilder field = null;
        long read = 0;
        int prev = -1;
        for (int b = in.read(); b >= 0; b = in.read()) {
            if (++read > HEADER_LIMIT) {
                return false;
            }
            line.write(b);
            if (b == '\n' && prev == '\r') {
                String text = line.toString(StandardCharsets.UTF_8);
                line.reset();
                if (text.equals("\r\n")) {
                    if (field != null) {
                        fields.add(field.toString());
                    }
                    return true;
                }
                if ((text.charAt(0) == ' ' || text.charAt(0) == '\t') && field != null) {
                    field.append(text); // continuation
                } else {
                    if (field != null) {
                        fields.add(field.toString());
                    }
                    field = new StringBuilder(text);
                }
            }
            prev = b;
        }
        return false;
    }

    /** The fields called {@code name} (any case), top to bottom. */
    public static List<String> withName(List<String> fields, String name) {
        List<String> found = new ArrayList<>();
        for (String f : fields) {
            int colon = f.indexOf(':');
            if (colon > 0 && f.substring(0, colon).strip().toLowerCase(Locale.ROOT).equals(name)) {
                found.add(f);
            }
        }
        return found;
    }

    /** Every address of the From: fields ({@code local@domain}, domain in lower case), in order. */
    public static List<String> fromAddresses(List<String> fields) {
        List<String> out = new ArrayList<>();
        for (String field : withName(fields, "from")) {
            String value = field.substring(field.indexOf(':') + 1).replace("\r\n", " ");
            java.util.regex.Matcher angle = ANGLE_ADDR.matcher(value);
            boolean any = false;
            while (angle.find()) {
                any = true;
                add(out, angle.group(1));
            }
            if (!any) {
                for (String part : value.split(",")) {
                    add(out, COMMENT.matcher(part).replaceAll(""));
                }
            }
        }
        return out;
    }

    private static void add(List<String> out, String address) {
        String a = address.strip();
        int at = a.lastIndexOf('@');
        if (!a.isEmpty()) {
            out.add(at < 0 ? a : a.substring(0, at) + "@" + a.substring(at + 1).toLowerCase(Locale.ROOT));
        }
    }

    /** The domain of the (first) From: address, lower case, or {@code null}. */
    public static String fromDomain(List<String> fields) {
        List<String> from = withName(fields, "from");
        if (from.isEmpty()) {
            return null;
        }
        String value = from.get(0).substring(from.get(0).indexOf(':') + 1).replace("\r\n", " ");
        int lt = value.lastIndexOf('<');
        int gt = value.lastIndexOf('>');
        String address = lt >= 0 && gt > lt ? value.substring(lt + 1, gt) : value.split(",")[0];
        int at = address.lastIndexOf('@');
        if (at < 0) {
            return null;
        }
        String domain = address.substring(at + 1).strip().toLowerCase(Locale.ROOT);
        return domain.isEmpty() ? null : domain;
    }
}
