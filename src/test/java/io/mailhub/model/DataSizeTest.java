package io.mailhub.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DataSizeTest {

    @ParameterizedTest
    @CsvSource({
        "26214400, 26214400",
        "0, 0",
        "100B, 100",
        "1K, 1024",
        "512KB, 524288",
        "512KiB, 524288",
        "25MB, 26214400",
        "25 mb, 26214400",
        "' 2M ', 2097152",
        "1GB, 1073741824",
        "1GiB, 1073741824",
        "4G, 4294967296"
    })
    void unitsAreBinary(String text, long octets) throws SyntaxException {
        assertThat(DataSize.parse(text)).isEqualTo(octets);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "MB", "-1", "1.5MB", "10 TB", "ten", "1MBB", "1 000"})
    void textThatIsNotASizeIsRejectedWithExamples(String text) {
        assertThatThrownBy(() -> DataSize.parse(text))
                .isInstanceOf(SyntaxException.class)
                .hasMessageContaining("'" + text + "' is not a size")
                .hasMessageContaining("25MB");
    }

    @ParameterizedTest
    @ValueSource(strings = {"99999999999999999999", "9007199254740992KB", "9999999999GB"})
    void sizeBeyondALongIsTooLarge(String text) {
        assertThatThrownBy(() -> DataSize.parse(text))
                .isInstanceOf(SyntaxException.class)
                .hasMessageContaining("too large");
    }
}
