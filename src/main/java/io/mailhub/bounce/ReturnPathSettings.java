package io.mailhub.bounce;

import io.mailhub.config.SettingsReader;
import io.mailhub.model.DomainName;
import io.mailhub.model.SmtpPath;
import io.mailhub.model.SyntaxException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The hub's own return path ({@code mailhub.bounce.return-path-domain}, {@code mailhub.bounce.return-path-key}): a
 * domain whose addresses the hub gives as the envelope sender of the mail it relays for the doors of
 * {@code mailhub.suppression}, so that bounces that come back later reach the hub; {@code null} domain: off.
 *
 * @param domain the domain's key (lower case, A-labels), or {@code null}
 * @param keyFile the signing key's file, or {@code null}: {@code return-path.key} in the data directory
 */
public record ReturnPathSettings(String domain, Path keyFile) {

    public static final Map<String, String> KEYS = SettingsReader.defaults(
            "mailhub.bounce.return-path-domain", "",
            "mailhub.bounce.return-path-key", "");

    public static ReturnPathSettings read(SettingsReader r) {
        String d = r.value("mailhub.bounce.return-path-domain").strip();
        String domain = null;
        if (!d.isEmpty()) {
            try {
                if (!SmtpPath.isDomain(d, true)) {
                    throw new SyntaxException("'" + d + "' is not a domain name");
                }
                domain = DomainName.key(DomainName.canonical(d));
            } catch (SyntaxException e) {
                r.error("mailhub.bounce.return-path-domain", e.getMessage());
            }
        }
        String k = r.value("mailhub.bounce.return-path-key").strip();
        return new ReturnPathSettings(domain, k.isEmpty() ? null : Path.of(k));
    }
}
