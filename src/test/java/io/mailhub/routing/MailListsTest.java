package io.mailhub.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MailListsTest {

    @TempDir
    Path dir;

    @Test
    void addressesWholeDomainsAndSubdomainsMatchWithoutCase() throws Exception {
        Files.writeString(dir.resolve("vip"), "# people\nCEO@Example.com\n@partner.test   # everyone there\n"
                + ".corp.test\n");
        MailLists lists = new MailLists(dir);

        assertThat(lists.contains("vip", "ceo@example.COM")).isTrue();
        assertThat(lists.contains("vip", "cfo@example.com")).isFalse();
        assertThat(lists.contains("vip", "x@partner.test")).isTrue();
        assertThat(lists.contains("vip", "x@eu.partner.test")).as("@domain is that domain only").isFalse();
        assertThat(lists.contains("vip", "x@eu.corp.test")).as(".domain: its subdomains").isTrue();
        assertThat(lists.contains("vip", "x@corp.test")).isFalse();
        assertThat(lists.contains("vip", "a@other.test, b@partner.test")).as("any of a recipient list").isTrue();
        assertThat(lists.contains("vip", "")).isFalse();
    }

    @Test
    void aChangedFileIsReadAgainAndAMissingListIsEmpty() throws Exception {
        Path file = Files.writeString(dir.resolve("blocked"), "@spam.test\n");
        MailLists lists = new MailLists(dir);
        assertThat(lists.contains("blocked", "a@spam.test")).isTrue();

        Files.writeString(file, "@other.test\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));

        assertThat(lists.contains("blocked", "a@spam.test")).isFalse();
        assertThat(lists.contains("nosuchlist", "a@spam.test")).isFalse();
        assertThatThrownBy(() -> lists.contains("../etc/passwd", "a@b.test")).hasMessageContaining("list name");
    }
}
