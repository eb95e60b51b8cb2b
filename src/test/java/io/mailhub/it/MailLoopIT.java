package io.mailhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A message that has made too many hops is refused, and a hub whose next hop is itself never starts a storm. */
class MailLoopIT {

    private static final String RECEIVED = "Received: from a.test by b.test; Fri, 1 Mar 2024 12:00:00 +0000\r\n";

    @Test
    void moreThanFiftyReceivedFieldsAreRefusedWith554AtEndOfData() throws Exception {
        try (SmtpSink sink = SmtpSink.onFreePort().start();
                HubProcess hub = new HubProcess(HubProcess.itDir("hops"))
                        .set("mailhub.relay.smarthost", "127.0.0.1:" + sink.port).start();
                RawSmtp smtp = RawSmtp.ehlo(hub.smtpPort)) {
            for (int hops : new int[] {51, 50}) {
                assertThat(smtp.command("MAIL FROM:<a@client.test>")).startsWith("250");
                assertThat(smtp.command("RCPT TO:<hops" + hops + "@remote.test>")).startsWith("250");
                assertThat(smtp.command("DATA")).startsWith("354");
                String reply = smtp.command(RECEIVED.repeat(hops) + "Subject: loop?\r\n\r\nx\r\n.");
                assertThat(reply).startsWith(hops > 50 ? "554 5.4.6" : "250 2.0.0");
            }
            sink.awaitMessage("Subject: loop?");
            assertThat(sink.messages()).singleElement()
                    .satisfies(m -> assertThat(m.recipients()).containsExactly("hops50@remote.test"));
        }
    }

    @Test
    void aHubWhoseSmartHostIsItselfFailsTheMailWith546InsteadOfCirclingIt() throws Exception {
        try (HubProcess hub = new HubProcess(HubProcess.itDir("self"))) {
            hub.set("mailhub.relay.smarthost", "127.0.0.1:" + hub.smtpPort).start();
            Swaks.Result r = Swaks.run(hub.smtpPort, "-f", "a@client.test", "-t", "b@remote.test");
            assertThat(r.transcript()).contains("queued as");

            await().atMost(Duration.ofSeconds(15)).until(() -> hub.log().contains("loops back to myself"));
            // the original, and its bounce to a@client.test (which loops too and ends as a double bounce): no storm
            await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(7)).untilAsserted(() ->
                    assertThat(hub.log().split("\\(queued\\)", -1).length - 1).isLessThanOrEqualTo(2));
            assertThat(hub.log()).contains("dsn=5.4.6, status=failed (554 5.4.6 mail for 127.0.0.1 loops back to myself)");
        }
    }
}
