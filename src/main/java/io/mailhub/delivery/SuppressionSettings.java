package io.mailhub.delivery;

import io.mailhub.config.SettingsReader;
import java.time.Duration;
import java.util.Map;

/**
 * The suppression list ({@code mailhub.suppression}): which doors' mail adds hard bounces to it and is refused for its
 * addresses ({@code api}: the HTTP API and its provider endpoints; {@code all}: every door; {@code off}), and how long
 * an address stays ({@code mailhub.suppression.lifetime}; empty: until an operator removes it).
 */
public record SuppressionSettings(Scope scope, Duration lifetime) {

    /** Which doors the list applies to. */
    public enum Scope {
        OFF, API, ALL;

        /** Whether mail through the door of this label ({@code http}, {@code smtp}, ...) is in scope. */
        public boolean covers(String door) {
            return this == ALL || this == API && "http".equals(door);
        }
    }

    public static final Map<String, String> KEYS = SettingsReader.defaults(
            "mailhub.suppression", "api",
            "mailhub.suppression.lifetime", "");

    public static SuppressionSettings read(SettingsReader r) {
        String v = r.value("mailhub.suppression").strip().toLowerCase(java.util.Locale.ROOT);
        Scope scope = switch (v) {
            case "api" -> Scope.API;
            case "all" -> Scope.ALL;
            case "off" -> Scope.OFF;
            default -> {
                r.error("mailhub.suppression", "must be api, all or off");
                yield Scope.OFF;
            }
        };
        return new SuppressionSettings(scope, r.optionalDuration("mailhub.suppression.lifetime", Duration.ofHours(1)));
    }
}
