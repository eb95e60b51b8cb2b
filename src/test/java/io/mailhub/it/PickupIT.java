package io.mailhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The pickup directory and {@code bin/sendmail} of the packaged hub, with smtp-sink as the next hop: files written the
 * way an ERP or a script writes them (NAME.tmp, then renamed) arrive, refused ones land in {@code .bad/} with a
 * one-line reason, a crash loses and duplicates nothing, and {@code sendmail} is piped into as Nagios and cron do.
 */
class PickupIT {

    private static HubProcess hub(Path work, SmtpSink sink, Path pickup) throws Exception {
        return new HubProcess(work).set("mailhub.relay.smarthost", "127.0.0.1:" + sink.port)
                .set("mailhub.pickup.dir", pickup).set("mailhub.pickup.senders", "nagios@ops.test,@erp.test")
                .set("mailhub.pickup.stable-time", "0s").set("mailhub.pickup.poll-interval", "200ms")
                .set("mailhub.retry.schedule", "1s").set("mailhub.relay.dead-destination-time", "1s");
    }

    /** Writes NAME.tmp and renames it, as writers should. */
    private static void drop(Path dir, String name, String content) throws Exception {
        Path tmp = dir.resolve(name + ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        Files.move(tmp, dir.resolve(name));
    }

    private static String reason(Path pickup, String name) throws Exception {
        return Files.readString(pickup.resolve(".bad").resolve(name + ".reason"), StandardCharsets.UTF_8);
    }

    @Test
    void filesArriveWithTheirEnvelopeAndRefusedOnesAreSetAsideWithTheirReason() throws Exception {
        Path work = HubProcess.itDir("pickup");
        Path pickup = work.resolve("pickup");
        try (SmtpSink sink = SmtpSink.onFreePort().start(); HubProcess hub = hub(work, sink, pickup).start()) {
            drop(pickup, "headers.eml", "From: ERP <invoices@erp.test>\nTo: ann@remote.test\nBcc: audit@remote.test\n"
                    + "Subject: pickup-headers\n\ninvoice 1\n");
            drop(pickup, "replay.eml", "X-Sender: <invoices@erp.test> RET=HDRS ENVID=inv2\n"
                    + "X-Receiver: <bob@remote.test> NOTIFY=FAILURE ORCPT=bob@remote.test\n"
                    + "X-Receiver: carol@remote.test\n"
                    + "From: invoices@erp.test\nTo: undisclosed-recipients:;\nSubject: pickup-replay\n\ninvoice 2\n");
            drop(pickup, "message.json", "{\"from\": \"invoices@erp.test\", \"to\": \"dave@remote.test\","
                    + " \"subject\": \"pickup-json\", \"text\": \"invoice 3\", \"tags\": [\"erp\"]}");
            Files.writeString(pickup.resolve("half-written.tmp"), "From: invoices@erp.test\nTo: x@remote.test\n");
            drop(pickup, "relay.eml", "From: someone@elsewhere.test\nTo: victim@remote.test\nSubject: spam\n\nx\n");
            drop(pickup, "broken.json", "{\"from\": \"invoices@erp.test\", \"to\": ");
            drop(pickup, "nul.eml", "From: invoices@erp.test\nTo: ann@remote.test\nSubject: nul\n\na\0b\n");
            drop(pickup, "envelope.eml", "X-Sender: <invoices@erp.test>\nX-Receiver: <bob@remote.test> FOO=1\n"
                    + "From: invoices@erp.test\n\nx\n");
            Path side = Files.writeString(pickup.resolve("sidecar.json.tmp"), "{\"envelope\": {\"mail_from\":"
                    + " \"bounces@erp.test\", \"rcpt_to\": [\"erin@remote.test\"]}}");
            Path eml = Files.writeString(pickup.resolve("sidecar.eml.tmp"), "From: invoices@erp.test\n"
                    + "To: someone-else@remote.test\nSubject: pickup-sidecar\n\ninvoice 4\n");
            Files.move(side, pickup.resolve("sidecar.json")); // the envelope first, then its message
            Files.move(eml, pickup.resolve("sidecar.eml"));
            drop(pickup, "badside.json", "{\"envelope\": {\"rcpt_to\": \"not-a-list\"}}");
            drop(pickup, "badside.eml", "From: invoices@erp.test\nTo: x@remote.test\nSubject: s\n\nx\n");

            SinkMessage headers = sink.awaitMessage("pickup-headers");
            assertThat(headers.recipients()).containsExactlyInAnyOrder("ann@remote.test", "audit@remote.test");
            assertThat(headers.content()).doesNotContainIgnoringCase("Bcc:").contains("with local");
            SinkMessage replay = sink.awaitMessage("pickup-replay");
            assertThat(replay.sender()).isEqualTo("invoices@erp.test");
            assertThat(replay.recipients()).containsExactlyInAnyOrder("bob@remote.test", "carol@remote.test");
            assertThat(replay.content()).doesNotContain("X-Sender").doesNotContain("X-Receiver");
            assertThat(sink.awaitMessage("pickup-json").recipients()).containsExactly("dave@remote.test");
            SinkMessage sidecar = sink.awaitMessage("pickup-sidecar");
            assertThat(sidecar.sender()).isEqualTo("bounces@erp.test");
            assertThat(sidecar.recipients()).containsExactly("erin@remote.test");

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(names(pickup.resolve(".bad")))
                    .containsExactlyInAnyOrder("relay.eml", "relay.eml.reason", "broken.json", "broken.json.reason",
                            "nul.eml", "nul.eml.reason", "envelope.eml", "envelope.eml.reason", "badside.json",
                            "badside.json.reason", "badside.eml", "badside.eml.reason"));
            assertThat(reason(pickup, "badside.eml")).startsWith("5.5.2 invalid-request: badside.json: field"
                    + " envelope.rcpt_to: must be an array");
            assertThat(reason(pickup, "relay.eml")).startsWith("5.7.1 sender-not-allowed:")
                    .contains("someone@elsewhere.test").endsWith("\n").hasLineCount(1);
            assertThat(reason(pickup, "broken.json")).startsWith("5.5.2 invalid-request:").hasLineCount(1);
            assertThat(reason(pickup, "nul.eml")).startsWith("5.6.0 content-refused:").contains("NUL");
            assertThat(reason(pickup, "envelope.eml")).startsWith("5.6.0 invalid-envelope: line 2 (X-Receiver)")
                    .contains("FOO");
            assertThat(names(pickup)).containsExactlyInAnyOrder(".bad", "half-written.tmp");
            assertThat(sink.messages()).noneMatch(m -> m.recipients().contains("victim@remote.test"));
            assertThat(hub.log()).contains("pickup: relay.eml refused, moved to .bad/: 5.7.1 sender-not-allowed");
        }
    }

