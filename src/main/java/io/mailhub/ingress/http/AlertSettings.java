package io.mailhub.ingress.http;

import io.mailhub.config.SettingsReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The monitoring webhook doors ({@code mailhub.alerts.*}).
 *
 * @param to default recipients of alert mail (comma-separated) for receivers not in the receivers file, or empty
 * @param from default sender of alert mail, or empty
 * @param receiversFile per-receiver recipients and senders, or {@code null}
 * @param dedupWindow a notification repeated (same receiver, group, status and alerts) within this window is mailed once
 */
public record AlertSettings(String to, String from, Path receiversFile, Duration dedupWindow) {

    public static final Map<String, String> KEYS = SettingsReader.defaults(
            "mailhub.alerts.to", "",
            "mailhub.alerts.from", "",
            "mailhub.alerts.receivers-file", "",
            "mailhub.alerts.dedup-window", "1h");

    public static AlertSettings read(SettingsReader r) {
        return new AlertSettings(r.value("mailhub.alerts.to").strip(), r.value("mailhub.alerts.from").strip(),
                r.readableFile("mailhub.alerts.receivers-file"), r.duration("mailhub.alerts.dedup-window",
                        Duration.ofSeconds(1)));
    }
}
