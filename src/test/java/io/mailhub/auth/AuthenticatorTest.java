package io.mailhub.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthenticatorTest {

    @TempDir
    Path dir;

    private Authenticator withUsers(String lines) throws Exception {
        Path file = dir.resolve("users");
        Files.writeString(file, lines);
        return new Authenticator(UsersFile.load(file), Clock.systemUTC());
    }

    @Test
    void theRightPasswordGivesTheUserAndAWrongOneOrAnUnknownNameGivesNothing() throws Exception {
        Authenticator auth = withUsers("alice:" + Passwords.hash("s3cret".toCharArray(), 4) + ":alice@example.test\n");

        assertThat(auth.authenticate("alice", "s3cret".toCharArray())).extracting(User::name).isEqualTo("alice");
        assertThat(auth.authenticate("alice", "S3cret".toCharArray())).isNull();
        assertThat(auth.authenticate("Alice", "s3cret".toCharArray())).isNull();
        assertThat(auth.authenticate("mallory", "s3cret".toCharArray())).isNull();
    }

    @Test
    void aChangedPasswordIsNotServedFromTheCache() throws Exception {
        Authenticator auth = withUsers("alice:" + Passwords.hash("old".toCharArray(), 4) + ":\n");
        assertThat(auth.authenticate("alice", "old".toCharArray())).isNotNull(); // now cached

        Path file = dir.resolve("users");
        Files.writeString(file, "alice:" + Passwords.hash("new".toCharArray(), 4) + ":\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));

        Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                .until(() -> auth.authenticate("alice", "new".toCharArray()) != null);
        assertThat(auth.authenticate("alice", "old".toCharArray())).isNull();
    }

    @Test
    void hashesAreBcryptAndCheckable() {
        String hash = Passwords.hash("pässword".toCharArray());
        assertThat(hash).startsWith("$2y$10$").hasSize(60);
        assertThat(Passwords.isBcrypt(hash)).isTrue();
        assertThat(Passwords.matches(hash, "pässword".toCharArray())).isTrue();
        assertThat(Passwords.matches(hash, "password".toCharArray())).isFalse();
        // hashes from htpasswd -B ($2y$) and other tools ($2a$, $2b$) are accepted
        assertThat(Passwords.isBcrypt("$2a$05$" + "a".repeat(53))).isTrue();
        assertThat(Passwords.isBcrypt("$1$md5crypt$xxxxxxxx")).isFalse();
    }
}
