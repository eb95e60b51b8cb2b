package io.mailhub.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Content and addresses a hostile client crafts, against the packaged hub: NUL next to the end-of-data dot, octets that
 * are not UTF-8, and Unicode look-alikes of names the policy knows. Loopback is an untrusted client here; bank.test is
 * a local domain relayed to a real smtp-sink.
 */
class HostileContentIT {

    private static SmtpSink sink;
    private static HubProcess hub;

    @BeforeAll
    static void start() throws Exception {
        sink = SmtpSink.onFreePort().start();
        hub = new HubProcess(HubProcess.itDir("hostile-content"))
                .set("mailhub.relay.smarthost", "127.0.0.1:" + sink.port)
                .set("mailhub.relay.trusted-networks", "192.0.2.0/24")
                .set("mailhub.local-domains", "bank.test")
                .set("mailhub.limits.connections-per-minute", "0")
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        hub.close();
        sink.close();
    }

    private static byte[] bytes(String before, String hex, String after) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(before.getBytes(StandardCharsets.UTF_8));
        b.writeBytes(HexFormat.of().parseHex(hex.replace(" ", "")));
        b.writeBytes(after.getBytes(StandardCharsets.UTF_8));
        return b.toByteArray();
    }

    private static String utf8Command(RawSmtp smtp, String line) throws Exception {
        smtp.send((line + "\r\n").getBytes(StandardCharsets.UTF_8));
        return smtp.reply();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0d0a 00 2e 0d0a", "0d0a 2e 00 0d0a"})
    void nulNextToTheEndOfDataDotIsRefusedAndNothingIsRelayed(String smuggling) throws Exception {
        String marker = "nul-" + smuggling.replace(" ", "");
        try (RawSmtp smtp = RawSmtp.ehlo(hub.smtpPort)) {
            assertThat(smtp.command("MAIL FROM:<a@client.test>")).startsWith("250");
            assertThat(smtp.command("RCPT TO:<victim@bank.test>")).startsWith("250");
            assertThat(smtp.command("DATA")).startsWith("354");
            smtp.send(bytes("Subject: " + marker + "\r\n\r\nhello", smuggling,
                    "MAIL FROM:<evil@client.test>\r\nRCPT TO:<other@bank.test>\r\nDATA\r\nsmuggled\r\n.\r\n"));
            assertThat(smtp.reply()).startsWith("550 5.6.0");
            assertThat(smtp.command("QUIT")).startsWith("221");
        }
        try (RawSmtp smtp = RawSmtp.ehlo(hub.smtpPort)) { // a marker message behind it: the sink is up to date
            smtp.command("MAIL FROM:<a@client.test>");
            smtp.command("RCPT TO:<victim@bank.test>");
            smtp.command("DATA");
            assertThat(smtp.command("Subject: after-" + marker + "\r\n\r\nok\r\n.")).startsWith("250");
        }
        sink.awaitMessage("after-" + marker);
        assertThat(sink.messages()).noneMatch(m -> m.content().contains(marker + "\r\n") || m.content().contains("smuggled"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"fffe", "c0af", "eda080", "e9", "80"})
    void anAddressThatIsNotUtf8IsRefusedWith553AndNeverReachesTheNextHop(String hex) throws Exception {
        try (RawSmtp smtp = RawSmtp.ehlo(hub.smtpPort)) {
            assertThat(smtp.command("MAIL FROM:<a@client.test> SMTPUTF8")).startsWith("250");
            smtp.send(bytes("RCPT TO:<v", hex, "@bank.test>\r\n"));
            assertThat(smtp.reply()).startsWith("553 5.6.7");
            assertThat(smtp.command("RSET")).startsWith("250");
            smtp.send(bytes("MAIL FROM:<a", hex, "@client.test> SMTPUTF8\r\n"));
            assertThat(smtp.reply()).startsWith("553 5.6.7");
            assertThat(smtp.command("QUIT")).startsWith("221");
        }
        // the replacement character U+FFFD, as the sink's Latin-1 reading shows its UTF-8 octets
        assertThat(sink.messages()).noneMatch(m -> m.rcptArgs().stream().anyMatch(r -> r.contains("\u00EF\u00BF\u00BD")));
    }

    @Test
    void aLookAlikeOfALocalDomainIsThatDomainAndTheNextHopGetsItsRealName() throws Exception {
        try (RawSmtp smtp = RawSmtp.ehlo(hub.smtpPort)) {
            assertThat(smtp.command("MAIL FROM:<a@client.test> SMTPUTF8")).startsWith("250");
            assertThat(utf8Command(smtp, "RCPT TO:<victim@ban\u212Ak.test>")).startsWith("554 5.7.1"); // not bank.test
            assertThat(utf8Command(smtp, "RCPT TO:<victim@ban\u212A.test>")).startsWith("250");
            assertThat(smtp.command("DATA")).startsWith("354");
            assertThat(smtp.command("Subject: kelvin\r\n\r\nk\r\n.")).startsWith("250");
        }
        SinkMessage m = sink.awaitMessage("Subject: kelvin");
        assertThat(m.recipients()).containsExactly("victim@bank.test");
        assertThat(m.mailArgs()).doesNotContain("SMTPUTF8");
    }

    @Test
    void aLookAlikeOfPostmasterIsNotOurPostmaster() throws Exception {
        try (RawSmtp smtp = RawSmtp.ehlo(hub.smtpPort)) {
            assertThat(smtp.command("MAIL FROM:<a@client.test> SMTPUTF8")).startsWith("250");
            assertThat(utf8Command(smtp, "RCPT TO:<po\u017Ftma\u017Fter@hub.te\u017Ft>")).startsWith("554 5.7.1");
            assertThat(utf8Command(smtp, "RCPT TO:<postmaster@hub.te\u017Ft>")).as("the domain maps to ours")
                    .startsWith("250");
        }
    }
}
