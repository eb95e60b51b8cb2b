package io.mailhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A real Postfix as next hop that takes two recipients per transaction (smtpd_recipient_limit, "452 4.5.3 too many
 * recipients") and answers one recipient 552: the hub sends the rest in further transactions, and a 552 to RCPT is a
 * deferral (RFC 5321 section 4.5.3.1.10), never a bounce.
 */
class RecipientLimitIT {

    @Test
    void recipientsOverTheNextHopsLimitAreDeliveredInFurtherTransactionsAnd552IsDeferred() throws Exception {
        try (SmtpSink behind = SmtpSink.onFreePort().start();
                PostfixPeer postfix = PostfixPeer.start(behind.port, "smtpd_recipient_limit = 2",
                        "smtpd_recipient_restrictions = check_recipient_access"
                                + " inline:{ { full@remote.test = 552 5.2.2 mailbox full } }, permit_mynetworks, reject");
                HubProcess hub = new HubProcess(HubProcess.itDir("rcpt-limit"))
                        .set("mailhub.relay.smarthost", "127.0.0.1:" + postfix.port)
                        .set("mailhub.retry.schedule", "1h").start()) {
            List<String> recipients = List.of("r1@remote.test", "r2@remote.test", "r3@remote.test", "r4@remote.test",
                    "r5@remote.test");
            Swaks.Result r = Swaks.run(hub.smtpPort, "-f", "a@client.test", "-t",
                    String.join(",", recipients) + ",full@remote.test");
            assertThat(r.transcript()).contains("queued as");

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                    behind.messages().stream().flatMap(m -> m.recipients().stream()).toList())
                    .as(postfix.log()).containsExactlyInAnyOrderElementsOf(recipients));
            await().atMost(Duration.ofSeconds(10)).until(() -> hub.log().contains("to=<full@remote.test>"));
            assertThat(hub.log()).contains("to=<full@remote.test>").containsPattern(
                    "to=<full@remote.test>, relay=[^,]+, delay=[0-9.]+, dsn=4\\.2\\.2, status=deferred \\(452 4\\.2\\.2")
                    .doesNotContain("dsn=5.2.2");
            assertThat(behind.messages()).as("two recipients per transaction at the limited Postfix").hasSize(3);
        }
    }
}
