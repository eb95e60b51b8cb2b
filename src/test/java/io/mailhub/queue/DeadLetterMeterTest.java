package io.mailhub.queue;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DeadLetterMeterTest {

    @Test
    void theReasonLabelIsOneWordFromTheDeadReasonHeader() {
        assertThat(DeadLetterMeter.reason("double bounce: <a@b.test> (550 5.1.1)")).isEqualTo("double_bounce");
        assertThat(DeadLetterMeter.reason("notice too large: 60 MB")).isEqualTo("notice_too_large");
        assertThat(DeadLetterMeter.reason("egress failed: webhook answered 410")).isEqualTo("egress_failed");
        assertThat(DeadLetterMeter.reason("something new")).isEqualTo("other");
        assertThat(DeadLetterMeter.reason(null)).isEqualTo("other");
    }

    @Test
    void theHeaderItReadsIsTheOneTheBounceStageWrites() {
        assertThat(DeadLetterMeter.DEAD_REASON).isEqualTo(io.mailhub.bounce.BounceStage.DEAD_REASON);
    }
}
