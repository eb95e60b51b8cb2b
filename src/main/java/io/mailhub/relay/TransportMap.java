package io.mailhub.relay;

import io.mailhub.model.DomainName;
import io.mailhub.model.Ascii;
import io.mailhub.model.SyntaxException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Per-domain routing overrides, Postfix's transport(5) in a simpler shape. One entry per line:
 *
 * <pre>
 * # domain          next hop               options
 * example.com       [relay.example.com]:587 tls=encrypt auth=relay.secret
 * .example.com      [relay.example.com]:587
 * partner.test      mx                     tls=verify
 * legacy.test       mx:mail.legacy.test
 * </pre>
 *
 * A domain matches itself; {@code .domain} matches its subdomains. Internationalized domains may be written either way
 * ({@code b\u00FCcher.example} or {@code xn--bcher-kva.example}); they are compared as A-labels. The next hop is {@code mx} (MX lookup of the
 * recipient's domain), {@code mx:domain} (MX lookup of another domain), or {@code host:port} / {@code [host]:port}
 * (that host directly, no MX lookup), or {@code lmtp:host:port} / {@code lmtp:[host]:port} (that host over LMTP, RFC 2033,
 * port 24 by default: a mailbox server such as Dovecot). Options: {@code tls=none|may|encrypt|verify}, and {@code auth=FILE}: SMTP AUTH
 * with the {@code user:password} in FILE (relative to the map's directory; see {@link Credentials}). Lines starting
 * with {@code #} and blank lines are ignored; a malformed line is an error naming the file and line.
 */
public final class TransportMap {

    /** Where one domain's mail goes. */
    public record Entry(String pattern, NextHopSpec nextHop, String tls, Credentials auth) {

        public Entry(String pattern, NextHopSpec nextHop, String tls) {
            this(pattern, nextHop, tls, null);
        }
    }

    /** The next-hop part of an entry. */
    public sealed interface NextHopSpec {
        /** MX lookup of {@code domain}, or of the recipient's domain when {@code domain} is null. */
        record Mx(String domain) implements NextHopSpec {}

        /** A fixed host, no MX lookup. */
        record Host(Destination destination) implements NextHopSpec {}

        /** A fixed host, or a Unix domain socket ({@code lmtp:unix:/path}), spoken to over LMTP (RFC 2033). */
        record Lmtp(Destination destination) implements NextHopSpec {}

        /** The port LMTP servers listen on over TCP when the next hop names none (Dovecot's, Cyrus'). */
        int LMTP_PORT = 24;

        static NextHopSpec parse(String text, int defaultPort) throws SyntaxException {
            String t = text.trim();
            if (t.equalsIgnoreCase("mx")) {
                return new Mx(null);
            }
            if (t.regionMatches(true, 0, "mx:", 0, 3)) {
                String domain = t.substring(3).trim().toLowerCase(Locale.ROOT);
                if (domain.isEmpty()) {
                    throw new SyntaxException("'" + text + "' names no domain after mx:");
                }
                return new Mx(domain);
            }
            if (t.regionMatches(true, 0, "lmtp:unix:", 0, 10)) {
                return new Lmtp(Destination.unix(t.substring(10)));
            }
            if (t.regionMatches(true, 0, "lmtp:", 0, 5)) {
                return new Lmtp(Destination.parse(t.substring(5), LMTP_PORT));
            }
            return new Host(Destination.parse(t, defaultPort));
        }
    }

    public static final TransportMap EMPTY = new TransportMap(Map.of());

    private final Map<String, Entry> entries;

    private TransportMap(Map<String, Entry> entries) {
        this.entries = entries;
    }

    /**
     * The entry for a recipient domain (its key: A-labels, see {@code MailAddress.domainKey}): exact match first, then
     * the closest parent {@code .domain} entry.
     */
    public Optional<Entry> lookup(String domain) {
        String d = domain.toLowerCase(Locale.ROOT);
        Entry exact = entries.get(d);
        if (exact != null) {
            return Optional.of(exact);
        }
        for (int dot = d.indexOf('.'); dot >= 0; dot = d.indexOf('.', dot + 1)) {
            Entry parent = entries.get(d.substring(dot));
            if (parent != null) {
                return Optional.of(parent);
            }
        }
        return Optional.empty();
    }

    public int size() {
        return entries.size();
    }

    /** Reads a map file; {@code null} or a missing optional file gives the empty map. */
    public static TransportMap load(Path file, int defaultPort) throws IOException, SyntaxException {
        if (file == null) {
            return EMPTY;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        return parse(lines, file.toString(), defaultPort, file.toAbsolutePath().getParent());
    }

    static TransportMap parse(List<String> lines, String source, int defaultPort) throws SyntaxException {
        return parse(lines, source, defaultPort, Path.of("."));
    }

    /** @param baseDir where relative {@code auth=} files are looked up */
    static TransportMap parse(List<String> lines, String source, int defaultPort, Path baseDir) throws SyntaxException {
        Map<String, Entry> entries = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = source + " line " + (i + 1) + ": ";
            String[] f = line.split("\\s+");
            if (f.length < 2) {
                problems.add(where + "expected 'domain next-hop [tls=policy] [auth=FILE]'");
                continue;
            }
            String pattern = f[0].toLowerCase(Locale.ROOT);
            try {
                pattern = Ascii.isAscii(pattern) ? pattern : pattern.startsWith(".")
                        ? "." + DomainName.toAscii(pattern.substring(1)) : DomainName.toAscii(pattern);
            } catch (SyntaxException e) {
                problems.add(where + e.getMessage());
                continue;
            }
            if (!pattern.matches("\\.?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")) {
                problems.add(where + "'" + f[0] + "' is not a domain or .domain");
                continue;
            }
            try {
                NextHopSpec hop = NextHopSpec.parse(f[1], defaultPort);
                String tls = null;
                Credentials auth = null;
                for (int k = 2; k < f.length; k++) {
                    if (f[k].regionMatches(true, 0, "tls=", 0, 4)) {
                        tls = f[k].substring(4).toLowerCase(Locale.ROOT);
                        if (!tls.matches("none|may|encrypt|verify")) {
                            throw new SyntaxException("tls must be none, may, encrypt or verify, not '" + tls + "'");
                        }
                    } else if (f[k].regionMatches(true, 0, "auth=", 0, 5) && f[k].length() > 5) {
                        Path secret = baseDir.resolve(f[k].substring(5));
                        try {
                            auth = Credentials.load(secret);
                        } catch (IOException e) {
                            throw new SyntaxException("cannot read auth file " + secret + ": " + e);
                        }
                    } else {
                        throw new SyntaxException("unknown option '" + f[k] + "' (expected tls=... or auth=FILE)");
                    }
                }
                if (entries.putIfAbsent(pattern, new Entry(pattern, hop, tls, auth)) != null) {
                    problems.add(where + "'" + pattern + "' is listed twice");
                }
            } catch (SyntaxException e) {
                problems.add(where + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new SyntaxException(String.join("; ", problems));
        }
        return new TransportMap(Map.copyOf(entries));
    }
}
