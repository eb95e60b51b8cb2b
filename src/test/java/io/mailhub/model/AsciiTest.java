package io.mailhub.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AsciiTest {

    @Test
    void onlyAsciiLettersAreFolded() {
        assertThat(Ascii.equalsIgnoreCase("PostMaster", "postmaster")).isTrue();
        assertThat(Ascii.equalsIgnoreCase("po\u017Ftmaster", "postmaster")).isFalse(); // Java's own says true
        assertThat("po\u017Ftmaster".equalsIgnoreCase("postmaster")).isTrue();
        assertThat(Ascii.equalsIgnoreCase("ban\u212A", "bank")).isFalse();
    }

    @Test
    void caseConversionLeavesNonAsciiAlone() {
        assertThat(Ascii.toLowerCase("A\u212AZ")).isEqualTo("a\u212Az");
        assertThat(Ascii.toUpperCase("ma\u0131l")).isEqualTo("MA\u0131L"); // DOTLESS I stays: no "MAIL" look-alike
        assertThat(Ascii.toUpperCase("mail")).isEqualTo("MAIL");
        assertThat(Ascii.toLowerCase("already")).isSameAs("already");
    }
}
