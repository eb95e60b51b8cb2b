package io.mailhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A hub on a pair of standalone brokers (the 2.56.0 distribution) sharing one store, as artemis/README.md describes:
 * the primary is killed (SIGKILL) while mail arrives and is delivered; the backup takes the store over, the hub finds
 * it through {@code mailhub.broker.url}'s list by itself, and every message the hub answered 250 for reaches the next
 * hop. Messages in flight at the kill may arrive twice (the documented window), none is lost.
 */
class BrokerFailoverIT {

    private static final String SHARED_STORE = """
                <ha-policy>
                  <shared-store>
                    <%s>
                      %s
                    </%s>
                  </shared-store>
                </ha-policy>
                <security-settings>""";

    private static String withHaPolicy(String xml, String role, String option) {
        assertThat(xml).contains("<security-settings>");
        return xml.replaceFirst("<security-settings>", SHARED_STORE.formatted(role, option, role));
    }

    @Test
    void whenThePrimaryBrokerDiesTheHubGoesOnWithTheBackupAndLosesNoAcknowledgedMessage() throws Exception {
        Path work = HubProcess.itDir("broker-failover");
        Path store = Files.createDirectories(work.resolve("shared-store"));
        try (StandaloneBroker primary = StandaloneBroker.create(work.resolve("primary"), "mailhub", "pass")
                        .brokerXml(xml -> withHaPolicy(xml, "primary",
                                "<failover-on-shutdown>true</failover-on-shutdown>"))
                        .javaArgs("-Dmailhub.data.dir=" + store).run();
                StandaloneBroker backup = StandaloneBroker.create(work.resolve("backup"), "mailhub", "pass")
                        .brokerXml(xml -> withHaPolicy(xml, "backup", "<allow-failback>false</allow-failback>"))
                        .javaArgs("-Dmailhub.data.dir=" + store).runAsBackup();
                SmtpSink sink = SmtpSink.onFreePort().start();
                HubProcess hub = new HubProcess(work.resolve("hub"))) {
            hub.set("mailhub.broker.url", "(tcp://127.0.0.1:" + primary.port + ",tcp://127.0.0.1:" + backup.port + ")")
                    .set("mailhub.relay.smarthost", "127.0.0.1:" + sink.port).set("mailhub.retry.schedule", "2s")
                    .set("mailhub.relay.trusted-networks", "127.0.0.0/8").start();
            List<String> acknowledged = new CopyOnWriteArrayList<>();
            AtomicInteger refused = new AtomicInteger();
            AtomicBoolean sending = new AtomicBoolean(true);
            Thread client = new Thread(() -> {
                for (int i = 0; sending.get() || i < 40; i++) {
                    String rcpt = "m" + i + "@remote.test";
                    if (send(hub.smtpPort, rcpt)) {
                        acknowledged.add(rcpt);
                    } else {
                        refused.incrementAndGet();
                        sleep(200); // a client that got 4xx tries later
                    }
                }
            });
            client.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= 20);

            primary.kill();
            await().atMost(Duration.ofSeconds(60)).until(() -> backup.log().contains("AMQ221010"));
            int atKill = acknowledged.size();
            await().atMost(Duration.ofSeconds(90)).until(() -> acknowledged.size() >= atKill + 20);
            sending.set(false);
            client.join(120_000);

            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                    assertThat(sink.arrivalsByRecipient().keySet()).containsAll(acknowledged));
            Map<String, Long> twice = sink.arrivalsByRecipient().entrySet().stream().filter(e -> e.getValue() > 1)
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
            assertThat(twice.size()).as("delivered twice (in flight at the kill): %s", twice).isLessThanOrEqualTo(20);
            assertThat(hub.isAlive()).isTrue();
            assertThat(hub.health()).contains("\"UP\"");
            System.out.printf("failover: %d acknowledged, %d refused for now, %d delivered twice%n",
                    acknowledged.size(), refused.get(), twice.size());
        }
    }

    /** One message in one SMTP session; whether it got 250 at the end of its data. */
    private static boolean send(int port, String rcpt) {
        try (RawSmtp smtp = RawSmtp.ehlo(port)) {
            if (!smtp.command("MAIL FROM:<a@client.test>").startsWith("250")
                    || !smtp.command("RCPT TO:<" + rcpt + ">").startsWith("250")
                    || !smtp.command("DATA").startsWith("354")) {
                return false;
            }
            return smtp.command("Subject: " + rcpt + "\r\n\r\nbody\r\n.").startsWith("250");
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
