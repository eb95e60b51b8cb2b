package io.mailhub.routing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Address lists in files, for route predicates a {@code simple} expression cannot say: the bean {@code mailLists},
 * e.g. {@code <method ref="mailLists" method="contains('vip', ${header.MailhubMailFrom})"/>} in XML or
 * {@code method: {ref: mailLists, method: "contains('blocked', ${header.MailhubRcptTo})"}} in YAML. A list is the file
 * {@code <config dir>/lists/NAME}: one entry per line, an address ({@code ceo@example.com}), a whole domain
 * ({@code @example.com}) or a domain and its subdomains ({@code .example.com}); {@code #} starts a comment. A changed
 * file is read again at its next use; a missing list is empty (and logged once).
 */
public final class MailLists {

    private static final Logger LOG = LoggerFactory.getLogger("io.mailhub.routing");

    private record Loaded(FileTime modified, Set<String> entries) {}

    private final Path dir;
    private final Map<String, Loaded> lists = new ConcurrentHashMap<>();
    private final Set<String> missing = ConcurrentHashMap.newKeySet();

    public MailLists(Path dir) {
        this.dir = dir;
    }

    /** Whether any of the comma-separated addresses is on the list (addresses compare without case). */
    public boolean contains(String list, String addresses) {
        if (addresses == null || addresses.isBlank()) {
            return false;
        }
        Set<String> entries = entries(list);
        for (String a : addresses.split(",")) {
            String address = a.strip().toLowerCase(Locale.ROOT);
            int at = address.lastIndexOf('@');
            if (at < 0) {
                continue;
            }
            String domain = address.substring(at + 1);
            if (entries.contains(address) || entries.contains("@" + domain)) {
                return true;
            }
            for (String d = domain; d.indexOf('.') >= 0; ) { // .example.com: the subdomains of example.com
                d = d.substring(d.indexOf('.') + 1);
                if (entries.contains("." + d)) {
                    return true;
                }
            }
        }
        return false;
    }

    private Set<String> entries(String list) {
        if (!list.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}")) {
            throw new IllegalArgumentException("list name '" + list + "' must be letters, digits, '.', '_' or '-'");
        }
        Path file = dir.resolve(list);
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            Loaded l = lists.get(list);
            if (l != null && l.modified().equals(modified)) {
                return l.entries();
            }
            Set<String> entries = new HashSet<>();
            List<String> lines = Files.readAllLines(file);
            for (String line : lines) {
                String e = line.replaceFirst("#.*", "").strip().toLowerCase(Locale.ROOT);
                if (!e.isEmpty()) {
                    entries.add(e);
                }
            }
            lists.put(list, new Loaded(modified, Set.copyOf(entries)));
            missing.remove(list);
            return entries;
        } catch (IOException e) {
            if (missing.add(list)) {
                LOG.warn("routes: the address list {} cannot be read ({}); it is empty", file, e.toString());
            }
            return Set.of();
        }
    }
}
