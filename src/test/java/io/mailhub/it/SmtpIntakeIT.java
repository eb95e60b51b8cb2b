package io.mailhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged hub between two real peers: {@code swaks} (and raw sockets) as the client, Postfix's
 * {@code smtp-sink} as the smart host, the embedded Artemis broker in between.
 */
class SmtpIntakeIT {

    static SmtpSink sink;
    static HubProcess hub;

    @BeforeAll
    static void start() throws Exception {
        sink = SmtpSink.onFreePort().start();
        hub = new HubProcess(HubProcess.itDir("intake"))
                .set("mailhub.relay.smarthost", "127.0.0.1:" + sink.port)
                .set("mailhub.relay.trusted-networks", "127.0.0.1/32")
                .set("mailhub.local-domains", "hub.test")
                .set("mailhub.max-message-size", 300_000)
                .set("mailhub.smtp.idle-timeout", "3s")
                .set("mailhub.smtp.max-connections", 30)
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        Started.closeAll(hub, sink);
    }

    private static SinkMessage awaitDelivery(String marker) {
        List<SinkMessage> found = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            found.clear();
            sink.messages().stream().filter(m -> m.content().contains(marker)).forEach(found::add);
            return !found.isEmpty();
        });
        return found.get(0);
    }

    private static List<SinkMessage> deliveredWith(String marker) {
        return sink.messages().stream().filter(m -> m.content().contains(marker)).toList();
    }

    @Test
    void aMessageFromSwaksIsQueuedAndRelayedToTheSmartHostWithAReceivedHeader() throws Exception {
        String marker = UUID.randomUUID().toString();
        Swaks.Result r = Swaks.run(hub.smtpPort, "-f", "alice@client.test", "-t", "bob@remote.test,carol@remote.test",
                "--header", "Subject: " + marker, "--body", "hello " + marker);

        assertThat(r.exitCode()).as(r.transcript()).isZero();
        assertThat(r.replyTo("DATA")).startsWith("354");
        assertThat(r.transcript()).containsPattern("250 2\\.0\\.0 Ok: queued as [0-9A-Z]{14}");

        SinkMessage m = awaitDelivery(marker);
        assertThat(m.sender()).isEqualTo("alice@client.test");
        assertThat(m.recipients()).containsExactly("bob@remote.test", "carol@remote.test");
        List<String> received = m.headers("Received");
        assertThat(received).hasSizeGreaterThanOrEqualTo(2);
        assertThat(received.get(1)).contains("from client.test").contains("by hub.test").contains("with ESMTP id");
        assertThat(m.header("Subject")).isEqualTo(marker);
        assertThat(m.body()).contains("hello " + marker);
    }

    @Test
    void messageIdAndDateAreAddedWhenTheClientLeftThemOut() throws Exception {
        String marker = UUID.randomUUID().toString();
        try (RawSmtp s = RawSmtp.ehlo(hub.smtpPort)) {
            assertThat(s.command("MAIL FROM:<a@client.test>")).startsWith("250 2.1.0");
            assertThat(s.command("RCPT TO:<b@remote.test>")).startsWith("250 2.1.5");
            assertThat(s.command("DATA")).startsWith("354");
            assertThat(s.command("Subject: " + marker + "\r\n\r\nno id, no date\r\n.")).startsWith("250 2.0.0");
        }
        SinkMessage m = awaitDelivery(marker);
        assertThat(m.header("Message-ID")).matches("<[^@>]+@hub\\.test>");
        assertThat(m.header("Date")).matches("\\w{3}, \\d{1,2} \\w{3} \\d{4} \\d{2}:\\d{2}:\\d{2} [+-]\\d{4}.*");
    }

    @Test
    void dsnParametersAreAcceptedAndPassedToTheNextHop() throws Exception {
        String marker = UUID.randomUUID().toString();
        try (RawSmtp s = RawSmtp.ehlo(hub.smtpPort)) {
            assertThat(s.command("MAIL FROM:<a@client.test> RET=HDRS ENVID=env+2Bid")).startsWith("250 2.1.0");
            assertThat(s.command("RCPT TO:<b@remote.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;b@remote.test"))
                    .startsWith("250 2.1.5");
            assertThat(s.command("DATA")).startsWith("354");
            assertThat(s.command("Subject: " + marker + "\r\n\r\nbody\r\n.")).startsWith("250 2.0.0");
        }
        SinkMessage m = awaitDelivery(marker);
        assertThat(m.mailArgs()).contains("RET=HDRS").contains("ENVID=env+2Bid");
        assertThat(m.rcptArgs().get(0)).containsPattern("NOTIFY=(SUCCESS,FAILURE|FAILURE,SUCCESS)")
                .contains("ORCPT=rfc822;b@remote.test");
    }

    @Test
    void ehloAdvertisesTheExtensionsOfTheContract() throws Exception {
        try (RawSmtp s = new RawSmtp(hub.smtpPort)) {
            assertThat(s.reply()).startsWith("220 hub.test ESMTP");
            String ehlo = s.command("EHLO client.test");
            assertThat(ehlo.lines().map(l -> l.substring(4)).toList())
                    .contains("PIPELINING", "SIZE 300000", "8BITMIME", "ENHANCEDSTATUSCODES", "SMTPUTF8", "CHUNKING",
                            "DSN");
        }
    }

    @Test
    void relayingFromAnUntrustedAddressIsDeniedButLocalDomainsAreAccepted() throws Exception {
        Swaks.Result denied = Swaks.run(hub.smtpPort, "--local-interface", "127.0.0.2", "-f", "x@outside.test",
                "-t", "victim@elsewhere.test");
        assertThat(denied.replyTo("RCPT TO")).startsWith("554 5.7.1");

        String marker = UUID.randomUUID().toString();
        Swaks.Result local = Swaks.run(hub.smtpPort, "--local-interface", "127.0.0.2", "-f", "x@outside.test",
                "-t", "postmaster@hub.test", "--header", "Subject: " + marker);
        assertThat(local.replyTo("RCPT TO")).startsWith("250 2.1.5");
        assertThat(local.exitCode()).as(local.transcript()).isZero();
        assertThat(awaitDelivery(marker).recipients()).containsExactly("postmaster@hub.test");
    }

    @Test
    void protocolErrorsGetExactRepliesWithEnhancedCodes() throws Exception {
        try (RawSmtp s = new RawSmtp(hub.smtpPort)) {
            s.reply();
            assertThat(s.command("MAIL FROM:<a@client.test>")).startsWith("503 5.5.1");
            assertThat(s.command("EHLO client.test")).startsWith("250");
            assertThat(s.command("FROB")).startsWith("500 5.5.1");
            assertThat(s.command("RCPT TO:<b@remote.test>")).startsWith("503 5.5.1");
            assertThat(s.command("MAIL FROM a@client.test")).startsWith("501 5.5.4");
            assertThat(s.command("MAIL FROM:a@client.test")).as("like Postfix").startsWith("501 5.1.7");
            assertThat(s.command("MAIL FROM:<a@client.test> FROB=1")).startsWith("555 5.5.4");
            assertThat(s.command("NOOP " + "x".repeat(510))).as("512 octets is the command line limit")
                    .startsWith("500 5.5.2");
            assertThat(s.command("MAIL FROM:<a@client.test> ENVID=" + "e".repeat(1200)))
                    .as("MAIL may grow by what its extensions allow (RFC 1870, 3461), no further").startsWith("500 5.5.2");
            assertThat(s.command("MAIL FROM:<a@client.test>")).startsWith("250 2.1.0");
            assertThat(s.command("MAIL FROM:<a@client.test>")).startsWith("503 5.5.1");
            assertThat(s.command("DATA")).as("like Postfix: 554 once MAIL was given (RFC 2920 3.1)")
                    .startsWith("554 5.5.1");
            assertThat(s.command("RSET")).startsWith("250 2.0.0");
            assertThat(s.command("DATA")).as("wrong order").startsWith("503 5.5.1");
            assertThat(s.command("VRFY bob")).startsWith("252 2.0.0");
            assertThat(s.command("HELP")).startsWith("214");
            assertThat(s.command("NOOP")).startsWith("250 2.0.0");
            assertThat(s.command("RSET")).startsWith("250 2.0.0");
            assertThat(s.command("QUIT")).startsWith("221 2.0.0");
        }
    }

    @Test
    void theHundredAndFirstRecipientIsRefusedWith452() throws Exception {
        try (RawSmtp s = RawSmtp.ehlo(hub.smtpPort)) {
            s.command("MAIL FROM:<a@client.test>");
            for (int i = 1; i <= 100; i++) {
                assertThat(s.command("RCPT TO:<r" + i + "@remote.test>")).startsWith("250 2.1.5");
            }
            assertThat(s.command("RCPT TO:<r101@remote.test>")).startsWith("452 4.5.3");
        }
    }

    @Test
    void messagesOverTheSizeLimitAreRefusedAtMailAndAtEndOfData() throws Exception {
        try (RawSmtp s = RawSmtp.ehlo(hub.smtpPort)) {
            assertThat(s.command("MAIL FROM:<a@client.test> SIZE=300001")).startsWith("552 5.3.4");
            assertThat(s.command("MAIL FROM:<a@client.test> SIZE=1000")).startsWith("250 2.1.0");
            s.command("RCPT TO:<b@remote.test>");
            assertThat(s.command("DATA")).startsWith("354");
            String line = "x".repeat(998) + "\r\n";
            s.send("Subject: big\r\n\r\n" + line.repeat(310));
            assertThat(s.command(".")).startsWith("552 5.3.4");
            assertThat(s.command("NOOP")).as("the session goes on").startsWith("250");
        }
    }

    @Test
    void longLinesAreRelayedIntactUpToTheHardLimitAndRefusedBeyondIt() throws Exception {
        String marker = UUID.randomUUID().toString();
        String longLine = marker + "y".repeat(5000);
        try (RawSmtp s = RawSmtp.ehlo(hub.smtpPort)) {
            s.command("MAIL FROM:<a@client.test>");
            s.command("RCPT TO:<b@remote.test>");
            s.command("DATA");
            assertThat(s.command("Subject: long\r\n\r\n" + longLine + "\r\n.")).startsWith("250 2.0.0");

            s.command("MAIL FROM:<a@client.test>");
            s.command("RCPT TO:<b@remote.test>");
            s.command("DATA");
            assertThat(s.command("Subject: too long\r\n\r\n" + "z".repeat(70_000) + "\r\n.")).startsWith("552 5.3.4");
        }
        assertThat(awaitDelivery(marker).body()).contains(longLine);
    }

    @Test
    void eachSmugglingVariantIsRefusedAndNeverRelayed() throws Exception {
        String[] variants = {"\n.\n", "\n.\r\n", "\r\n.\n", "\r.\r", "\r\n.\r"};
        for (String v : variants) {
            String marker = UUID.randomUUID().toString();
            try (RawSmtp s = RawSmtp.ehlo(hub.smtpPort)) {
                s.command("MAIL FROM:<a@client.test>");
                s.command("RCPT TO:<b@remote.test>");
                assertThat(s.command("DATA")).startsWith("354");
                s.send("Subject: outer " + marker + "\r\n\r\nouter" + v
                        + "MAIL FROM:<smuggled@client.test>\r\nRCPT TO:<victim@remote.test>\r\nDATA\r\n"
                        + "Subject: smuggled " + marker + "\r\n\r\nsmuggled\r\n.\r\n");
                String reply = s.reply();
                assertThat(reply).as("variant %s", v.replace("\r", "\\r").replace("\n", "\\n")).startsWith("550 5.5.2");
                assertThat(s.command("NOOP")).as("nothing was smuggled into the command stream").startsWith("250 2.0.0");
            }
            // give a wrongly accepted message the chance to show up before the absence check
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> deliveredWith(marker).isEmpty());
            assertThat(deliveredWith(marker)).as("variant %s", v.replace("\r", "\\r").replace("\n", "\\n")).isEmpty();
        }
    }

    @Test
    void dotStuffedLinesArriveUnstuffedAndBdatChunksAreJoined() throws Exception {
        String marker = UUID.randomUUID().toString();
        try (RawSmtp s = RawSmtp.ehlo(hub.smtpPort)) {
            s.command("MAIL FROM:<a@client.test>");
            s.command("RCPT TO:<b@remote.test>");
            s.command("DATA");
            assertThat(s.command("Subject: dots " + marker + "\r\n\r\n..leading dot\r\n...\r\n.")).startsWith("250 2.0.0");

            String chunk1 = "Subject: bdat " + marker + "\r\n\r\nfirst ";
            String chunk2 = "second\r\n";
            s.command("MAIL FROM:<a@client.test>");
            s.command("RCPT TO:<b@remote.test>");
            s.send("BDAT " + chunk1.length() + "\r\n" + chunk1);
            assertThat(s.reply()).startsWith("250 2.0.0");
            s.send("BDAT " + chunk2.length() + " LAST\r\n" + chunk2);
            assertThat(s.reply()).startsWith("250 2.0.0 Ok: queued as");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> deliveredWith(marker).size() == 2);
        SinkMessage dots = deliveredWith("dots " + marker).get(0);
        assertThat(dots.body()).contains(".leading dot").doesNotContain("..leading").containsPattern("(?m)^\\.\\.\r?$");
        assertThat(deliveredWith("bdat " + marker).get(0).body()).contains("first second");
    }

    @Test
    void anIdleClientIsDisconnectedWith421() throws Exception {
        try (RawSmtp s = RawSmtp.ehlo(hub.smtpPort)) {
            long start = System.nanoTime();
            assertThat(s.reply()).startsWith("421 4.4.2");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofSeconds(2));
            assertThat(s.closedByServer()).isTrue();
        }
    }

    @Test
    void connectionsBeyondTheLimitAreTurnedAwayWith421() throws Exception {
        List<RawSmtp> open = new ArrayList<>();
        try {
            String reply = "";
            for (int i = 0; i < 40 && !reply.startsWith("421"); i++) {
                RawSmtp s = new RawSmtp(hub.smtpPort);
                open.add(s);
                reply = s.reply();
            }
            assertThat(reply).startsWith("421 4.7.0");
            assertThat(open).hasSizeLessThanOrEqualTo(31);
        } finally {
            for (RawSmtp s : open) {
                s.close();
            }
        }
    }

    @Test
    void healthReportsUp() {
        assertThat(hub.health()).contains("\"status\"").contains("UP");
    }
}
