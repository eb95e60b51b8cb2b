package io.mailhub.model;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses sizes written with units: {@code 26214400}, {@code 512KB}, {@code 25MB}, {@code 1GiB}.
 *
 * <p>Units are binary (K = 1024) whether written KB or KiB, as in Postfix, Spring and most MTA configs; a bare number
 * is bytes.
 */
public final class DataSize {

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|K|KB|KIB|M|MB|MIB|G|GB|GIB)?");

    private DataSize() {}

    public static long parse(String text) throws SyntaxException {
        Matcher m = SIZE.matcher(text.trim().toUpperCase(Locale.ROOT));
        if (!m.matches()) {
            throw new SyntaxException("'" + text + "' is not a size (examples: 10240000, 512KB, 25MB, 1GB)");
        }
        long n;
        try {
            n = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw new SyntaxException("'" + text + "' is too large");
        }
        String unit = m.group(2) == null ? "B" : m.group(2);
        int shift = switch (unit.charAt(0)) {
            case 'K' -> 10;
            case 'M' -> 20;
            case 'G' -> 30;
            default -> 0;
        };
        if (n > (Long.MAX_VALUE >> shift)) {
            throw new SyntaxException("'" + text + "' is too large");
        }
        return n << shift;
    }
}
