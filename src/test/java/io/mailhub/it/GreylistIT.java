package io.mailhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Greylisting at RCPT ({@code mailhub.greylist=on}) against swaks, the way Postgrey works behind Postfix: the first
 * attempt hears 451 4.7.1 at RCPT, before any data; a retry after the delay is accepted, and the policy route's own
 * {@code mailhub:greylist} lets it through at once because it shares the store. Delivered once, and remembered across
 * a restart (the store's file in the data directory). The client is on
 * 127.0.0.1, so the trusted networks are set elsewhere and the recipient's domain is local.
 */
class GreylistIT {

    @Test
    void theFirstAttemptIsRefusedAtRcptAndARetryAfterTheDelayIsAcceptedAndDeliveredOnce() throws Exception {
        Path work = HubProcess.itDir("greylist");
        Path routes = Files.createDirectories(work.resolve("routes"));
        Files.writeString(routes.resolve("policy.camel.yaml"), """
                - route:
                    id: policy
                    from:
                      uri: direct:policy
                      steps:
                        - to: "mailhub:greylist?delay=2s"
                """);
        try (SmtpSink sink = SmtpSink.onFreePort().start(); HubProcess hub = new HubProcess(work)
                .set("mailhub.greylist", "on").set("mailhub.greylist.delay", "2s")
                .set("mailhub.relay.trusted-networks", "192.0.2.0/24").set("mailhub.local-domains", "grey.test")
                .set("mailhub.routes.dir", routes).set("mailhub.relay.smarthost", "127.0.0.1:" + sink.port).start()) {
            long firstTry = System.nanoTime();
            Swaks.Result first = Swaks.run(hub.smtpPort, "--helo", "client.test", "--from", "a@client.test",
                    "--to", "ann@grey.test", "--header", "Subject: greylisted at rcpt");

            assertThat(first.replyTo("RCPT TO")).isEqualTo("451 4.7.1 Greylisted, try again in 2 seconds");
            assertThat(first.transcript()).as("no data sent").doesNotContain("354");
            List<Swaks.Result> retries = new CopyOnWriteArrayList<>();
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).until(() -> {
                Swaks.Result r = Swaks.run(hub.smtpPort, "--helo", "client.test", "--from", "a@client.test", "--to",
                        "ann@grey.test", "--header", "Subject: greylisted at rcpt");
                retries.add(r);
                return r.exitCode() == 0;
            });
            assertThat((System.nanoTime() - firstTry) / 1_000_000).as("accepted only after the delay")
                    .isGreaterThanOrEqualTo(2_000);
            assertThat(retries).as("refused at RCPT until the delay, never after the data by the route's greylist")
                    .allSatisfy(r -> {
                        if (r.exitCode() != 0) {
                            assertThat(r.replyTo("RCPT TO")).startsWith("451 4.7.1 Greylisted");
                        }
                    });
            assertThat(retries.get(retries.size() - 1).transcript()).doesNotContain("451");
            sink.awaitMessage("greylisted at rcpt");
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> sink.messages().stream()
                    .filter(m -> m.content().contains("greylisted at rcpt")).count() == 1);
            assertThat(hub.log()).contains("greylisting at RCPT (delay 2s, window 2d, lifetime 35d)");

            // a restart forgets nothing: the sender that passed is not delayed again, a new one still is
            hub.stop();
            hub.start();
            assertThat(hub.log()).contains("greylist: 1 triplets read from " + work.resolve("data")
                    .resolve("greylist.tsv"));
            Swaks.Result known = Swaks.run(hub.smtpPort, "--helo", "client.test", "--from", "a@client.test",
                    "--to", "ann@grey.test", "--header", "Subject: known after the restart");
            assertThat(known.exitCode()).as(known.transcript()).isZero();
            Swaks.Result stranger = Swaks.run(hub.smtpPort, "--helo", "client.test", "--from", "b@client.test",
                    "--to", "ann@grey.test", "--header", "Subject: new after the restart");
            assertThat(stranger.replyTo("RCPT TO")).isEqualTo("451 4.7.1 Greylisted, try again in 2 seconds");
            sink.awaitMessage("known after the restart");
        }
    }
}
