package io.mailhub.relay.sts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code _mta-sts} TXT record of RFC 8461 section 3.1. */
class MtaStsRecordTest {

    @Test
    void theIdIsReadFromTheOneRecordThatBeginsWithTheVersion() {
        assertThat(MtaStsRecord.id(List.of("v=spf1 -all", "v=STSv1; id=20160831085700Z;")))
                .contains("20160831085700Z");
        assertThat(MtaStsRecord.id(List.of("v=STSv1;id=abc123"))).contains("abc123");
    }

    @Test
    void twoRecordsAMissingOrBadIdOrAnotherVersionMeanNoRecord() {
        assertThat(MtaStsRecord.id(List.of("v=STSv1; id=a;", "v=STSv1; id=b;"))).isEmpty();
        assertThat(MtaStsRecord.id(List.of("v=STSv1;"))).isEmpty();
        assertThat(MtaStsRecord.id(List.of("v=STSv1; id=has-dash;"))).isEmpty();
        assertThat(MtaStsRecord.id(List.of("v=STSv1; id=" + "a".repeat(33) + ";"))).isEmpty();
        assertThat(MtaStsRecord.id(List.of("v=STSv10; id=a;"))).isEmpty();
        assertThat(MtaStsRecord.id(List.of())).isEmpty();
    }
}
