package io.mailhub.acceptance;

import io.mailhub.config.SettingsReader;
import java.util.Map;

/**
 * The acceptance stage's settings, the same for every door.
 *
 * @param hostname our name: the Received header's "by", generated Message-IDs, our authserv-id
 * @param maxMessageSize the largest message in octets as submitted ({@code mailhub.max-message-size})
 * @param maxHops Received fields a message may have; more is a mail loop ({@code mailhub.max-hops})
 */
public record AcceptanceSettings(String hostname, long maxMessageSize, int maxHops) {

    public static final Map<String, String> KEYS =
            SettingsReader.defaults("mailhub.max-message-size", "26214400", "mailhub.max-hops", "50");

    public static AcceptanceSettings read(SettingsReader r, String hostname) {
        return new AcceptanceSettings(hostname, r.size("mailhub.max-message-size", 1024, 4L << 30),
                r.intIn("mailhub.max-hops", 1, 1000));
    }
}
