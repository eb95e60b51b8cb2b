package io.mailhub.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The open-relay battery (the address tricks of the classic relay testers, RFC 2505 section 2): from 127.0.0.1, which
 * is outside the trusted networks here and not logged in, every recipient outside the local domain {@code hub.test}
 * must be refused, and a recipient that is accepted must reach the next hop exactly as a {@code hub.test} address,
 * never rewritten towards another domain.
 */
class OpenRelayIT {

    static SmtpSink sink;
    static HubProcess hub;

    @BeforeAll
    static void start() throws Exception {
        sink = SmtpSink.onFreePort().start();
        hub = new HubProcess(HubProcess.itDir("open-relay"))
                .set("mailhub.relay.smarthost", "127.0.0.1:" + sink.port)
                .set("mailhub.relay.trusted-networks", "192.0.2.0/24")
                .set("mailhub.local-domains", "hub.test")
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        Started.closeAll(hub, sink);
    }

    /** Forward paths that try to make a local-looking address deliver elsewhere, or a foreign one pass as local. */
    static final List<String> TRICKS = List.of(
            "<victim@remote.test>",
            "<victim@REMOTE.test>",
            "<victim%remote.test@hub.test>",                 // percent hack
            "<remote.test!victim@hub.test>",                 // bang path
            "<victim%remote.test@[127.0.0.1]>",
            "<@hub.test:victim@remote.test>",                // source route through us
            "<@hub.test,@other.test:victim@remote.test>",
            "<\"victim@remote.test\">",                      // quoted, no domain
            "<\"victim@remote.test\"@hub.test>",             // quoted local part
            "<\"victim%remote.test\"@hub.test>",
            "<victim@remote.test@hub.test>",
            "<victim@hub.test@remote.test>",
            "<victim@remote.test.>",                         // trailing dot
            "<victim@hub.test.>",
            "<victim@hub.test.remote.test>",                 // local domain as a prefix
            "<victim@xhub.test>",                            // local domain as a suffix
            "<victim@[127.0.0.1]>",                          // IP literals
            "<victim@[IPv6:::1]>",
            "<victim@[192.0.2.1]>",
            "victim@remote.test",                            // no angle brackets
            "<victim@remote.test> NOTIFY=NEVER",
            "<victim\\@remote.test@hub.test>",
            "<victim@remote.test%hub.test>");

    @Test
    void noAddressTrickRelaysAndWhatIsAcceptedStaysInTheLocalDomain() throws Exception {
        String marker = UUID.randomUUID().toString();
        List<String> accepted = new ArrayList<>();
        List<String> verdicts = new ArrayList<>();
        try (RawSmtp s = RawSmtp.ehlo(hub.smtpPort)) {
            assertThat(s.command("MAIL FROM:<tester@client.test>")).startsWith("250");
            for (String path : TRICKS) {
                String reply = s.command("RCPT TO:" + path);
                verdicts.add(path + " -> " + reply);
                if (reply.startsWith("250")) {
                    accepted.add(path);
                } else {
                    assertThat(reply).as(path).matches("(554 5\\.7\\.1 .*Relay access denied|501 5\\.1\\.3 .*|555 5\\.5\\.4 .*)");
                }
            }
            assertThat(s.command("RCPT TO:<postmaster@hub.test>")).startsWith("250");
            assertThat(s.command("DATA")).startsWith("354");
            assertThat(s.command("Subject: " + marker + "\r\n\r\nrelay test\r\n.")).startsWith("250");
        }
        // every foreign destination was refused
        assertThat(verdicts).filteredOn(v -> v.startsWith("<victim@remote.test>") || v.startsWith("<@hub.test:")
                        || v.startsWith("<victim@[127.0.0.1]>") || v.startsWith("<victim@xhub.test>"))
                .allMatch(v -> v.contains("554 5.7.1"), "refused as relay");
        SinkMessage m = sink.awaitMessage(marker);
        // what the hub accepted, it passes on unchanged and only to hub.test
        assertThat(m.recipients()).hasSize(accepted.size() + 1).allSatisfy(r -> assertThat(
                r.toLowerCase(Locale.ROOT)).as("delivered recipient; verdicts:\n%s", String.join("\n", verdicts))
                .matches(".*@hub\\.test\\.?"));
    }
}
