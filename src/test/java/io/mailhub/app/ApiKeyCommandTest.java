package io.mailhub.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailhub.auth.ApiKeys;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiKeyCommandTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return ApiKeyCommand.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void createPrintsOnlyTheSecretAndAppendsALineWithItsHash() throws Exception {
        Path file = dir.resolve("keys");

        assertThat(run("create", "billing", "--from", "billing@shop.test,@shop.test", "--keys-file", file.toString(),
                "--rate", "500/h", "--max-size", "5MB", "--send-at")).isZero();

        String secret = out.toString(StandardCharsets.UTF_8).strip();
        assertThat(secret).startsWith("mh_").doesNotContain("\n");
        String text = Files.readString(file);
        assertThat(text).doesNotContain(secret).contains(ApiKeys.hash(secret))
                .startsWith("billing sha256:").contains("rate=500/h").contains("send-at=yes").contains("route=no");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(ApiKeys.load(file).find(secret).name()).isEqualTo("billing");
    }

    @Test
    void aNameThatExistsIsRefusedAndTheFileIsLeftAlone() throws Exception {
        Path file = dir.resolve("keys");
        run("create", "billing", "--from", "@shop.test", "--keys-file", file.toString());
        String before = Files.readString(file);

        assertThat(run("create", "billing", "--from", "@shop.test", "--keys-file", file.toString()))
                .isEqualTo(ApiKeyCommand.EX_DATAERR);
        assertThat(Files.readString(file)).isEqualTo(before);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("already exists");
    }

    @Test
    void aBadCommandLineSaysWhatToFixAndWritesNothing() {
        Path file = dir.resolve("keys");
        assertThat(run("create", "billing", "--keys-file", file.toString())).isEqualTo(ApiKeyCommand.EX_USAGE);
        assertThat(run("create", "billing", "--from", "not-an-address", "--keys-file", file.toString()))
                .isEqualTo(ApiKeyCommand.EX_USAGE);
        assertThat(run("list")).isEqualTo(ApiKeyCommand.EX_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--from and --keys-file are required")
                .contains("neither an address").contains("usage: mailhub api-key create");
        assertThat(Files.exists(file)).isFalse();
        assertThat(out.toString(StandardCharsets.UTF_8)).isEmpty();
    }
}
