package io.mailhub.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailhub.model.MailAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AddressRewriteTest {

    @TempDir
    Path dir;

    @Test
    void aMapFileRewritesAddressesAndWholeDomainsKeepingTheLocalPart() throws Exception {
        Path map = Files.writeString(dir.resolve("canonical"), "# old new\nCEO@Legacy.test  boss@example.test\n"
                + "@legacy.test @example.test\n@gone.test postmaster@example.test\n");
        AddressRewrite r = AddressRewrite.map(map);

        assertThat(r.apply(new MailAddress("ceo", "legacy.test"))).isEqualTo(new MailAddress("boss", "example.test"));
        assertThat(r.apply(new MailAddress("joe", "legacy.test"))).isEqualTo(new MailAddress("joe", "example.test"));
        assertThat(r.apply(new MailAddress("ann", "gone.test")))
                .isEqualTo(new MailAddress("postmaster", "example.test"));
        MailAddress other = new MailAddress("joe", "other.test");
        assertThat(r.apply(other)).isSameAs(other);
        assertThat(r.apply(null)).as("the null sender stays the null sender").isNull();
    }

    @Test
    void aRegexRewritesTheWholeAddressAndABadResultIsAnError() throws Exception {
        AddressRewrite r = AddressRewrite.regex("(.*)@legacy\\.test", "$1@example.test");
        assertThat(r.apply(new MailAddress("Joe", "LEGACY.test"))).isEqualTo(new MailAddress("Joe", "example.test"));

        AddressRewrite broken = AddressRewrite.regex("(.*)@legacy\\.test", "$1 at example");
        assertThatThrownBy(() -> broken.apply(new MailAddress("joe", "legacy.test")))
                .hasMessageContaining("which is not an address");
    }

    @Test
    void aMalformedMapLineIsNamed() throws Exception {
        Path map = Files.writeString(dir.resolve("bad"), "a@b.test\n");
        assertThatThrownBy(() -> AddressRewrite.map(map)).hasMessageContaining("bad line 1: expected 'OLD NEW'");
    }
}
