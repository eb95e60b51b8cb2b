package io.mailhub.filter;

import io.mailhub.config.SettingsReader;
import io.mailhub.model.SyntaxException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * Spam scoring before the 250/202 ({@code mailhub.spam.*}).
 *
 * @param rspamd rspamd's normal worker ({@code http://127.0.0.1:11333}), or {@code null}: no spam scoring
 * @param timeout how long a check may take
 * @param rejectScore the score from which mail is refused (550 5.7.1); {@code NaN}: when the filter's action is
 *     {@code reject}
 * @param quarantineScore the score from which mail is stored but held in {@code mail.hold}; {@code NaN}: never
 * @param tempfailOnFailure whether a filter that does not answer makes a temporary refusal (451 4.7.1) rather than
 *     accepting the mail marked unchecked
 */
public record SpamSettings(URI rspamd, Duration timeout, double rejectScore, double quarantineScore,
        boolean tempfailOnFailure) {

    public static final Map<String, String> KEYS = SettingsReader.defaults(
            "mailhub.spam.rspamd", "",
            "mailhub.spam.timeout", "5s",
            "mailhub.spam.reject-score", "",
            "mailhub.spam.quarantine-score", "",
            "mailhub.spam.on-failure", "accept");

    public static SpamSettings read(SettingsReader r) {
        URI rspamd = r.parse("mailhub.spam.rspamd", SpamSettings::url);
        String onFailure = r.value("mailhub.spam.on-failure").strip();
        if (!onFailure.equals("accept") && !onFailure.equals("tempfail")) {
            r.error("mailhub.spam.on-failure", "must be accept (mark the mail unchecked) or tempfail (451 4.7.1)");
        }
        return new SpamSettings(rspamd, r.duration("mailhub.spam.timeout", Duration.ofMillis(100)),
                r.parse("mailhub.spam.reject-score", SpamSettings::score),
                r.parse("mailhub.spam.quarantine-score", SpamSettings::score), onFailure.equals("tempfail"));
    }

    static URI url(String text) throws SyntaxException {
        if (text.isBlank()) {
            return null;
        }
        if (!text.strip().matches("https?://[^/\\s]+/?")) {
            throw new SyntaxException("must be rspamd's address, such as http://127.0.0.1:11333");
        }
        return URI.create(text.strip());
    }

    static double score(String text) throws SyntaxException {
        if (text.isBlank()) {
            return Double.NaN;
        }
        try {
            return Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            throw new SyntaxException("must be a score such as 15 or 7.5");
        }
    }
}
