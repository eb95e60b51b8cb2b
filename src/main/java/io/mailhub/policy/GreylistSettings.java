package io.mailhub.policy;

import io.mailhub.config.SettingsReader;
import java.time.Duration;
import java.util.Map;

/**
 * Greylisting at RCPT ({@code mailhub.greylist}, off by default) for SMTP clients that are neither logged in nor in
 * {@code mailhub.relay.trusted-networks}, with Postgrey's timing.
 */
public record GreylistSettings(boolean atRcpt, Greylist.Timing timing) {

    public static final Map<String, String> KEYS = SettingsReader.defaults(
            "mailhub.greylist", "off",
            "mailhub.greylist.delay", "5m",
            "mailhub.greylist.window", "2d",
            "mailhub.greylist.lifetime", "35d");

    public static GreylistSettings read(SettingsReader r) {
        return new GreylistSettings(r.onOff("mailhub.greylist"), new Greylist.Timing(
                r.duration("mailhub.greylist.delay", Duration.ofSeconds(1)),
                r.duration("mailhub.greylist.window", Duration.ofMinutes(1)),
                r.duration("mailhub.greylist.lifetime", Duration.ofHours(1))));
    }
}
