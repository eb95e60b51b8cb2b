package io.mailhub.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailhub.auth.Passwords;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminUsersTest {

    static final String HASH = Passwords.hash("secret".toCharArray(), 4);

    @TempDir
    Path dir;

    @Test
    void eachLineGivesAUserWithARoleAndBadLinesAreNamedWithTheirNumber() {
        var parsed = AdminUsers.parse(Path.of("admins"), List.of("# operators", "olga:" + HASH + ":operator",
                "vic:" + HASH + ":viewer", "bad:" + HASH + ":root", "nohash:plain:admin", "olga:" + HASH + ":admin"));

        assertThat(parsed.value()).containsOnlyKeys("olga", "vic");
        assertThat(parsed.value().get("olga").role()).isEqualTo(Role.OPERATOR);
        assertThat(parsed.problems()).containsExactly(
                "admins line 4: unknown role 'root' (viewer, operator or admin)",
                "admins line 5: the password is not a bcrypt hash (make one with hash-password)",
                "admins line 6: user olga is listed twice; the first line counts");
    }

    @Test
    void theRightPasswordGivesTheUserAndAWrongOneOrAnUnknownNameNothing() throws Exception {
        Path file = dir.resolve("admins");
        Files.writeString(file, "olga:" + HASH + ":operator\n");
        AdminUsers users = AdminUsers.load(file);

        assertThat(users.check("olga", "secret".toCharArray()).role()).isEqualTo(Role.OPERATOR);
        assertThat(users.check("olga", "secret".toCharArray())).isNotNull(); // remembered
        assertThat(users.check("olga", "Secret".toCharArray())).isNull();
        assertThat(users.check("nobody", "secret".toCharArray())).isNull();
    }

    @Test
    void rolesIncludeTheRolesBelowThem() {
        assertThat(Role.ADMIN.allows(Role.OPERATOR)).isTrue();
        assertThat(Role.OPERATOR.allows(Role.VIEWER)).isTrue();
        assertThat(Role.VIEWER.allows(Role.OPERATOR)).isFalse();
        assertThat(Role.OPERATOR.allows(Role.ADMIN)).isFalse();
    }
}
