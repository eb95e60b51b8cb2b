package io.mailhub.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ESMTP parameters after a MAIL or RCPT path (RFC 5321 section 4.1.2): {@code keyword[=value]} separated by
 * spaces. Keywords are case-insensitive and stored in upper case; a keyword given twice is a syntax error.
 */
public final class EsmtpParameters {

    private final Map<String, String> values;

    private EsmtpParameters(Map<String, String> values) {
        this.values = values;
    }

    public static EsmtpParameters parse(String text, boolean utf8) throws SyntaxException {
        Map<String, String> map = new LinkedHashMap<>();
        for (String token : text.trim().split(" +")) {
            if (token.isEmpty()) {
                continue;
            }
            int eq = token.indexOf('=');
            String key = Ascii.toUpperCase(eq < 0 ? token : token.substring(0, eq));
            String value = eq < 0 ? null : token.substring(eq + 1);
            if (!key.matches("[A-Z0-9][A-Z0-9-]*")) {
                throw new SyntaxException("bad parameter keyword '" + key + "'");
            }
            if (value != null && !isEsmtpValue(value, utf8)) {
                throw new SyntaxException("bad value for " + key);
            }
            if (map.containsKey(key)) {
                throw new SyntaxException("parameter " + key + " given twice");
            }
            map.put(key, value);
        }
        return new EsmtpParameters(map);
    }

    private static boolean isEsmtpValue(String v, boolean utf8) {
        if (v.isEmpty()) {
            return false;
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '=' || c < 33 || c == 127 || (c > 127 && !utf8)) {
                return false;
            }
        }
        return true;
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    /** The value of {@code key}, or {@code null} when absent or given without a value. */
    public String get(String key) {
        return values.get(key);
    }

    public Map<String, String> asMap() {
        return Collections.unmodifiableMap(values);
    }
}
