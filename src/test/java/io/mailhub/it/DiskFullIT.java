package io.mailhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged hub with its data directory on a 64 MB tmpfs that the test fills up: new mail is refused (421 4.3.2 at
 * connect, 452 4.3.1 at MAIL in a session opened before), the hub heals by itself when space returns, and every message
 * it acknowledged is delivered exactly once. The same for the disk of a standalone broker, which the hub asks about.
 */
class DiskFullIT {

    private static final String BIG = "Subject: big\r\n\r\n" + ("Y".repeat(76) + "\r\n").repeat(20_000); // 1.5 MB

    private Path work;
    private Path bigMessage;

    @BeforeEach
    void needsRoot() throws Exception {
        assumeTrue(Tmpfs.canMount(), "mounting a tmpfs needs root (.ci/run runs as root)");
        work = HubProcess.itDir("disk");
        bigMessage = Files.writeString(work.resolve("big.eml"), BIG, StandardCharsets.US_ASCII);
    }

    /** 421 4.3.2 at connect for a new session, or 452 4.3.1 at MAIL for one that began while there was room. */
    private static boolean refusedForWantOfRoom(Swaks.Result r) {
        return r.greeting().startsWith("421 4.3.2") && r.greeting().contains("insufficient system storage")
                || r.replyTo("MAIL FROM").startsWith("452 4.3.1");
    }