    @Test
    void aHubKilledWhileItPicksUp500FilesDeliversEachExactlyOnceAfterARestart() throws Exception {
        Path work = HubProcess.itDir("pickup-crash");
        Path pickup = Files.createDirectories(work.resolve("pickup"));
        int files = 500;
        // the next hop is down until after the restart: a delivery cut off by the kill would otherwise arrive twice,
        // which is the relay's documented in-flight window, not the pickup door's
        try (SmtpSink sink = SmtpSink.onFreePort(); HubProcess hub = hub(work, sink, pickup)) {
            for (int i = 0; i < files; i++) {
                drop(pickup, "order-" + i + ".eml", "From: orders@erp.test\nTo: customer" + i + "@remote.test\n"
                        + "Subject: pickup-crash-" + i + "\n\norder " + i + "\n");
            }
            hub.start();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                    .until(() -> remaining(pickup) < files - 100);
            hub.kill();
            int left = remaining(pickup);
            assertThat(left).as("files left at the kill").isBetween(1, files - 100);

            hub.start();
            await().atMost(Duration.ofSeconds(120)).until(() -> remaining(pickup) == 0);
            sink.start();
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> sink.count() >= files);
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(30)).until(() -> sink.count() == files);
            Map<String, Long> arrivals = sink.arrivalsBySubject();
            assertThat(arrivals).hasSize(files);
            assertThat(arrivals.values()).allMatch(c -> c == 1, "each file arrives once");
            assertThat(names(pickup.resolve(".bad"))).isEmpty();
        }
    }

    @Test
    void sendmailTakesAPipedMessageAsNagiosAndCronSendItAndSaysWhenItCannot() throws Exception {
        Path work = HubProcess.itDir("sendmail");
        Path pickup = work.resolve("pickup");
        try (SmtpSink sink = SmtpSink.onFreePort().start(); HubProcess hub = hub(work, sink, pickup)) {
            hub.set("mailhub.pickup.sendmail-wait", "3s").start();
            // Nagios' notify-host-by-email: printf "%b" "..." | sendmail -t -i (here with -f, as its docs show)
            Sendmail nagios = sendmail(hub, "** PROBLEM Host Alert: web1 is DOWN **\n\nHost: web1\nState: DOWN\n.\n"
                    + "after a lone dot\n", "-t", "-i", "-f", "nagios@ops.test");
            assertThat(nagios.exit()).as(nagios.err()).isEqualTo(64); // -t without To: no recipient
            Sendmail withTo = sendmail(hub, "To: oncall@remote.test\nSubject: sendmail-nagios\n\nHost: web1\n.\n"
                    + "after a lone dot\n", "-t", "-i", "-f", "nagios@ops.test");
            assertThat(withTo.exit()).as(withTo.err()).isZero();
            SinkMessage m = sink.awaitMessage("sendmail-nagios");
            assertThat(m.sender()).isEqualTo("nagios@ops.test");
            assertThat(m.recipients()).containsExactly("oncall@remote.test");
            assertThat(m.body()).contains("after a lone dot"); // -i: a lone dot is text
            assertThat(m.header("From")).contains("nagios@ops.test");

            // cron: sendmail -FCronDaemon -i -B8BITMIME -oem user, the message ending at a lone dot without -i
            Sendmail cron = sendmail(hub, "Subject: sendmail-cron\n\ncron output\n.\nnot part of it\n",
                    "-FCron Daemon", "-B8BITMIME", "-oem", "-f", "nagios@ops.test", "root@remote.test");
            assertThat(cron.exit()).as(cron.err()).isZero();
            SinkMessage c = sink.awaitMessage("sendmail-cron");
            assertThat(c.header("From")).isEqualTo("Cron Daemon <nagios@ops.test>");
            assertThat(c.body()).contains("cron output").doesNotContain("not part of it");

            Sendmail forged = sendmail(hub, "Subject: x\n\nx\n", "-f", "ceo@bank.test", "a@remote.test");
            assertThat(forged.exit()).isEqualTo(77);
            assertThat(forged.err()).contains("refused: 5.7.1 sender-not-allowed");
            assertThat(sendmail(hub, "x\n", "-bs").exit()).isEqualTo(64);
            assertThat(sendmail(hub, "x\n", "-f", "nagios@ops.test", "not an address").exit()).isEqualTo(65);

            hub.stop(); // the hub is down: sendmail says 75 and leaves nothing behind for a second copy
            Sendmail down = sendmail(hub, "Subject: while down\n\nx\n", "-f", "nagios@ops.test", "a@remote.test");
            assertThat(down.exit()).isEqualTo(75);
            assertThat(down.err()).contains("did not take the message");
            assertThat(names(pickup)).containsExactly(".bad");
        }
    }

    record Sendmail(int exit, String err) {}

    /** Pipes {@code input} into bin/sendmail, with the hub's configuration in MAILHUB_* variables as a host has it. */
    private static Sendmail sendmail(HubProcess hub, String input, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of("bin/sendmail").toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("MAILHUB_JAR", HubProcess.jar().toString());
        pb.environment().put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        pb.environment().put("MAILHUB_CONFIG_DIR", hub.workDir().resolve("no-config").toString());
        for (String key : List.of("mailhub.pickup.dir", "mailhub.pickup.sendmail-wait", "mailhub.pickup.senders")) {
            String v = hub.property(key);
            if (v != null) {
                pb.environment().put(key.toUpperCase().replace('.', '_').replace('-', '_'), v);
            }
        }
        Process p = pb.start();
        p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Sendmail(p.exitValue(), err);
    }

    private static int remaining(Path pickup) throws Exception {
        try (Stream<Path> s = Files.list(pickup)) {
            return (int) s.filter(f -> f.getFileName().toString().endsWith(".eml")).count();
        }
    }

    private static List<String> names(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(f -> f.getFileName().toString()).toList();
        }
    }
}
