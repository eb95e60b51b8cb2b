package io.mailhub.dkim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The DKIM key table ({@code mailhub.dkim.key-table}), like OpenDKIM's KeyTable: one key per line,
 * {@code domain selector keyfile}, {@code #} comments; a relative key file is relative to the table. Several lines
 * for one domain sign with each key (RSA and Ed25519 side by side). Any bad line stops start-up with its line number:
 * mail must not silently go out unsigned.
 */
public final class DkimKeyTable {

    private DkimKeyTable() {}

    public static Map<String, List<DkimKey>> load(Path table) throws IOException {
        List<String> lines = Files.readAllLines(table, StandardCharsets.UTF_8);
        Map<String, List<DkimKey>> keys = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = table + " line " + (i + 1) + ": ";
            String[] f = line.split("\\s+");
            if (f.length != 3) {
                throw new IOException(where + "expected 'domain selector keyfile', found " + f.length + " field(s)");
            }
            String domain = f[0].toLowerCase(Locale.ROOT);
            if (!domain.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+")) {
                throw new IOException(where + "'" + f[0] + "' is not a domain name");
            }
            if (!f[1].matches("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9-]+)*")) {
                throw new IOException(where + "'" + f[1] + "' is not a valid selector");
            }
            Path keyFile = table.toAbsolutePath().getParent().resolve(f[2]);
            DkimKey key;
            try {
                key = DkimKey.load(domain, f[1], keyFile);
            } catch (IOException e) {
                throw new IOException(where + e.getMessage(), e);
            }
            keys.computeIfAbsent(domain, d -> new ArrayList<>()).add(key);
        }
        return keys;
    }
}
