package io.mailhub.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailhub.model.SyntaxException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DomainListTest {

    @Test
    void plainDomainMatchesOnlyItself() throws SyntaxException {
        DomainList list = DomainList.parse("example.com");

        assertThat(list.contains("example.com")).isTrue();
        assertThat(list.contains("mail.example.com")).isFalse();
        assertThat(list.contains("badexample.com")).isFalse();
        assertThat(list.contains("example.com.evil.test")).isFalse();
    }

    @Test
    void leadingDotMatchesEverySubdomainButNotTheDomainItself() throws SyntaxException {
        DomainList list = DomainList.parse(".example.com");

        assertThat(list.contains("mail.example.com")).isTrue();
        assertThat(list.contains("a.b.example.com")).isTrue();
        assertThat(list.contains("example.com")).isFalse();
        assertThat(list.contains("badexample.com")).isFalse();
    }

    @Test
    void domainAndItsSubdomainsNeedBothEntries() throws SyntaxException {
        DomainList list = DomainList.parse("example.com, .example.com");

        assertThat(list.contains("example.com")).isTrue();
        assertThat(list.contains("mx.example.com")).isTrue();
    }

    @Test
    void matchingIgnoresAsciiCase() throws SyntaxException {
        DomainList list = DomainList.parse("Example.COM .Sub.Example.org");

        assertThat(list.contains("EXAMPLE.com")).isTrue();
        assertThat(list.contains("Mail.SUB.example.ORG")).isTrue();
    }

    @Test
    void emptyTextIsAnEmptyList() throws SyntaxException {
        DomainList list = DomainList.parse(" ");

        assertThat(list.isEmpty()).isTrue();
        assertThat(list.contains("example.com")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"exa_mple.com", "example..com", "..example.com", "example.com.", "-example.com", "[192.0.2.1]"})
    void itemThatIsNotADomainIsRejectedNamingIt(String item) {
        assertThatThrownBy(() -> DomainList.parse("example.org, " + item))
                .isInstanceOf(SyntaxException.class)
                .hasMessage("'" + item + "' is not a domain name");
    }

    @Test
    void listIsWrittenAsConfigured() throws SyntaxException {
        assertThat(DomainList.parse(" example.com, .example.com ")).hasToString("example.com, .example.com");
    }
}
