package io.mailhub.routing;

import io.mailhub.dkim.MessageHeader;
import io.mailhub.model.MessageContent;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;

/**
 * Header predicates a {@code simple} expression cannot say, as the bean {@code mailHeaders}: a regular expression
 * over every occurrence of a field (the facts hold only the first), unfolded and with RFC 2047 encoded words decoded,
 * or over the raw text as sent. For example {@code <method ref="mailHeaders" method="matches(*, 'Received',
 * '(?i).*from \S+\.example\.net .*')"/>} (the {@code *} is the exchange). Patterns are compiled once.
 */
public final class MailHeaders {

    private final java.util.Map<String, Pattern> patterns = new java.util.concurrent.ConcurrentHashMap<>();

    /** Whether any occurrence of the field {@code name}, unfolded and decoded, matches {@code regex} as a whole. */
    public boolean matches(Exchange exchange, String name, String regex) throws IOException {
        return any(exchange, name, regex, true);
    }

    /** The same over the raw value: folding kept as one space, encoded words as sent. */
    public boolean matchesRaw(Exchange exchange, String name, String regex) throws IOException {
        return any(exchange, name, regex, false);
    }

    /** How many times the field {@code name} occurs (e.g. {@code Received} hops, duplicated {@code From}). */
    public int count(Exchange exchange, String name) throws IOException {
        return values(exchange, name, false).size();
    }

    private boolean any(Exchange exchange, String name, String regex, boolean decode) throws IOException {
        Pattern p = patterns.computeIfAbsent(regex, r -> Pattern.compile(r, Pattern.DOTALL));
        for (String v : values(exchange, name, decode)) {
            if (p.matcher(v).matches()) {
                return true;
            }
        }
        return false;
    }

    private static List<String> values(Exchange exchange, String name, boolean decode) throws IOException {
        Object body = exchange.getMessage().getBody();
        List<String> fields = new ArrayList<>();
        try (InputStream in = body instanceof MessageContent c ? c.openStream()
                : new ByteArrayInputStream(exchange.getMessage().getBody(byte[].class))) {
            MessageHeader.read(in, fields);
        }
        List<String> values = new ArrayList<>();
        for (String f : fields) {
            int colon = f.indexOf(':');
            if (colon > 0 && f.substring(0, colon).strip().equalsIgnoreCase(name)) {
                String v = f.substring(colon + 1).replaceAll("\r?\n[ \t]+", " ").replaceAll("\r?\n$", "").strip();
                if (decode) {
                    try {
                        v = MimeUtility.decodeText(v);
                    } catch (java.io.UnsupportedEncodingException | RuntimeException e) {
                        // keep it as sent
                    }
                }
                values.add(v);
            }
        }
        return values;
    }
}
