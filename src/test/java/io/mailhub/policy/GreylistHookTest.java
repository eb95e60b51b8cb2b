package io.mailhub.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailhub.model.MailAddress;
import io.mailhub.model.Recipient;
import io.mailhub.model.SmtpReply;
import io.mailhub.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Greylisting at RCPT: a new triplet waits, a retry after the delay passes, logins and trusted networks never wait. */
class GreylistHookTest {

    private final ManualClock clock = new ManualClock(Instant.parse("2026-12-01T10:00:00Z"));
    private final GreylistHook hook = new GreylistHook(new Greylist(clock), new Greylist.Timing(Duration.ofMinutes(5),
            Duration.ofDays(2), Duration.ofDays(35)), trusted("10.0.0.0/8"));
    private final MailAddress sender = new MailAddress("a", "client.test");
    private final Recipient ann = Recipient.of(new MailAddress("ann", "local.test"));

    private static NetworkList trusted(String networks) {
        try {
            return NetworkList.parse(networks);
        } catch (io.mailhub.model.SyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static SessionFacts client(String ip, String login) {
        return io.mailhub.testing.TestSessions.of(ip, login, "smtp");
    }

    @Test
    void aNewTripletIsRefusedForNowAndARetryAfterTheDelayFromTheSameNetworkPasses() throws Exception {
        HookResult first = hook.rcpt(client("198.51.100.7", null), sender, ann);
        clock.advance(Duration.ofMinutes(1));
        HookResult early = hook.rcpt(client("198.51.100.7", null), sender, ann);
        clock.advance(Duration.ofMinutes(5));
        HookResult later = hook.rcpt(client("198.51.100.9", null), sender, ann); // another host of the same /24

        assertThat(first.reply()).isEqualTo(SmtpReply.of(451, "4.7.1", "Greylisted, try again in 300 seconds"));
        assertThat(early.reply()).isEqualTo(SmtpReply.of(451, "4.7.1", "Greylisted, try again in 240 seconds"));
        assertThat(later.kind()).isEqualTo(HookResult.Kind.NEXT);
    }

    @Test
    void aLoggedInClientOrOneFromATrustedNetworkNeverWaits() throws Exception {
        assertThat(hook.rcpt(client("198.51.100.7", "erp"), sender, ann).kind()).isEqualTo(HookResult.Kind.NEXT);
        assertThat(hook.rcpt(client("10.1.2.3", null), sender, ann).kind()).isEqualTo(HookResult.Kind.NEXT);
    }

    @Test
    void theNullSenderIsATripletOfItsOwn() throws Exception {
        HookResult bounce = hook.rcpt(client("198.51.100.7", null), null, ann);

        assertThat(bounce.isReject()).isTrue();
        assertThat(bounce.reply().toWire()).startsWith("451 4.7.1 Greylisted");
    }
}
