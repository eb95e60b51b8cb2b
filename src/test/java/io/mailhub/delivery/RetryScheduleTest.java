package io.mailhub.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailhub.model.SyntaxException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetryScheduleTest {

    @Test
    void stepsAreTakenInOrderWithRepeatsExpanded() throws SyntaxException {
        RetrySchedule schedule = RetrySchedule.parse("5m, 10m, 1h*4, 2h");

        assertThat(schedule.delayAfter(1)).isEqualTo(Duration.ofMinutes(5));
        assertThat(schedule.delayAfter(2)).isEqualTo(Duration.ofMinutes(10));
        for (int attempt = 3; attempt <= 6; attempt++) {
            assertThat(schedule.delayAfter(attempt)).as("after attempt %d", attempt).isEqualTo(Duration.ofHours(1));
        }
        assertThat(schedule.delayAfter(7)).isEqualTo(Duration.ofHours(2));
    }

    @Test
    void lastStepRepeatsUntilTheLifetimeEnds() throws SyntaxException {
        RetrySchedule schedule = RetrySchedule.parse("5m, 10m, 1h*4, 2h");

        assertThat(schedule.delayAfter(8)).isEqualTo(Duration.ofHours(2));
        assertThat(schedule.delayAfter(1000)).isEqualTo(Duration.ofHours(2));
        assertThat(schedule.delayAfter(Integer.MAX_VALUE)).isEqualTo(Duration.ofHours(2));
    }

    @Test
    void singleStepIsUsedForEveryAttempt() throws SyntaxException {
        RetrySchedule schedule = RetrySchedule.parse("15m");

        assertThat(schedule.delayAfter(1)).isEqualTo(Duration.ofMinutes(15));
        assertThat(schedule.delayAfter(50)).isEqualTo(Duration.ofMinutes(15));
    }

    @Test
    void attemptCountBelowOneGetsTheFirstStep() throws SyntaxException {
        assertThat(RetrySchedule.parse("1m, 2m").delayAfter(0)).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void spacesAroundStepsAndStarsAreAllowed() throws SyntaxException {
        RetrySchedule schedule = RetrySchedule.parse("  30s ,1m * 2,  90s ");

        assertThat(schedule.delayAfter(1)).isEqualTo(Duration.ofSeconds(30));
        assertThat(schedule.delayAfter(3)).isEqualTo(Duration.ofMinutes(1));
        assertThat(schedule.delayAfter(4)).isEqualTo(Duration.ofSeconds(90));
        assertThat(schedule).hasToString("30s ,1m * 2,  90s");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "5m, 10x, 1h      | step 2 '10x': '10x' is not a duration",
        "5m,,1h           | step 2 '' is empty",
        "''               | step 1 '' is empty",
        "5m, 10m,         | step 3 '' is empty",
        "1h*x             | step 1 '1h*x': the repeat count after '*' must be a whole number",
        "5m, 1h*0         | step 2 '1h*0': the repeat count must be between 1 and 1000",
        "1h*1001          | step 1 '1h*1001': the repeat count must be between 1 and 1000",
        "*4               | step 1 '*4': '' is not a duration",
        "5m, 0s           | step 2 '0s': a retry delay must be longer than zero",
        "5m, -1m          | step 2 '-1m': '-1m' is not a duration",
        "1h*2*2           | step 1 '1h*2*2': the repeat count after '*' must be a whole number"
    })
    void malformedStepIsNamedByPositionAndText(String text, String message) {
        assertThatThrownBy(() -> RetrySchedule.parse(text))
                .isInstanceOf(SyntaxException.class)
                .hasMessageStartingWith(message);
    }
}
