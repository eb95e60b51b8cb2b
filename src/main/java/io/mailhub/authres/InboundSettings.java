package io.mailhub.authres;

import io.mailhub.config.SettingsReader;
import java.util.Map;

/**
 * Checks of mail from other servers ({@code mailhub.inbound.checks}, {@code mailhub.dmarc.reject}).
 *
 * @param checks whether SPF, DKIM and DMARC are checked on the MX listener
 * @param dmarcReject whether DMARC p=reject failures are refused (550 5.7.1) instead of only marked
 */
public record InboundSettings(boolean checks, boolean dmarcReject) {

    public static final Map<String, String> KEYS =
            SettingsReader.defaults("mailhub.inbound.checks", "on", "mailhub.dmarc.reject", "off");

    public static InboundSettings read(SettingsReader r) {
        return new InboundSettings(r.onOff("mailhub.inbound.checks"), r.onOff("mailhub.dmarc.reject"));
    }
}
