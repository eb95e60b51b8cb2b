package io.mailhub.ingress.http;

import io.mailhub.config.SettingsReader;
import java.util.Map;

/**
 * The HTTP listener ({@code mailhub.http.port}): health and, on the same port, the API.
 */
public record HttpSettings(int port) {

    public static final Map<String, String> KEYS = SettingsReader.defaults("mailhub.http.port", "8080");

    public static HttpSettings read(SettingsReader r) {
        return new HttpSettings(r.port("mailhub.http.port"));
    }
}
