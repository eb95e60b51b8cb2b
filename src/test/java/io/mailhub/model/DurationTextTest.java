package io.mailhub.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationTextTest {

    @ParameterizedTest
    @CsvSource({"250ms, PT0.25S", "30s, PT30S", "5m, PT5M", "4h, PT4H", "5d, PT120H", "' 10 M ', PT10M", "0s, PT0S"})
    void durationIsANumberAndAUnit(String text, Duration expected) throws SyntaxException {
        assertThat(DurationText.parse(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "5", "m", "5 minutes", "-5m", "1.5h", "5w", "PT5M"})
    void badInputNamesTheTextAndTheExpectedForm(String text) {
        assertThatThrownBy(() -> DurationText.parse(text))
                .isInstanceOf(SyntaxException.class)
                .hasMessage("'" + text + "' is not a duration (a number and a unit ms, s, m, h or d, e.g. 5m)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"99999999999999999999s", "106751991167301d", "9223372036854775807h"})
    void durationBeyondWhatJavaCanHoldIsTooLarge(String text) {
        assertThatThrownBy(() -> DurationText.parse(text))
                .isInstanceOf(SyntaxException.class)
                .hasMessageContaining("too large");
    }

    @ParameterizedTest
    @CsvSource({"PT0S, 0s", "PT0.25S, 250ms", "PT90S, 90s", "PT5M, 5m", "PT2H, 2h", "PT48H, 2d", "PT1M0.5S, 60500ms"})
    void formatUsesTheLargestUnitThatDividesTheDuration(Duration duration, String text) {
        assertThat(DurationText.format(duration)).isEqualTo(text);
    }

    @Test
    void formattedDurationParsesBack() throws SyntaxException {
        Duration d = Duration.ofMinutes(150);

        assertThat(DurationText.parse(DurationText.format(d))).isEqualTo(d);
    }
}
