package io.mailhub.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class XtextTest {

    @Test
    void plusEqualsSpaceAndControlsAreEncodedAsUpperCaseHex() {
        assertThat(Xtext.encode("a+b=c d\r\n")).isEqualTo("a+2Bb+3Dc+20d+0D+0A");
    }

    @Test
    void printableAsciiIsLeftAlone() {
        assertThat(Xtext.encode("rfc822;alice@example.com")).isEqualTo("rfc822;alice@example.com");
    }

    @Test
    void nonAsciiIsEncodedOctetByOctetAsUtf8() {
        assertThat(Xtext.encode("é")).isEqualTo("+C3+A9");
    }

    @Test
    void decodeReversesEncode() {
        String original = "José+Ana=1 😀\t~";

        assertThat(Xtext.decode(Xtext.encode(original))).isEqualTo(original);
    }

    @Test
    void decodeTurnsHexPairsBackIntoUtf8Text() {
        assertThat(Xtext.decode("caf+C3+A9+2Bx")).isEqualTo("café+x");
    }

    @Test
    void decodeKeepsNonAsciiUnitextAsIs() {
        assertThat(Xtext.decode("héllo😀")).isEqualTo("héllo😀");
    }

    @Test
    void decodeLeavesAPlusWithoutTwoHexDigitsUntouched() {
        assertThat(Xtext.decode("a+4")).isEqualTo("a+4");
        assertThat(Xtext.decode("a+zz")).isEqualTo("a+zz");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "a+2Bb", "+3D", "x+C3+A9"})
    void wellFormedXtextIsValid(String text) {
        assertThat(Xtext.isValid(text, false)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a=b", "a b", "a+", "a+4", "a+2b", "a+GG", "tab\t", "é"})
    void malformedXtextIsInvalid(String text) {
        assertThat(Xtext.isValid(text, false)).isFalse();
    }

    @Test
    void nonAsciiIsValidOnlyAsUtf8Unitext() {
        assertThat(Xtext.isValid("josé", false)).isFalse();
        assertThat(Xtext.isValid("josé", true)).isTrue();
    }
}
