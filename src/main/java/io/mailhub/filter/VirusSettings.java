package io.mailhub.filter;

import io.mailhub.config.SettingsReader;
import io.mailhub.model.SyntaxException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;

/**
 * Virus scanning before the 250/202 ({@code mailhub.virus.*}), off by default.
 *
 * @param clamd clamd's TCP address, or {@code null}: no scanning
 * @param timeout how long a scan may take
 * @param tempfailOnFailure whether a scanner that gives no verdict makes a temporary refusal (451 4.7.1, the default:
 *     mail is not let through unscanned) rather than accepting the mail marked unscanned
 */
public record VirusSettings(InetSocketAddress clamd, Duration timeout, boolean tempfailOnFailure) {

    public static final Map<String, String> KEYS = SettingsReader.defaults(
            "mailhub.virus.clamd", "",
            "mailhub.virus.timeout", "30s",
            "mailhub.virus.on-failure", "tempfail");

    public static VirusSettings read(SettingsReader r) {
        String onFailure = r.value("mailhub.virus.on-failure").strip();
        if (!onFailure.equals("accept") && !onFailure.equals("tempfail")) {
            r.error("mailhub.virus.on-failure", "must be tempfail (451 4.7.1) or accept (mark the mail unscanned)");
        }
        return new VirusSettings(r.parse("mailhub.virus.clamd", VirusSettings::address),
                r.duration("mailhub.virus.timeout", Duration.ofMillis(100)), !onFailure.equals("accept"));
    }

    static InetSocketAddress address(String text) throws SyntaxException {
        String t = text.strip();
        if (t.isEmpty()) {
            return null;
        }
        int colon = t.lastIndexOf(':');
        if (colon <= 0) {
            throw new SyntaxException("must be clamd's TCP address, such as 127.0.0.1:3310");
        }
        try {
            int port = Integer.parseInt(t.substring(colon + 1));
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return InetSocketAddress.createUnresolved(t.substring(0, colon).replaceAll("[\\[\\]]", ""), port);
        } catch (NumberFormatException e) {
            throw new SyntaxException("must be clamd's TCP address, such as 127.0.0.1:3310");
        }
    }
}