    private static Swaks.Result send(HubProcess hub, String rcpt, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("-f", "a@client.test", "-t", rcpt));
        args.addAll(List.of(extra));
        return Swaks.run(hub.smtpPort, args.toArray(String[]::new));
    }

    private static boolean queued(Swaks.Result r) {
        return r.transcript().contains("queued as");
    }

    /** Waits until each recipient has arrived at the sink, then checks that none arrives twice. */
    private static void assertDeliveredExactlyOnce(SmtpSink sink, List<String> recipients) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(sink.arrivalsByRecipient().keySet()).containsAll(recipients));
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(sink.arrivalsByRecipient()).allSatisfy((rcpt, n) -> assertThat(n).as(rcpt).isEqualTo(1L)));
    }


    /**
     * Sends until the hub refuses for want of room; what it still stored on the way (before its next reading of the
     * disk) joins {@code acknowledged}.
     */
    private static void sendUntilRefused(HubProcess hub, List<String> acknowledged, Duration limit) {
        int[] attempt = {0};
        await().atMost(limit).until(() -> {
            String rcpt = "while-full-" + ++attempt[0] + "@remote.test";
            Swaks.Result r = send(hub, rcpt);
            if (queued(r)) {
                acknowledged.add(rcpt);
            }
            return refusedForWantOfRoom(r);
        });
    }

    /** Frees the disk and starts the next hop: mail is accepted again within a minute, and all of it arrives once. */
    private static void freeAndExpectRecovery(Tmpfs disk, SmtpSink sink, HubProcess hub, List<String> acknowledged)
            throws Exception {
        disk.release();
        sink.start();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> queued(send(hub, "after@remote.test")));
        acknowledged.add("after@remote.test");
        assertDeliveredExactlyOnce(sink, acknowledged);
    }

    @Test
    void aFullDataDiskIsRefusedAtMailAndTheHubHealsWhenSpaceReturnsWithoutLosingAcknowledgedMail() throws Exception {
        try (Tmpfs disk = new Tmpfs(work.resolve("disk"), "64m"); SmtpSink sink = SmtpSink.onFreePort();
                HubProcess hub = new HubProcess(work)) {
            hub.set("mailhub.data.dir", disk.path().resolve("data")).set("mailhub.queue.min-free-space", "16MB")
                    .set("mailhub.relay.smarthost", "127.0.0.1:" + sink.port).set("mailhub.retry.schedule", "2s")
                    .set("mailhub.relay.dead-destination-time", "0s").start();
            List<String> acknowledged = new ArrayList<>();
            for (int i = 1; i <= 3; i++) { // large messages: retries copy them, delivery reads them via the stream cache
                assertThat(queued(send(hub, "big" + i + "@remote.test", "--data", "@" + bigMessage))).isTrue();
                acknowledged.add("big" + i + "@remote.test");
                assertThat(queued(send(hub, "small" + i + "@remote.test"))).isTrue();
                acknowledged.add("small" + i + "@remote.test");
            }

            disk.fill();
            sendUntilRefused(hub, acknowledged, Duration.ofSeconds(10)); // the guard reads the disk once a second
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(hub.health()).contains("452 4.3.1").contains("delivery is paused"));
            assertThat(hub.http("/observe/health/live")).contains("\"UP\"");
            Scrape full = Scrape.of(hub);
            assertThat(full.sum("mailhub_queue_storage_full")).isEqualTo(1);
            assertThat(full.sum("mailhub_delivery_paused")).isEqualTo(1);
            assertThat(full.sum("mailhub_queue_disk_free_bytes")).isLessThan(full.sum("mailhub_queue_disk_min_free_bytes"));
            // retries come due every 2 s while the disk stays full: the hub keeps running and answering
            await().during(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(10)).until(hub::isAlive);
            assertThat(send(hub, "still-full@remote.test").greeting()).startsWith("421 4.3.2")
                    .contains("insufficient system storage");

            freeAndExpectRecovery(disk, sink, hub, acknowledged);
            assertThat(hub.log()).contains("delivery paused").contains("delivery resumes");
            assertThat(Scrape.of(hub).sum("mailhub_queue_storage_full")).isZero();
        }
    }

    @Test
    void aFullDiskOfAStandaloneBrokerIsRefusedLikeAFullDataDiskAndDeliveryWaitsUntilTheBrokerHasRoom()
            throws Exception {
        try (Tmpfs disk = new Tmpfs(work.resolve("broker-disk"), "128m");
                StandaloneBroker broker = StandaloneBroker.create(work.resolve("broker"), "mailhub", "broker pass")
                        .brokerXml(xml -> xml) // max-disk-usage 95, disk-full-policy FAIL
                        .javaArgs("-Dmailhub.data.dir=" + disk.path()).run();
                SmtpSink sink = SmtpSink.onFreePort(); HubProcess hub = new HubProcess(work.resolve("hub"))) {
            hub.set("mailhub.broker.url", "tcp://127.0.0.1:" + broker.port)
                    .set("mailhub.relay.smarthost", "127.0.0.1:" + sink.port).set("mailhub.retry.schedule", "2s")
                    .set("mailhub.relay.dead-destination-time", "0s").start();
            List<String> acknowledged = new ArrayList<>();
            for (int i = 1; i <= 3; i++) { // deferred: the next hop is not started yet, so retries come due every 2 s
                assertThat(queued(send(hub, "before" + i + "@remote.test"))).isTrue();
                acknowledged.add("before" + i + "@remote.test");
            }

            disk.fillLeaving(2 * 1024 * 1024); // 98% used: past broker.xml's max-disk-usage
            sendUntilRefused(hub, acknowledged, Duration.ofSeconds(15)); // the broker's scan, then the hub's question
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(hub.health())
                    .contains("the broker's disk is full").contains("452 4.3.1").contains("delivery is paused"));
            assertThat(Scrape.of(hub).sum("mailhub_queue_storage_full")).as("the data disk has room; the broker's not")
                    .isEqualTo(1);
            assertThat(hub.http("/observe/health/live")).contains("\"UP\"");
            await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(8)).until(hub::isAlive);
            assertThat(hub.log()).contains("the broker's disk is full").contains("delivery paused");

            freeAndExpectRecovery(disk, sink, hub, acknowledged);
            assertThat(hub.log()).contains("the broker's disk has room again").contains("delivery resumes");
            assertThat(broker.log()).as("the broker never met a failed write").doesNotContain("AMQ222010");
            // retries that came due before delivery paused were refused by the full broker: one line each, no trace
            assertThat(hub.log()).doesNotContain("Exhausted after delivery attempt").doesNotContain("\tat org.apache");
        }
    }

    @Test
    void aBrokerThatStopsOnAFullDiskIsStartedAgainByTheHub() throws Exception {
        // limits turned off on purpose (no guard, no broker disk limit), so that the broker really meets ENOSPC
        String brokerXml = Files.readString(Path.of("artemis/broker.xml"))
                .replace("<max-disk-usage>95</max-disk-usage>", "<max-disk-usage>100</max-disk-usage>");
        Path config = Files.writeString(work.resolve("broker.xml"), brokerXml);
        try (Tmpfs disk = new Tmpfs(work.resolve("disk"), "64m"); SmtpSink sink = SmtpSink.onFreePort();
                HubProcess hub = new HubProcess(work)) {
            hub.set("mailhub.data.dir", disk.path().resolve("data")).set("mailhub.queue.min-free-space", "0")
                    .set("mailhub.broker.config", config).set("mailhub.relay.smarthost", "127.0.0.1:" + sink.port)
                    .set("mailhub.retry.schedule", "2s").set("mailhub.relay.dead-destination-time", "0s").start();
            List<String> acknowledged = new ArrayList<>();
            assertThat(queued(send(hub, "before@remote.test"))).isTrue();
            acknowledged.add("before@remote.test");

            disk.fillLeaving(2200 * 1024); // room for one copy of the large message, not for its retry's second copy
            Swaks.Result big = send(hub, "big@remote.test", "--data", "@" + bigMessage);
            if (queued(big)) {
                acknowledged.add("big@remote.test");
            } else {
                assertThat(big.transcript()).contains("451 4.3.0"); // the broker stopped while storing it
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> hub.log().contains("AMQ222010"));
            await().atMost(Duration.ofSeconds(30)).until(() -> hub.log().contains("the embedded broker runs again"));

            freeAndExpectRecovery(disk, sink, hub, acknowledged);
            assertThat(hub.isAlive()).isTrue();
        }
    }

    @Test
    void aDiskThatFillsInTheMiddleOfDataGets452AfterTheDataAndTheSessionStaysUsable() throws Exception {
        try (Tmpfs disk = new Tmpfs(work.resolve("disk"), "64m"); HubProcess hub = new HubProcess(work)) {
            hub.set("mailhub.data.dir", disk.path().resolve("data")).set("mailhub.queue.min-free-space", "512KB")
                    .set("mailhub.relay.smarthost", "127.0.0.1:9").start();
            disk.fillLeaving(1024 * 1024);

            try (RawSmtp smtp = RawSmtp.ehlo(hub.smtpPort)) {
                assertThat(smtp.command("MAIL FROM:<a@client.test>")).startsWith("250");
                assertThat(smtp.command("RCPT TO:<b@remote.test>")).startsWith("250");
                assertThat(smtp.command("DATA")).startsWith("354");
                smtp.send(BIG + BIG + ".\r\n"); // 3 MB: the spool file meets ENOSPC after about 1 MB
                assertThat(smtp.reply()).startsWith("452 4.3.1 Insufficient system storage");
                assertThat(smtp.command("RSET")).startsWith("250");
                assertThat(smtp.command("MAIL FROM:<a@client.test>")).startsWith("250");
                assertThat(smtp.command("RCPT TO:<b@remote.test>")).startsWith("250");
                assertThat(smtp.command("DATA")).startsWith("354");
                assertThat(smtp.command("Subject: small\r\n\r\nfits in memory\r\n.")).startsWith("250 2.0.0 Ok: queued");
                assertThat(smtp.command("QUIT")).startsWith("221");
            }
            String log = hub.log();
            assertThat(log).containsOnlyOnce("cannot spool a message being received");
            assertThat(log).doesNotContain("UncheckedIOException").doesNotContain("\tat io.mailhub.ingress");
        }
    }
}
