package io.mailhub.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The configuration page is the contract: every setting the hub reads is documented there and in the sample file. */
class ConfigurationDocsTest {

    @Test
    void everySettingIsInTheConfigurationTableOfTheDocs() throws Exception {
        String doc = Files.readString(Path.of("docs/configuration.md"));
        assertThat(MailhubSettings.KEYS.keySet()).allSatisfy(key -> assertThat(doc).contains("| `" + key + "`"));
    }

    @Test
    void everySettingIsInTheSampleConfigurationFile() throws Exception {
        String sample = Files.readString(Path.of("config/application.properties"));
        assertThat(MailhubSettings.KEYS.keySet()).allSatisfy(key -> assertThat(sample).contains(key + "="));
    }
}
