package io.mailhub.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailhub.model.SyntaxException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WebhookSettingsTest {

    @Test
    void withoutABaseUrlLinksPointAtTheHubsHttpsPortOrElseItsHttpPort() {
        WebhookSettings s = new WebhookSettings("", Duration.ofDays(7));

        assertThat(s.attachmentBase("mail.example.com", 8080, -1)).isEqualTo("http://mail.example.com:8080");
        assertThat(s.attachmentBase("mail.example.com", 8080, 8443)).isEqualTo("https://mail.example.com:8443");
    }

    @Test
    void aConfiguredBaseUrlIsUsedAsItIsWithoutItsTrailingSlash() throws SyntaxException {
        WebhookSettings s = new WebhookSettings(WebhookSettings.baseUrl(" https://files.example.com/mailhub/ "),
                Duration.ofDays(7));

        assertThat(s.attachmentBase("mail.example.com", 8080, 8443)).isEqualTo("https://files.example.com/mailhub");
        assertThat(WebhookSettings.baseUrl("")).isEmpty();
    }

    @Test
    void aBaseUrlThatIsNotAnHttpUrlWithoutQueryIsRefused() {
        assertThatThrownBy(() -> WebhookSettings.baseUrl("ftp://files.example.com")).isInstanceOf(SyntaxException.class)
                .hasMessageContaining("must be an http or https URL");
        assertThatThrownBy(() -> WebhookSettings.baseUrl("https://files.example.com/?a=b"))
                .isInstanceOf(SyntaxException.class);
        assertThatThrownBy(() -> WebhookSettings.baseUrl("files.example.com")).isInstanceOf(SyntaxException.class);
    }
}
