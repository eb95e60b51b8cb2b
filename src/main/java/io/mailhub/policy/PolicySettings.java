package io.mailhub.policy;

import io.mailhub.config.SettingsReader;
import java.util.Map;

/**
 * Relay control and rate limits ({@code mailhub.limits.*}, {@code mailhub.relay.trusted-networks},
 * {@code mailhub.local-domains}); a limit of 0 is off, trusted networks are exempt.
 */
public record PolicySettings(int connectionsPerMinute, int messagesPerHour, int recipientsPerHour,
        NetworkList trustedNetworks, DomainList localDomains) {

    public static final Map<String, String> KEYS = SettingsReader.defaults(
            "mailhub.limits.connections-per-minute", "100",
            "mailhub.limits.messages-per-hour", "1000",
            "mailhub.limits.recipients-per-hour", "5000",
            "mailhub.relay.trusted-networks", "127.0.0.0/8,::1/128",
            "mailhub.local-domains", "");

    public static PolicySettings read(SettingsReader r) {
        return new PolicySettings(r.intIn("mailhub.limits.connections-per-minute", 0, 1_000_000),
                r.intIn("mailhub.limits.messages-per-hour", 0, 10_000_000),
                r.intIn("mailhub.limits.recipients-per-hour", 0, 100_000_000),
                r.parse("mailhub.relay.trusted-networks", NetworkList::parse),
                r.parse("mailhub.local-domains", DomainList::parse));
    }
}
