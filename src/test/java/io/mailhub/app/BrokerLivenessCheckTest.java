package io.mailhub.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

class BrokerLivenessCheckTest {

    private static HealthCheck.State stateAfter(Duration down) {
        BrokerLivenessCheck check = new BrokerLivenessCheck(() -> down);
        check.setCamelContext(new DefaultCamelContext());
        return check.call().getState();
    }

    @Test
    void aBrokerTheHubIsStillRestartingLeavesTheHubAlive() {
        assertThat(stateAfter(Duration.ZERO)).isEqualTo(HealthCheck.State.UP);
        assertThat(stateAfter(Duration.ofSeconds(90))).isEqualTo(HealthCheck.State.UP);
    }

    @Test
    void aBrokerDownForLongerThanItsRestartsTakeAsksForAProcessRestart() {
        assertThat(stateAfter(BrokerLivenessCheck.GRACE.plusSeconds(1))).isEqualTo(HealthCheck.State.DOWN);
    }

    @Test
    void itIsALivenessCheckOnly() {
        BrokerLivenessCheck check = new BrokerLivenessCheck(() -> Duration.ZERO);
        assertThat(check.isLiveness()).isTrue();
        assertThat(check.isReadiness()).isFalse();
    }
}
