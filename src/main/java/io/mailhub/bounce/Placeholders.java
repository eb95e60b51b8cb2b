package io.mailhub.bounce;

import io.mailhub.model.SyntaxException;
import java.util.Map;
import java.util.Set;

/**
 * The {@code ${name}} placeholders of the template file: a plain text substitution, no expressions, no script engine.
 * A {@code $} not followed by <code>{</code> is an ordinary character. Names are checked when the file is loaded, so
 * a typo stops start-up instead of showing up in a bounce.
 */
final class Placeholders {

    private Placeholders() {}

    /** @throws SyntaxException naming the first unknown or unterminated placeholder */
    static void check(String text, Set<String> allowed) throws SyntaxException {
        int from = 0;
        int start;
        while ((start = text.indexOf("${", from)) >= 0) {
            int end = text.indexOf('}', start);
            int lineEnd = text.indexOf('\n', start);
            if (end < 0 || (lineEnd >= 0 && lineEnd < end)) {
                throw new SyntaxException("unterminated placeholder '" + firstLine(text.substring(start)) + "'");
            }
            String name = text.substring(start + 2, end);
            if (!allowed.contains(name)) {
                throw new SyntaxException("unknown placeholder ${" + name + "} (known: "
                        + String.join(", ", allowed.stream().sorted().map(n -> "${" + n + "}").toList()) + ")");
            }
            from = end + 1;
        }
    }

    /** Replaces each placeholder with its value; names without a value become empty (check() rules them out). */
    static String render(String text, Map<String, String> values) {
        StringBuilder out = new StringBuilder(text.length() + 256);
        int from = 0;
        int start;
        while ((start = text.indexOf("${", from)) >= 0) {
            int end = text.indexOf('}', start);
            if (end < 0) {
                break;
            }
            out.append(text, from, start).append(values.getOrDefault(text.substring(start + 2, end), ""));
            from = end + 1;
        }
        return out.append(text, from, text.length()).toString();
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
