package io.mailhub.authres;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** SPF macro expansion (RFC 7208 section 7): {@code %{s}}, {@code %{ir}}, {@code %{d2}}, delimiters, {@code %%}. */
final class SpfMacros {

    private SpfMacros() {}

    /** Expands the macros of {@code spec}; throws {@link IllegalArgumentException} naming a malformed one. */
    static String expand(String spec, String domain, InetAddress ip, String sender, String helo) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < spec.length(); i++) {
            char c = spec.charAt(i);
            if (c != '%') {
                out.append(c);
                continue;
            }
            if (++i >= spec.length()) {
                throw new IllegalArgumentException("bad macro in '" + spec + "'");
            }
            char m = spec.charAt(i);
            if (m == '%') {
                out.append('%');
            } else if (m == '_') {
                out.append(' ');
            } else if (m == '-') {
                out.append("%20");
            } else if (m == '{') {
                int end = spec.indexOf('}', i);
                if (end < 0) {
                    throw new IllegalArgumentException("unclosed macro in '" + spec + "'");
                }
                out.append(macro(spec.substring(i + 1, end), domain, spec, ip, sender, helo));
                i = end;
            } else {
                throw new IllegalArgumentException("bad macro '%" + m + "' in '" + spec + "'");
            }
        }
        String expanded = out.toString();
        while (expanded.length() > 253 && expanded.indexOf('.') >= 0) {
            expanded = expanded.substring(expanded.indexOf('.') + 1); // section 7.3: drop labels from the left
        }
        return expanded.toLowerCase(Locale.ROOT);
    }

private static String macro(String body, String domain, String spec, InetAddress ip, String sender, String helo) {
        if (body.isEmpty()) {
            throw new IllegalArgumentException("empty macro in '" + spec + "'");
        }
        char letter = Character.toLowerCase(body.charAt(0));
        String value = switch (letter) {
            case 's' -> sender;
            case 'l' -> sender.substring(0, Math.max(0, sender.lastIndexOf('@')));
            case 'o' -> sender.substring(sender.lastIndexOf('@') + 1);
            case 'd' -> domain;
            case 'i' -> ipForMacro(ip);
            case 'h' -> helo;
            case 'v' -> ip instanceof Inet6Address ? "ip6" : "in-addr";
            default -> throw new IllegalArgumentException("unknown macro letter '" + body.charAt(0) + "' in '"
                    + spec + "'");
        };
        String rest = body.substring(1);
        int k = 0;
        while (k < rest.length() && Character.isDigit(rest.charAt(k))) {
            k++;
        }
        int keep = k == 0 ? Integer.MAX_VALUE : Integer.parseInt(rest.substring(0, Math.min(k, 3)));
        boolean reverse = k < rest.length() && Character.toLowerCase(rest.charAt(k)) == 'r';
        String delimiters = rest.substring(k + (reverse ? 1 : 0));
        if (!delimiters.matches("[.\\-+,/_=]*") || keep == 0) {
            throw new IllegalArgumentException("bad macro '%{" + body + "}' in '" + spec + "'");
        }
        List<String> parts = new ArrayList<>(List.of(value.split("[" + java.util.regex.Pattern.quote(
                delimiters.isEmpty() ? "." : delimiters) + "]", -1)));
        if (reverse) {
            Collections.reverse(parts);
        }
        if (parts.size() > keep) {
            parts = parts.subList(parts.size() - keep, parts.size());
        }
        return String.join(".", parts);
    }

private static String ipForMacro(InetAddress ip) {
        if (ip instanceof Inet4Address) {
            return ip.getHostAddress();
        }
        StringBuilder sb = new StringBuilder();
        for (byte b : ip.getAddress()) {
            sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append('.').append(Character.forDigit(b & 0xf, 16))
                    .append('.');
        }
        return sb.substring(0, sb.length() - 1);
    }
}
