package io.mailhub.relay.sts;

import io.mailhub.model.SyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A domain's MTA-STS policy (RFC 8461 section 3.2): its mode, the MX host patterns it allows and how long it may be
 * cached.
 *
 * @param mx the allowed MX hosts, lower case: a host name, or {@code *.} and a domain for any host exactly one label
 *     below it
 * @param maxAgeSeconds how long the policy may be cached, at most {@value #MAX_AGE_LIMIT}
 */
public record MtaStsPolicy(Mode mode, List<String> mx, long maxAgeSeconds) {

    /** The longest {@code max_age} the RFC allows: about a year. */
    public static final long MAX_AGE_LIMIT = 31_557_600;

    /** What a sender does with MX hosts and TLS that fail the policy. */
    public enum Mode {
        /** Delivers only to the MX hosts the policy names, over TLS with a certificate valid for their name. */
        ENFORCE,
        /** Delivers as without a policy; failures are only reported (here: logged). */
        TESTING,
        /** No policy (a domain withdrawing its policy publishes this). */
        NONE
    }

    public MtaStsPolicy {
        mx = List.copyOf(mx);
    }

    /**
     * Parses the policy text: {@code key: value} lines ending in CRLF or LF; {@code version: STSv1}, {@code mode},
     * {@code max_age} and (unless the mode is {@code none}) at least one {@code mx} are required; other keys are
     * ignored, as the RFC asks. Of a key given twice (except {@code mx}) the first counts.
     *
     * @throws SyntaxException naming what is missing or wrong
     */
    public static MtaStsPolicy parse(String text) throws SyntaxException {
        String version = null;
        String mode = null;
        String maxAge = null;
        List<String> mx = new ArrayList<>();
        for (String raw : text.split("\n", -1)) {
            String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
            if (line.isBlank()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new SyntaxException("line '" + shorten(line) + "' is not 'key: value'");
            }
            String key = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            switch (key) {
                case "version" -> version = version == null ? value : version;
                case "mode" -> mode = mode == null ? value : mode;
                case "max_age" -> maxAge = maxAge == null ? value : maxAge;
                case "mx" -> mx.add(mxPattern(value));
                default -> { } // extensions: ignored
            }
        }
        if (!"STSv1".equals(version)) {
            throw new SyntaxException(version == null ? "no 'version: STSv1'" : "version '" + version + "' is not STSv1");
        }
        Mode m;
        if (mode == null) {
            throw new SyntaxException("no 'mode'");
        }
        switch (mode) {
            case "enforce" -> m = Mode.ENFORCE;
            case "testing" -> m = Mode.TESTING;
            case "none" -> m = Mode.NONE;
            default -> throw new SyntaxException("mode '" + mode + "' is not enforce, testing or none");
        }
        if (maxAge == null) {
            throw new SyntaxException("no 'max_age'");
        }
        if (!maxAge.matches("[0-9]{1,10}") || Long.parseLong(maxAge) > MAX_AGE_LIMIT) {
            throw new SyntaxException("max_age '" + maxAge + "' is not a number of seconds up to " + MAX_AGE_LIMIT);
        }
        if (mx.isEmpty() && m != Mode.NONE) {
            throw new SyntaxException("no 'mx' for mode " + mode);
        }
        return new MtaStsPolicy(m, mx, Long.parseLong(maxAge));
    }

    private static String mxPattern(String value) throws SyntaxException {
        String p = value.toLowerCase(Locale.ROOT);
        if (p.endsWith(".")) {
            p = p.substring(0, p.length() - 1);
        }
        String name = p.startsWith("*.") ? p.substring(2) : p;
        if (name.isEmpty() || !name.matches("[a-z0-9_-]{1,63}(\\.[a-z0-9_-]{1,63})*")) {
            throw new SyntaxException("mx '" + shorten(value) + "' is not a host name or *.domain");
        }
        return p;
    }

    /**
     * Whether the policy allows this MX host (RFC 8461 section 4.1): equal to a pattern, or exactly one label below a
     * {@code *.} pattern's domain; case and a trailing dot do not matter.
     */
    public boolean allows(String mxHost) {
        String h = mxHost.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        for (String p : mx) {
            if (p.startsWith("*.")) {
                String parent = p.substring(1); // ".example.com"
                if (h.endsWith(parent) && h.length() > parent.length()
                        && h.lastIndexOf('.', h.length() - parent.length() - 1) < 0) {
                    return true;
                }
            } else if (h.equals(p)) {
                return true;
            }
        }
        return false;
    }

    private static String shorten(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
}
