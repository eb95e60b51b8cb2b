package io.mailhub.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailhub.model.MailAddress;
import io.mailhub.model.Recipient;
import io.mailhub.testing.ManualClock;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RateLimitsTest {

    private record Facts(InetAddress clientAddress, String authUser) implements SessionFacts {
        @Override
        public String helo() {
            return "client.test";
        }

        @Override
        public boolean tls() {
            return true;
        }
    }

    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final RateLimits limits = new RateLimits(2, 2, 3, networks("10.0.0.0/8"), clock);
    private final Facts stranger = new Facts(address("192.0.2.7"), null);
    private final Facts alice = new Facts(address("192.0.2.8"), "alice");
    private final MailAddress sender = new MailAddress("alice", "example.test");
    private final Recipient bob = Recipient.of(new MailAddress("bob", "example.test"));

    private static NetworkList networks(String text) {
        try {
            return NetworkList.parse(text);
        } catch (io.mailhub.model.SyntaxException e) {
            throw new AssertionError(e);
        }
    }

    private static InetAddress address(String a) {
        try {
            return InetAddress.getByName(a);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theConnectionOverTheLimitIsRefusedWith421UntilTheMinuteHasPassed() {
        assertThat(limits.connect(stranger).isReject()).isFalse();
        assertThat(limits.connect(stranger).isReject()).isFalse();
        HookResult third = limits.connect(stranger);

        assertThat(third.reply().toString()).isEqualTo(
                "421 4.7.0 Error: too many connections from [192.0.2.7] (limit 2 per minute), try again later");
        assertThat(limits.connect(alice).isReject()).as("another address has its own count").isFalse();
        clock.advance(Duration.ofSeconds(61));
        assertThat(limits.connect(stranger).isReject()).isFalse();
    }

    @Test
    void messagesAndRecipientsAreCountedPerLoggedInUserPerHour() {
        assertThat(limits.mail(alice, sender).isReject()).isFalse();
        assertThat(limits.mail(alice, sender).isReject()).isFalse();
        assertThat(limits.mail(alice, sender).reply().toString())
                .isEqualTo("450 4.7.1 Error: too many messages from user alice (limit 2 per hour), try again later");
        for (int i = 0; i < 3; i++) {
            assertThat(limits.rcpt(alice, sender, bob).isReject()).isFalse();
        }
        assertThat(limits.rcpt(alice, sender, bob).reply().toString()).startsWith("450 4.7.1 Error: too many recipients"
                + " from user alice (limit 3 per hour)");
        assertThat(limits.counters()).containsEntry("messages alice", 2).containsEntry("recipients alice", 3);

        clock.advance(Duration.ofMinutes(61));
        assertThat(limits.mail(alice, sender).isReject()).isFalse();
        limits.sweep();
        assertThat(limits.counters()).containsOnlyKeys("messages alice");
    }

    @Test
    void trustedNetworksAndClientsWithoutLoginAreNotCountedPerUser() {
        Facts trusted = new Facts(address("10.1.2.3"), "alice");
        for (int i = 0; i < 10; i++) {
            assertThat(limits.connect(trusted).isReject()).isFalse();
            assertThat(limits.mail(trusted, sender).isReject()).isFalse();
            assertThat(limits.mail(stranger, sender).isReject()).isFalse();
        }
        assertThat(limits.counters()).isEmpty();
    }

    @Test
    void aLimitOfZeroIsOff() {
        RateLimits off = new RateLimits(0, 0, 0, networks(""), clock);
        for (int i = 0; i < 100; i++) {
            assertThat(off.connect(stranger).isReject()).isFalse();
            assertThat(off.mail(alice, sender).isReject()).isFalse();
        }
    }
}
