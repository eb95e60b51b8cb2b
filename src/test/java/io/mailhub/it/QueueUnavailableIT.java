package io.mailhub.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * When mail cannot be stored the client hears why at MAIL time, never 250: 452 4.3.1 for a disk without room, 451 4.3.0
 * for an unreachable broker; the hub keeps running.
 */
class QueueUnavailableIT {

    @Test
    void aNearlyFullDiskIsAnsweredWith452AtMail() throws Exception {
        try (HubProcess hub = new HubProcess(HubProcess.itDir("diskfull"))) {
            hub.set("mailhub.relay.smarthost", "127.0.0.1:9").set("mailhub.queue.min-free-space", "1000000GB")
                    .start(false);
            assertThat(hub.health()).contains("DOWN");

            Swaks.Result r = Swaks.run(hub.smtpPort, "-f", "a@client.test", "-t", "b@remote.test");
            assertThat(r.replyTo("MAIL FROM")).startsWith("452 4.3.1 Insufficient system storage");
            assertThat(r.transcript()).doesNotContain("queued as");
        }
    }

    @Test
    void anUnreachableExternalBrokerIsAnsweredWith451AndTheHubStaysUp() throws Exception {
        try (HubProcess hub = new HubProcess(HubProcess.itDir("nobroker"))) {
            hub.set("mailhub.relay.smarthost", "127.0.0.1:9")
                    .set("mailhub.broker.url", "tcp://127.0.0.1:" + Ports.free()).start(false);

            for (int i = 0; i < 2; i++) {
                Swaks.Result r = Swaks.run(hub.smtpPort, "-f", "a@client.test", "-t", "b@remote.test");
                assertThat(r.replyTo("MAIL FROM")).as(r.transcript()).startsWith("451 4.3.0");
                assertThat(r.transcript()).doesNotContain("queued as");
            }
            assertThat(hub.health()).contains("DOWN");
        }
    }
}
