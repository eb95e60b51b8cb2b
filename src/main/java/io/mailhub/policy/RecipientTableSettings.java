package io.mailhub.policy;

import io.mailhub.config.SettingsReader;
import java.nio.file.Path;
import java.util.Map;

/** The table of the local domains' existing addresses ({@code mailhub.relay.recipients}); {@code null}: any address. */
public record RecipientTableSettings(Path file) {

    public static final Map<String, String> KEYS = SettingsReader.defaults("mailhub.relay.recipients", "");

    public static RecipientTableSettings read(SettingsReader r) {
        return new RecipientTableSettings(r.readableFile("mailhub.relay.recipients"));
    }
}
