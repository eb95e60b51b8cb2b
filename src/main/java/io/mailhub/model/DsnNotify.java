package io.mailhub.model;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** The RFC 3461 NOTIFY values: when the sender wants a delivery status notification for a recipient. */
public enum DsnNotify {
    NEVER,
    SUCCESS,
    FAILURE,
    DELAY;

    /**
     * Parses {@code NEVER} or a comma list of SUCCESS, FAILURE and DELAY (RFC 3461 section 4.1).
     *
     * @throws SyntaxException on an unknown keyword, a repeat, or NEVER combined with others
     */
    public static Set<DsnNotify> parseList(String value) throws SyntaxException {
        EnumSet<DsnNotify> set = EnumSet.noneOf(DsnNotify.class);
        for (String part : value.split(",", -1)) {
            DsnNotify n;
            try {
                n = valueOf(part.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new SyntaxException("bad NOTIFY value '" + part + "'");
            }
            if (!set.add(n)) {
                throw new SyntaxException("NOTIFY value repeated: " + n);
            }
        }
        if (set.contains(NEVER) && set.size() > 1) {
            throw new SyntaxException("NOTIFY=NEVER cannot be combined with other values");
        }
        return set;
    }

    public static String format(Set<DsnNotify> set) {
        return set.stream().map(Enum::name).collect(Collectors.joining(","));
    }
}
