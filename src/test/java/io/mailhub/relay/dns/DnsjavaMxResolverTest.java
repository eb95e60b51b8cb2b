package io.mailhub.relay.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the resolver decides before asking DNS; the answers of a real server are in {@link DnsjavaMxResolverIT}. */
class DnsjavaMxResolverTest {

    /** Nothing listens on port 9 (discard) of 127.0.0.1 here; these tests never reach it. */
    private final MxResolver resolver = new DnsjavaMxResolver(
            List.of(new InetSocketAddress("127.0.0.1", 9)), Duration.ofMillis(200), new Random(1));

    @Test
    void domainNamesAreLowerCasedAndLoseTheirTrailingDot() {
        assertThat(DnsjavaMxResolver.hostName("Mail.Example.COM.")).isEqualTo("mail.example.com");
        assertThat(DnsjavaMxResolver.hostName(" example.com ")).isEqualTo("example.com");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "bad domain.test", "a..test", "[192.0.2.1]", "bücher.test", ".test"})
    void somethingThatIsNotAnAsciiDomainNameIsNoSuchDomainWithoutAskingDns(String domain) throws Exception {
        MxResolution resolution = resolver.resolve(domain);

        assertThat(resolution).isInstanceOf(MxResolution.NoSuchDomain.class);
        assertThat(resolution.reason()).isEqualTo("'" + domain + "' is not an ASCII domain name");
    }

    @Test
    void aLabelLongerThan63CharactersIsNoDomainName() {
        assertThat(DnsjavaMxResolver.hostName("a".repeat(64) + ".test")).isNull();
        assertThat(DnsjavaMxResolver.hostName("a".repeat(63) + ".test")).isNotNull();
    }

    @Test
    void aTimeoutMustBePositive() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new DnsjavaMxResolver(List.of(), Duration.ZERO, new Random()))
                .withMessage("DNS timeout must be positive: PT0S");
    }
}
