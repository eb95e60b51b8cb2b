package io.mailhub.routing;

import io.mailhub.model.MailAddress;
import io.mailhub.model.SmtpPath;
import io.mailhub.model.SyntaxException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One address rewrite of {@code mailhub:rewrite} (Postfix's canonical(5) for the envelope): a regular expression over
 * the whole address with a replacement ({@code $1}), or a map file of {@code OLD NEW} lines where OLD is an address or
 * {@code @domain} (the local part is kept when NEW is {@code @domain} too). A rewrite whose result is not an address is
 * an error of the route.
 */
public final class AddressRewrite {

    private final Pattern pattern;
    private final String replacement;
    private final Map<String, String> map;

    private AddressRewrite(Pattern pattern, String replacement, Map<String, String> map) {
        this.pattern = pattern;
        this.replacement = replacement;
        this.map = map;
    }

    static AddressRewrite regex(String regex, String replacement) {
        return new AddressRewrite(Pattern.compile(regex, Pattern.CASE_INSENSITIVE), replacement, null);
    }

    static AddressRewrite map(Path file) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            String[] f = l.split("\\s+");
            if (f.length != 2) {
                throw new IOException(file + " line " + (i + 1) + ": expected 'OLD NEW' (an address or @domain each)");
            }
            m.put(f[0].toLowerCase(Locale.ROOT), f[1]);
        }
        return new AddressRewrite(null, null, m);
    }

    /** The rewritten address, or {@code a} itself when the rule does not apply. */
    MailAddress apply(MailAddress a) throws SyntaxException {
        if (a == null) {
            return null; // the null sender stays the null sender
        }
        String text = a.toString();
        String result = null;
        if (pattern != null) {
            Matcher m = pattern.matcher(text);
            if (m.matches()) {
                result = m.replaceFirst(replacement);
            }
        } else {
            String exact = map.get(text.toLowerCase(Locale.ROOT));
            if (exact != null) {
                result = exact.startsWith("@") ? a.localPart() + exact : exact;
            } else {
                String domain = map.get("@" + a.domain().toLowerCase(Locale.ROOT));
                if (domain != null) {
                    result = domain.startsWith("@") ? a.localPart() + domain : domain;
                }
            }
        }
        if (result == null || result.equals(text)) {
            return a;
        }
        try {
            return SmtpPath.looseMailbox(result);
        } catch (SyntaxException e) {
            throw new SyntaxException("mailhub:rewrite made '" + result + "' of " + text + ", which is not an address");
        }
    }
}
