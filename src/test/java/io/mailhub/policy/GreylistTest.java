package io.mailhub.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailhub.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Postgrey's rules: new triplets wait, retries after the delay pass and are remembered. */
class GreylistTest {

    private static final Greylist.Timing POSTGREY = new Greylist.Timing(Duration.ofMinutes(5), Duration.ofDays(2),
            Duration.ofDays(35));

    private final ManualClock clock = new ManualClock(Instant.parse("2026-12-01T00:00:00Z"));
    private final Greylist greylist = new Greylist(clock);

    private Greylist.Outcome attempt(String ip, String... recipients) {
        return greylist.attempt(ip, "Sender@Client.test", List.of(recipients), POSTGREY);
    }

    @Test
    void aNewTripletIsRefusedUntilTheDelayHasPassedAndThenPassesForItsLifetime() {
        assertThat(attempt("192.0.2.7", "ann@hub.test")).isEqualTo(new Greylist.Outcome(false, 300));
        clock.advance(Duration.ofMinutes(2));
        assertThat(attempt("192.0.2.7", "ann@hub.test")).isEqualTo(new Greylist.Outcome(false, 180));
        clock.advance(Duration.ofMinutes(3));
        assertThat(attempt("192.0.2.7", "ann@hub.test").pass()).isTrue();
        clock.advance(Duration.ofDays(30));
        assertThat(attempt("192.0.2.7", "ANN@hub.test").pass()).as("case does not matter").isTrue();
        clock.advance(Duration.ofDays(36));
        assertThat(attempt("192.0.2.7", "ann@hub.test").pass()).as("forgotten after its lifetime").isFalse();
    }

    @Test
    void theClientNetworkCountsNotItsAddressSoAPoolOfSendingHostsPassesTogether() {
        attempt("192.0.2.7", "ann@hub.test");
        attempt("2001:db8:1:2::25", "ann@hub.test");
        clock.advance(Duration.ofMinutes(5));

        assertThat(attempt("192.0.2.99", "ann@hub.test").pass()).isTrue();
        assertThat(attempt("2001:db8:1:2:ffff::1", "ann@hub.test").pass()).isTrue();
        assertThat(attempt("192.0.3.7", "ann@hub.test").pass()).as("another /24").isFalse();
        assertThat(Greylist.network("192.0.2.7")).isEqualTo("192.0.2");
        assertThat(Greylist.network("[2001:db8:1:2::25]")).isEqualTo("20:01:0d:b8:00:01:00:02");
    }

    @Test
    void aMessagePassesOnlyWhenEveryRecipientsTripletDoes() {
        attempt("192.0.2.7", "ann@hub.test");
        clock.advance(Duration.ofMinutes(5));

        assertThat(attempt("192.0.2.7", "ann@hub.test", "bob@hub.test")).isEqualTo(new Greylist.Outcome(false, 300));
        clock.advance(Duration.ofMinutes(5));
        assertThat(attempt("192.0.2.7", "ann@hub.test", "bob@hub.test").pass()).isTrue();
    }

    @Test
    void aRetryAfterTheWindowStartsOver() {
        attempt("192.0.2.7", "ann@hub.test");
        clock.advance(Duration.ofDays(3));

        assertThat(attempt("192.0.2.7", "ann@hub.test")).isEqualTo(new Greylist.Outcome(false, 300));
    }
}
