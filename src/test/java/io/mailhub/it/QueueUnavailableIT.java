package io.mailhub.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * When mail cannot be stored a new SMTP session hears why at once, never 250: 421 4.3.2 naming a disk without room or an
 * unavailable queue (a session already open hears 452 4.3.1 or 451 4.3.0 at MAIL); the HTTP API answers 503 with
 * Retry-After and the enhanced status of the cause (4.3.1, 4.3.0), never 202; the hub keeps running.
 */
class QueueUnavailableIT {

    @Test
    void aNearlyFullDiskIsAnsweredWith421AtConnectAnd503ByTheApi() throws Exception {
        HubProcess hub = new HubProcess(HubProcess.itDir("diskfull"));
        String key = HubProcess.createApiKey(hub.workDir().resolve("keys"), "shop", "--from", "@client.test");
        try (hub) {
            hub.set("mailhub.relay.smarthost", "127.0.0.1:9").set("mailhub.queue.min-free-space", "1000000GB")
                    .set("mailhub.api.keys-file", hub.workDir().resolve("keys")).start(false);
            assertThat(hub.health()).contains("DOWN");

            Swaks.Result r = Swaks.run(hub.smtpPort, "-f", "a@client.test", "-t", "b@remote.test");
            assertThat(r.greeting()).isEqualTo("421 4.3.2 hub.test Service not available, insufficient system"
                    + " storage; try again later");
            assertThat(r.transcript()).doesNotContain("queued as");

            Curl.Response api = send(hub, key);
            assertThat(api.status()).as(api.toString()).isEqualTo(503);
            assertThat(Long.parseLong(api.header("Retry-After"))).isPositive();
            assertThat(api.json().get("type").asText()).isEqualTo("/problems/insufficient-storage");
            assertThat(api.json().get("enhanced_status").asText()).isEqualTo("4.3.1");
        }
    }

    @Test
    void anUnreachableExternalBrokerIsAnsweredWith421AtConnectAndTheHubStaysUp() throws Exception {
        HubProcess hub = new HubProcess(HubProcess.itDir("nobroker"));
        String key = HubProcess.createApiKey(hub.workDir().resolve("keys"), "shop", "--from", "@client.test");
        try (hub) {
            hub.set("mailhub.relay.smarthost", "127.0.0.1:9")
                    .set("mailhub.api.keys-file", hub.workDir().resolve("keys"))
                    .set("mailhub.broker.url", "tcp://127.0.0.1:" + Ports.free()).start(false);

            for (int i = 0; i < 2; i++) {
                Swaks.Result r = Swaks.run(hub.smtpPort, "-f", "a@client.test", "-t", "b@remote.test");
                assertThat(r.greeting()).as(r.transcript()).isEqualTo("421 4.3.2 hub.test Service not available,"
                        + " mail queue unavailable; try again later");
                assertThat(r.transcript()).doesNotContain("queued as");

                Curl.Response api = send(hub, key);
                assertThat(api.status()).as(api.toString()).isEqualTo(503);
                assertThat(api.header("Retry-After")).isNotNull();
                assertThat(api.json().get("enhanced_status").asText()).isEqualTo("4.3.0");
            }
            assertThat(hub.health()).contains("DOWN");
        }
    }

    private static Curl.Response send(HubProcess hub, String key) throws Exception {
        return Curl.request("POST", hub.url("/api/v1/messages")).bearer(key)
                .json("{\"from\": \"a@client.test\", \"to\": \"b@remote.test\", \"text\": \"x\"}").send();
    }
}
