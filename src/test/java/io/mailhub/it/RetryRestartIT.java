package io.mailhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailhub.testing.Dnsmasq;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Retry state lives in the broker: messages half delivered (one recipient accepted, one answered 4xx) wait in
 * mail.outbound for their next attempt; the hub is killed with SIGKILL and restarted; once the failing exchanger
 * recovers, the pending recipient gets each message exactly once and the accepted one never gets it again.
 */
class RetryRestartIT {

    private static final int MESSAGES = 20;

    @Test
    void recipientsWaitingForARetrySurviveAKillNineAndAreDeliveredExactlyOnce() throws Exception {
        int port = Ports.free();
        try (Dnsmasq dns = Dnsmasq.builder()
                        .mx("ok.test", "mx.ok.test", 10).host("mx.ok.test", "127.0.0.31")
                        .mx("later.test", "mx.later.test", 10).host("mx.later.test", "127.0.0.32")
                        .start();
                SmtpSink ok = SmtpSink.on("127.0.0.31", port).start();
                HubProcess hub = new HubProcess(HubProcess.itDir("retry-restart"))) {
            SmtpSink busy = SmtpSink.on("127.0.0.32", port, "-r", "rcpt").start();
            SmtpSink later = SmtpSink.on("127.0.0.32", port);
            try {
                hub.set("mailhub.dns.servers", dns.setting()).set("mailhub.relay.port", port)
                        .set("mailhub.retry.schedule", "2s").start();
                List<String> subjects = new ArrayList<>();
                try (RawSmtp smtp = RawSmtp.ehlo(hub.smtpPort)) {
                    for (int i = 0; i < MESSAGES; i++) {
                        String subject = "retry-restart-" + i;
                        assertThat(smtp.command("MAIL FROM:<a@client.test>")).startsWith("250");
                        assertThat(smtp.command("RCPT TO:<now@ok.test>")).startsWith("250");
                        assertThat(smtp.command("RCPT TO:<soon@later.test>")).startsWith("250");
                        assertThat(smtp.command("DATA")).startsWith("354");
                        smtp.send("Subject: " + subject + "\r\n\r\nbody\r\n.\r\n");
                        assertThat(smtp.reply()).startsWith("250 2.0.0");
                        subjects.add(subject);
                    }
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> ok.count() >= MESSAGES);
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> countOf(hub.log(), "deferred after attempt") >= MESSAGES);

                hub.kill();
                busy.stop();
                later.start();
                hub.start();

                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                        .until(() -> later.count() >= MESSAGES);
                // past the next retry round (2 s), where a duplicate would show up: the counts must hold
                await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(30))
                        .until(() -> later.count() == MESSAGES && ok.count() == MESSAGES);
                assertThat(later.arrivalsBySubject()).as("the pending recipient, once each").hasSize(MESSAGES)
                        .allSatisfy((subject, n) -> assertThat(n).as(subject).isEqualTo(1L));
                assertThat(later.arrivalsBySubject().keySet()).containsExactlyInAnyOrderElementsOf(subjects);
                assertThat(later.messages()).allSatisfy(m -> assertThat(m.recipients()).containsExactly("soon@later.test"));
                assertThat(ok.arrivalsBySubject()).as("the accepted recipient, never again").hasSize(MESSAGES)
                        .allSatisfy((subject, n) -> assertThat(n).as(subject).isEqualTo(1L));
            } finally {
                busy.close();
                later.close();
            }
        }
    }


    private static int countOf(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
