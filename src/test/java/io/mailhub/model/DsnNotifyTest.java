package io.mailhub.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DsnNotifyTest {

    @Test
    void commaListIsParsedIgnoringCase() throws SyntaxException {
        assertThat(DsnNotify.parseList("success,Failure,DELAY"))
                .containsExactlyInAnyOrder(DsnNotify.SUCCESS, DsnNotify.FAILURE, DsnNotify.DELAY);
    }

    @Test
    void neverAloneIsAccepted() throws SyntaxException {
        assertThat(DsnNotify.parseList("NEVER")).containsExactly(DsnNotify.NEVER);
    }

    @ParameterizedTest
    @ValueSource(strings = {"NEVER,FAILURE", "SUCCESS,NEVER", "DELAY,NEVER,FAILURE"})
    void neverCannotBeCombinedWithOtherValues(String value) {
        assertThatThrownBy(() -> DsnNotify.parseList(value))
                .isInstanceOf(SyntaxException.class)
                .hasMessageContaining("NEVER cannot be combined");
    }

    @Test
    void repeatedValueIsRejected() {
        assertThatThrownBy(() -> DsnNotify.parseList("FAILURE,failure"))
                .isInstanceOf(SyntaxException.class)
                .hasMessageContaining("repeated");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "ALWAYS", "FAILURE,", ",DELAY"})
    void unknownOrEmptyValueIsRejected(String value) {
        assertThatThrownBy(() -> DsnNotify.parseList(value))
                .isInstanceOf(SyntaxException.class)
                .hasMessageContaining("bad NOTIFY value");
    }

    @Test
    void formatWritesACommaListThatParsesBack() throws SyntaxException {
        EnumSet<DsnNotify> set = EnumSet.of(DsnNotify.SUCCESS, DsnNotify.DELAY);

        assertThat(DsnNotify.format(set)).isEqualTo("SUCCESS,DELAY");
        assertThat(DsnNotify.parseList(DsnNotify.format(set))).isEqualTo(set);
    }
}
