package io.mailhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Spam scoring with the real rspamd (Debian's package, started privately): mail from an untrusted client on port 25
 * is scored before the 250. GTUBE is refused in the session, a score over the quarantine threshold is held, ham is
 * delivered with our X-Spam-Status (and never the sender's own); with rspamd gone, mail is accepted marked unchecked.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SpamFilterIT {

    private static final String GTUBE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";

    private static Rspamd rspamd;
    private static SmtpSink sink;
    private static HubProcess hub;

    @BeforeAll
    static void start() throws Exception {
        Path dir = HubProcess.itDir("spam");
        rspamd = Rspamd.start(dir.resolve("rspamd"));
        sink = SmtpSink.onFreePort().start();
        hub = new HubProcess(dir).set("mailhub.relay.smarthost", "127.0.0.1:" + sink.port)
                .set("mailhub.relay.trusted-networks", "192.0.2.0/24") // loopback clients are strangers here
                .set("mailhub.local-domains", "hub.test")
                .set("mailhub.spam.rspamd", rspamd.url())
                .set("mailhub.spam.quarantine-score", "8")
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        Started.closeAll(hub, sink, rspamd);
    }

    private static Swaks.Result send(String subject, String body, String... headers) throws Exception {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("-f", "ann@client.test", "-t",
                "bob@hub.test", "--header", "Subject: " + subject, "--body", body));
        for (String h : headers) {
            args.addAll(java.util.List.of("--add-header", h));
        }
        return Swaks.run(hub.smtpPort, args.toArray(new String[0]));
    }

    @Test
    @Order(1)
    void gtubeIsRefusedAtTheEndOfData() throws Exception {
        String marker = UUID.randomUUID().toString();
        Swaks.Result r = send(marker, "buy now\n" + GTUBE + "\n");

        assertThat(r.replyTo(".")).isEqualTo("550 5.7.1 Message refused as spam");
        assertThat(hub.log()).contains("rspamd score=15.00 action=reject symbols=[GTUBE]");
        assertThat(sink.messages()).noneMatch(m -> m.content().contains(marker));
    }

    @Test
    @Order(2)
    void hamIsDeliveredWithOurVerdictAndNeverTheSendersOwn() throws Exception {
        String marker = UUID.randomUUID().toString();
        Swaks.Result r = send(marker, "Hello Bob,\nlunch tomorrow?\n", "X-Spam-Status: No, score=-100 (trust me)");

        assertThat(r.replyTo(".")).startsWith("250 2.0.0");
        SinkMessage m = sink.awaitMessage(marker);
        assertThat(m.headers("X-Spam-Status")).singleElement().asString().startsWith("No, score=")
                .contains("filter=rspamd").doesNotContain("trust me");
        assertThat(m.headers("X-Spam-Action")).containsExactly("no action");
    }

    @Test
    @Order(3)
    void mailOverTheQuarantineScoreIsStoredButHeld() throws Exception {
        String marker = UUID.randomUUID().toString();
        Swaks.Result r = send("MAILHUB-TEST-ADD-HEADER " + marker, "x\n");

        assertThat(r.replyTo(".")).startsWith("250 2.0.0");
        await().atMost(Duration.ofSeconds(20)).until(() -> hub.log().contains("held in mail.hold (decided before the queue)"));
        assertThat(hub.log()).containsPattern("score=1\\d\\.\\d\\d action=add header symbols=\\[[^]]*MAILHUB_TEST_ADD_HEADER");
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> sink.messages().stream().noneMatch(m -> m.content().contains(marker)));
    }

    @Test
    @Order(4)
    void withTheFilterGoneMailIsAcceptedMarkedUnchecked() throws Exception {
        rspamd.kill();
        String marker = UUID.randomUUID().toString();
        Swaks.Result r = send(marker, "x\n");

        assertThat(r.replyTo(".")).startsWith("250 2.0.0");
        assertThat(sink.awaitMessage(marker).headers("X-Spam-Status"))
                .containsExactly("Unchecked (rspamd unavailable)");
    }
}
