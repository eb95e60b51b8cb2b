package io.mailhub.admin;

import io.mailhub.config.SettingsReader;
import java.nio.file.Path;
import java.util.Map;

/**
 * The admin API ({@code mailhub.admin.*}).
 *
 * @param usersFile the admin users, or {@code null}: the admin API refuses every call (401)
 * @param auditFile the audit log, or {@code null}: {@code <data dir>/audit.jsonl}
 */
public record AdminSettings(Path usersFile, Path auditFile) {

    public static final Map<String, String> KEYS = SettingsReader.defaults(
            "mailhub.admin.users-file", "",
            "mailhub.admin.audit-file", "");

    public static AdminSettings read(SettingsReader r) {
        String audit = r.value("mailhub.admin.audit-file").strip();
        return new AdminSettings(r.readableFile("mailhub.admin.users-file"),
                audit.isEmpty() ? null : Path.of(audit).toAbsolutePath());
    }
}
