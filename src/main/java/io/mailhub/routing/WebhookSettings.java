package io.mailhub.routing;

import io.mailhub.config.SettingsReader;
import io.mailhub.model.SyntaxException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Map;

/**
 * The webhook egress action's hub-wide settings: where the links to attachments sent by reference point
 * ({@code mailhub.webhook.attachment-url}) and how long they work ({@code mailhub.webhook.attachment-lifetime}).
 *
 * @param attachmentUrl the base of the links (scheme, host, port, optional path, no trailing slash); empty: the hub's
 *     own HTTP address, see {@link #attachmentBase}
 * @param attachmentLifetime how long a link works and its file is kept
 */
public record WebhookSettings(String attachmentUrl, Duration attachmentLifetime) {

    public static final Map<String, String> KEYS = SettingsReader.defaults(
            "mailhub.webhook.attachment-url", "",
            "mailhub.webhook.attachment-lifetime", "7d");

    public static WebhookSettings read(SettingsReader r) {
        return new WebhookSettings(r.parse("mailhub.webhook.attachment-url", WebhookSettings::baseUrl),
                r.duration("mailhub.webhook.attachment-lifetime", Duration.ofSeconds(1)));
    }

    /**
     * The base of attachment links: the configured URL, else {@code https://HOSTNAME:PORT} when HTTPS is on, else
     * {@code http://HOSTNAME:PORT} (the bound ports, so port 0 works too).
     */
    public String attachmentBase(String hostname, int httpPort, int httpsPort) {
        if (!attachmentUrl.isEmpty()) {
            return attachmentUrl;
        }
        return httpsPort >= 0 ? "https://" + hostname + ":" + httpsPort : "http://" + hostname + ":" + httpPort;
    }

    /** Empty, or an absolute http(s) URL without query or fragment; a trailing slash is dropped. */
    static String baseUrl(String text) throws SyntaxException {
        String v = text.strip();
        if (v.isEmpty()) {
            return "";
        }
        try {
            URI u = new URI(v);
            if (u.getScheme() == null || !u.getScheme().matches("(?i)https?") || u.getHost() == null
                    || u.getRawQuery() != null || u.getRawFragment() != null || u.getRawUserInfo() != null) {
                throw new URISyntaxException(v, "not a base URL");
            }
        } catch (URISyntaxException e) {
            throw new SyntaxException("'" + v + "' must be an http or https URL without query, such as"
                    + " https://mail.example.com:8443");
        }
        return v.endsWith("/") ? v.substring(0, v.length() - 1) : v;
    }
}
