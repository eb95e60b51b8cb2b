package io.mailhub.observe;

import io.mailhub.config.SettingsReader;
import java.util.Map;

/**
 * Metrics ({@code mailhub.metrics.*}).
 *
 * @param enabled whether meters are kept and {@code /observe/metrics} answers; off, every meter is a no-op and the
 *     endpoint answers 404
 */
public record MetricsSettings(boolean enabled) {

    public static final Map<String, String> KEYS = SettingsReader.defaults("mailhub.metrics.enabled", "on");

    public static MetricsSettings read(SettingsReader r) {
        return new MetricsSettings(r.onOff("mailhub.metrics.enabled"));
    }
}
