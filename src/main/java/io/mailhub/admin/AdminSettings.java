package io.mailhub.admin;

import io.mailhub.config.SettingsReader;
import java.nio.file.Path;
import java.util.Map;

/**
 * The admin API ({@code mailhub.admin.*}).
 *
 * @param usersFile the admin users, or {@code null}: the admin API refuses every call (401)
 * @param auditFile the audit log, or {@code null}: {@code <data dir>/audit.jsonl}
 * @param hawtio whether the Hawtio console is served at {@code /hawtio}
 * @param hawtioOrigins extra origins (scheme://host:port) a browser may call the console's Jolokia from, beyond the
 *     hub's own name and localhost on the HTTP and HTTPS ports
 */
public record AdminSettings(Path usersFile, Path auditFile, boolean hawtio, java.util.List<String> hawtioOrigins) {

    public static final Map<String, String> KEYS = SettingsReader.defaults(
            "mailhub.admin.users-file", "",
            "mailhub.admin.audit-file", "",
            "mailhub.hawtio.enabled", "on",
            "mailhub.hawtio.origins", "");

    public static AdminSettings read(SettingsReader r) {
        String audit = r.value("mailhub.admin.audit-file").strip();
        java.util.List<String> origins = new java.util.ArrayList<>();
        for (String o : r.value("mailhub.hawtio.origins").split(",")) {
            String v = o.strip();
            if (v.isEmpty()) {
                continue;
            }
            if (!v.matches("https?://[A-Za-z0-9.\\-\\[\\]:*]+")) {
                r.error("mailhub.hawtio.origins", "'" + v + "' is not an origin such as https://console.example.com:443");
            }
            origins.add(v);
        }
        return new AdminSettings(r.readableFile("mailhub.admin.users-file"),
                audit.isEmpty() ? null : Path.of(audit).toAbsolutePath(), r.onOff("mailhub.hawtio.enabled"),
                java.util.List.copyOf(origins));
    }
}
