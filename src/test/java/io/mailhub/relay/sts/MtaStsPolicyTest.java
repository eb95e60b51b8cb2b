package io.mailhub.relay.sts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailhub.model.SyntaxException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The policy text of RFC 8461 section 3.2 and the MX host patterns of section 4.1. */
class MtaStsPolicyTest {

    @Test
    void theRfcsExamplePolicyIsReadWithItsModeMxPatternsAndMaxAge() throws Exception {
        MtaStsPolicy p = MtaStsPolicy.parse("version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\n"
                + "mx: *.example.net\r\nmx: backupmx.example.com\r\nmax_age: 604800\r\n");

        assertThat(p.mode()).isEqualTo(MtaStsPolicy.Mode.ENFORCE);
        assertThat(p.mx()).containsExactly("mail.example.com", "*.example.net", "backupmx.example.com");
        assertThat(p.maxAgeSeconds()).isEqualTo(604800);
    }

    @Test
    void lfLineEndsBlanksAroundValuesAndUnknownKeysAreAccepted() throws Exception {
        MtaStsPolicy p = MtaStsPolicy.parse("version: STSv1\nmode:testing\nmx:  MX.Example.COM. \nfuture: x\n"
                + "max_age: 86400\n");

        assertThat(p.mode()).isEqualTo(MtaStsPolicy.Mode.TESTING);
        assertThat(p.mx()).containsExactly("mx.example.com");
    }

    @Test
    void modeNoneNeedsNoMxPatterns() throws Exception {
        assertThat(MtaStsPolicy.parse("version: STSv1\nmode: none\nmax_age: 86400\n").mode())
                .isEqualTo(MtaStsPolicy.Mode.NONE);
    }

    @Test
    void eachMissingOrBadFieldIsNamed() {
        assertThatThrownBy(() -> MtaStsPolicy.parse("mode: enforce\nmx: a.test\nmax_age: 1\n"))
                .isInstanceOf(SyntaxException.class).hasMessage("no 'version: STSv1'");
        assertThatThrownBy(() -> MtaStsPolicy.parse("version: STSv2\nmode: enforce\nmx: a.test\nmax_age: 1\n"))
                .hasMessage("version 'STSv2' is not STSv1");
        assertThatThrownBy(() -> MtaStsPolicy.parse("version: STSv1\nmode: strict\nmx: a.test\nmax_age: 1\n"))
                .hasMessage("mode 'strict' is not enforce, testing or none");
        assertThatThrownBy(() -> MtaStsPolicy.parse("version: STSv1\nmode: enforce\nmx: a.test\n"))
                .hasMessage("no 'max_age'");
        assertThatThrownBy(() -> MtaStsPolicy.parse("version: STSv1\nmode: enforce\nmx: a.test\nmax_age: 31557601\n"))
                .hasMessageContaining("max_age '31557601' is not a number of seconds up to 31557600");
        assertThatThrownBy(() -> MtaStsPolicy.parse("version: STSv1\nmode: enforce\nmax_age: 60\n"))
                .hasMessage("no 'mx' for mode enforce");
        assertThatThrownBy(() -> MtaStsPolicy.parse("version: STSv1\nmode: enforce\nmx: a b\nmax_age: 60\n"))
                .hasMessage("mx 'a b' is not a host name or *.domain");
        assertThatThrownBy(() -> MtaStsPolicy.parse("<html>Not found</html>\n"))
                .hasMessageContaining("is not 'key: value'");
    }

    @Test
    void aWildcardPatternAllowsExactlyOneLabelBelowItsDomain() {
        MtaStsPolicy p = new MtaStsPolicy(MtaStsPolicy.Mode.ENFORCE, List.of("*.example.net", "mail.example.com"), 60);

        assertThat(p.allows("mx1.example.net")).isTrue();
        assertThat(p.allows("MX1.Example.NET.")).isTrue();
        assertThat(p.allows("mail.example.com")).isTrue();
        assertThat(p.allows("a.mx1.example.net")).as("two labels below").isFalse();
        assertThat(p.allows("example.net")).as("the domain itself").isFalse();
        assertThat(p.allows("mx1.example.net.evil.test")).isFalse();
        assertThat(p.allows("xmail.example.com")).isFalse();
    }
}
