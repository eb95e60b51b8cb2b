package io.mailhub.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailhub.model.MailAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiKeysTest {

    private static final Path FILE = Path.of("/etc/mailhub/api-keys");

    @TempDir
    Path dir;

    @Test
    void aKeyIsFoundByItsSecretAndTheFileHoldsOnlyTheHash() throws Exception {
        String secret = ApiKeys.newSecret();
        Path file = Files.writeString(dir.resolve("keys"), "# keys\nbilling " + ApiKeys.hash(secret)
                + " from=billing@shop.test,@shop.test rate=1000/h max-size=10MB route=yes\n");

        ApiKey key = ApiKeys.load(file).find(secret);

        assertThat(secret).startsWith("mh_").hasSize(46);
        assertThat(Files.readString(file)).doesNotContain(secret);
        assertThat(key.name()).isEqualTo("billing");
        assertThat(key.messagesPerHour()).isEqualTo(1000);
        assertThat(key.maxSize()).isEqualTo(10L * 1024 * 1024);
        assertThat(key.mayRoute()).isTrue();
        assertThat(key.maySchedule()).isFalse();
        assertThat(key.maySendAs(new MailAddress("anyone", "shop.test"))).isTrue();
        assertThat(key.maySendAs(new MailAddress("ceo", "bank.test"))).isFalse();
        assertThat(ApiKeys.load(file).find("mh_wrong")).isNull();
        assertThat(ApiKeys.load(file).find(secret.substring(3))).isNull();
    }

    @Test
    void everyBadLineIsReportedWithItsNumberAndTheOthersStillLoad() {
        String hash = ApiKeys.hash("mh_x");
        WatchedFile.Parsed<Map<String, ApiKey>> p = ApiKeys.parse(FILE, List.of(
                "good " + hash + " from=@shop.test",
                "nofrom " + ApiKeys.hash("mh_y"),
                "plain mh_secret from=@shop.test",
                "bad/name " + ApiKeys.hash("mh_z") + " from=@shop.test",
                "badrate " + ApiKeys.hash("mh_w") + " from=@shop.test rate=many",
                "good " + ApiKeys.hash("mh_v") + " from=@other.test"));

        assertThat(p.value()).containsOnlyKeys(hash);
        assertThat(p.problems()).hasSize(5).allSatisfy(line -> assertThat(line).startsWith("/etc/mailhub/api-keys line "));
        assertThat(p.problems().get(1)).contains("line 3").contains("never the secret");
        assertThat(p.problems().get(4)).contains("line 6").contains("defined twice");
    }

    @Test
    void aWrittenLineReadsBackAsTheSameKey() throws Exception {
        ApiKey k = new ApiKey("crm", ApiKeys.hash("mh_s"), SendAs.parse("crm@shop.test,@mail.shop.test"), 50, 1024,
                false, true);
        assertThat(ApiKeys.parseLine(ApiKeys.line(k))).isEqualTo(k);
        assertThat(ApiKeys.line(k)).doesNotContain("scope="); // every endpoint: the default, not written
        ApiKey hooks = new ApiKey("alerts", ApiKeys.hash("mh_t"), SendAs.parse("alerts@shop.test"), 0, 0, false, false,
                ApiKey.Scope.WEBHOOKS);
        assertThat(ApiKeys.line(hooks)).endsWith(" scope=webhooks");
        assertThat(ApiKeys.parseLine(ApiKeys.line(hooks))).isEqualTo(hooks);
    }

    @Test
    void aKeyScopedToWebhooksMayNotSendAndOneScopedToSendingMayNotPostWebhooks() throws Exception {
        String hash = ApiKeys.hash("mh_x");
        ApiKey hooks = ApiKeys.parseLine("alerts " + hash + " from=@ops.test scope=webhooks");
        ApiKey send = ApiKeys.parseLine("shop " + hash + " from=@shop.test scope=send");
        ApiKey all = ApiKeys.parseLine("both " + hash + " from=@shop.test");

        assertThat(hooks.maySend()).isFalse();
        assertThat(hooks.mayPostWebhooks()).isTrue();
        assertThat(send.maySend()).isTrue();
        assertThat(send.mayPostWebhooks()).isFalse();
        assertThat(all.maySend() && all.mayPostWebhooks()).isTrue();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ApiKeys.parseLine("x " + hash + " from=@a.test scope=admin"))
                .hasMessage("scope 'admin' must be all, send or webhooks");
    }
}
