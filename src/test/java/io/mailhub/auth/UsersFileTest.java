package io.mailhub.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailhub.model.MailAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsersFileTest {

    private static final String HASH = Passwords.hash("secret".toCharArray(), 4);
    private static final Path FILE = Path.of("/etc/mailhub/users");

    @TempDir
    Path dir;

    @Test
    void readsUsersTheirAddressesAndDomainsAndSkipsCommentsAndBlankLines() {
        UsersFile.Contents c = UsersFile.parse(FILE, List.of(
                "# who may send", "", "alice:" + HASH + ":Alice@Example.test, @alice.test", "  bob:" + HASH + ":  "));

        assertThat(c.problems()).isEmpty();
        assertThat(c.users()).containsOnlyKeys("alice", "bob");
        User alice = c.users().get("alice");
        assertThat(alice.addresses()).containsExactly("alice@example.test");
        assertThat(alice.domains()).containsExactly("alice.test");
        assertThat(alice.maySendAs(new MailAddress("ALICE", "example.TEST"))).isTrue();
        assertThat(alice.maySendAs(new MailAddress("x", "alice.test"))).isTrue();
        assertThat(alice.maySendAs(new MailAddress("x", "sub.alice.test"))).isFalse();
        assertThat(c.users().get("bob").maySendAs(new MailAddress("bob", "example.test"))).isFalse();
    }

    @Test
    void aMalformedLineIsReportedWithItsNumberAndTheOthersStillLoad() {
        UsersFile.Contents c = UsersFile.parse(FILE, List.of(
                "alice:" + HASH + ":alice@example.test",
                "carol:plaintext:carol@example.test",
                "dave-without-fields",
                "erin:" + HASH + ":not-an-address",
                "alice:" + HASH + ":other@example.test",
                "frank:" + HASH + ":frank@example.test"));

        assertThat(c.users()).containsOnlyKeys("alice", "frank");
        assertThat(c.users().get("alice").addresses()).containsExactly("alice@example.test");
        assertThat(c.problems()).containsExactly(
                "/etc/mailhub/users line 2: the password of carol is not a bcrypt hash ($2y$10$...); make one with:"
                        + " java -jar mailhub.jar hash-password",
                "/etc/mailhub/users line 3: expected name:bcrypt-hash:addresses, found 1 field(s)",
                "/etc/mailhub/users line 4: 'not-an-address' is neither an address (user@domain) nor a domain (@domain)",
                "/etc/mailhub/users line 5: user alice is defined twice; the first definition counts");
    }

    @Test
    void aChangedFileIsReadAgainWithoutARestart() throws Exception {
        Path file = dir.resolve("users");
        Files.writeString(file, "alice:" + HASH + ":alice@example.test\n");
        UsersFile users = UsersFile.load(file);
        assertThat(users.find("bob")).isNull();

        Files.writeString(file, "alice:" + HASH + ":alice@example.test\nbob:" + HASH + ":bob@example.test\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));

        Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> users.find("bob") != null);
        assertThat(users.size()).isEqualTo(2);
    }

    @Test
    void aFileThatDisappearsKeepsTheUsersLoadedBefore() throws Exception {
        Path file = dir.resolve("users");
        Files.writeString(file, "alice:" + HASH + ":alice@example.test\n");
        UsersFile users = UsersFile.load(file);
        Files.delete(file);

        Awaitility.await().during(java.time.Duration.ofMillis(1500)).atMost(java.time.Duration.ofSeconds(3))
                .until(() -> users.find("alice") != null);
    }

    @Test
    void eachReloadIsReportedWithItsSkippedLinesOrWhyTheOldUsersStayed() throws Exception {
        Path file = dir.resolve("users");
        Files.writeString(file, "alice:" + HASH + ":alice@example.test\n");
        UsersFile users = UsersFile.load(file);
        java.util.List<WatchedFile.Reload> reloads = new java.util.concurrent.CopyOnWriteArrayList<>();
        users.onReload(reloads::add);

        Files.writeString(file, "alice:" + HASH + ":alice@example.test\nbroken line\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> users.find("alice") != null
                && !reloads.isEmpty());
        assertThat(reloads.get(0).what()).isEqualTo("users");
        assertThat(reloads.get(0).file()).isEqualTo(file);
        assertThat(reloads.get(0).problems()).singleElement().asString().contains("line 2");
        assertThat(reloads.get(0).error()).isNull();

        Files.delete(file);
        Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> users.find("alice") != null
                && reloads.size() == 2);
        assertThat(reloads.get(1).error()).contains("NoSuchFileException");
        Awaitility.await().during(java.time.Duration.ofMillis(1500)).atMost(java.time.Duration.ofSeconds(3))
                .until(() -> users.find("alice") != null);
        assertThat(reloads).as("a file still missing is reported once").hasSize(2);
    }
}
