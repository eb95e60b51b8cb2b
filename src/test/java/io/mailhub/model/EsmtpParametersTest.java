package io.mailhub.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EsmtpParametersTest {

    @Test
    void keywordsAreCaseInsensitiveAndStoredInUpperCase() throws SyntaxException {
        EsmtpParameters params = EsmtpParameters.parse(" size=1000 Body=8BITMIME", false);

        assertThat(params.get("SIZE")).isEqualTo("1000");
        assertThat(params.get("BODY")).isEqualTo("8BITMIME");
        assertThat(params.has("size")).isFalse();
    }

    @Test
    void keywordWithoutValueIsPresentWithNullValue() throws SyntaxException {
        EsmtpParameters params = EsmtpParameters.parse("SMTPUTF8", false);

        assertThat(params.has("SMTPUTF8")).isTrue();
        assertThat(params.get("SMTPUTF8")).isNull();
    }

    @Test
    void emptyTextHasNoParameters() throws SyntaxException {
        assertThat(EsmtpParameters.parse("", false).asMap()).isEmpty();
        assertThat(EsmtpParameters.parse("   ", false).asMap()).isEmpty();
    }

    @Test
    void parametersKeepTheirOrderAndSeveralSpacesSeparateThem() throws SyntaxException {
        EsmtpParameters params = EsmtpParameters.parse("RET=HDRS   ENVID=abc  SIZE=1", false);

        assertThat(params.asMap()).containsExactly(
                org.assertj.core.api.Assertions.entry("RET", "HDRS"),
                org.assertj.core.api.Assertions.entry("ENVID", "abc"),
                org.assertj.core.api.Assertions.entry("SIZE", "1"));
    }

    @Test
    void keywordGivenTwiceIsRejectedWhateverItsCase() {
        assertThatThrownBy(() -> EsmtpParameters.parse("SIZE=1 size=2", false))
                .isInstanceOf(SyntaxException.class)
                .hasMessageContaining("SIZE given twice");
    }

    @Test
    void badKeywordIsRejected() {
        assertThatThrownBy(() -> EsmtpParameters.parse("-SIZE=1", false))
                .isInstanceOf(SyntaxException.class)
                .hasMessageContaining("bad parameter keyword");
        assertThatThrownBy(() -> EsmtpParameters.parse("SI_ZE=1", false)).isInstanceOf(SyntaxException.class);
    }

    @Test
    void emptyValueOrValueWithEqualsSignIsRejected() {
        assertThatThrownBy(() -> EsmtpParameters.parse("SIZE=", false))
                .isInstanceOf(SyntaxException.class)
                .hasMessageContaining("bad value for SIZE");
        assertThatThrownBy(() -> EsmtpParameters.parse("ENVID=a=b", false)).isInstanceOf(SyntaxException.class);
    }

    @Test
    void nonAsciiValueNeedsUtf8() throws SyntaxException {
        assertThatThrownBy(() -> EsmtpParameters.parse("ENVID=é", false)).isInstanceOf(SyntaxException.class);
        assertThat(EsmtpParameters.parse("ENVID=é", true).get("ENVID")).isEqualTo("é");
    }

    @Test
    void parameterMapCannotBeModified() throws SyntaxException {
        EsmtpParameters params = EsmtpParameters.parse("SIZE=1", false);

        assertThatThrownBy(() -> params.asMap().put("BODY", "7BIT")).isInstanceOf(UnsupportedOperationException.class);
    }
}
