package io.mailhub.dkim;

import io.mailhub.config.SettingsReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** DKIM signing ({@code mailhub.dkim.key-table}): the keys by domain, read from the key table; empty: no signing. */
public record DkimSettings(Map<String, List<DkimKey>> keys) {

    public static final Map<String, String> KEYS = SettingsReader.defaults("mailhub.dkim.key-table", "");

    public static DkimSettings read(SettingsReader r) {
        Path table = r.readableFile("mailhub.dkim.key-table");
        if (!SettingsReader.canRead(table)) {
            return new DkimSettings(Map.of());
        }
        try {
            return new DkimSettings(DkimKeyTable.load(table));
        } catch (IOException e) {
            r.error("mailhub.dkim.key-table", e.getMessage());
            return new DkimSettings(Map.of());
        }
    }
}
