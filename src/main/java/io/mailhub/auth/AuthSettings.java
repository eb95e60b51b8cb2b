package io.mailhub.auth;

import io.mailhub.config.SettingsReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Logins ({@code mailhub.auth.*}): the users file, the lockout of guessing addresses, the From: rule.
 *
 * @param usersFile the users file, or {@code null}: no AUTH (the submission listeners then accept no mail)
 * @param checkHeaderFrom whether a logged-in user's From: header addresses must be theirs too
 */
public record AuthSettings(Path usersFile, int maxFailures, Duration failureWindow, Duration lockout,
        Duration lockoutDelay, boolean checkHeaderFrom) {

    public static final Map<String, String> KEYS = SettingsReader.defaults(
            "mailhub.auth.users-file", "",
            "mailhub.auth.max-failures", "10",
            "mailhub.auth.failure-window", "15m",
            "mailhub.auth.lockout", "15m",
            "mailhub.auth.lockout-delay", "2s",
            "mailhub.auth.check-header-from", "on");

    public static AuthSettings read(SettingsReader r) {
        return new AuthSettings(r.readableFile("mailhub.auth.users-file"), // bad lines are reported at load, skipped
                r.intIn("mailhub.auth.max-failures", 1, 1_000_000),
                r.duration("mailhub.auth.failure-window", Duration.ofSeconds(1)),
                r.duration("mailhub.auth.lockout", Duration.ofSeconds(1)),
                r.duration("mailhub.auth.lockout-delay", Duration.ZERO), r.onOff("mailhub.auth.check-header-from"));
    }
}
