package io.mailhub.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailhub.testing.Dnsmasq;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SPF, DKIM and DMARC on the packaged hub's port-25 listener against real DNS (dnsmasq serving SPF, DKIM key and DMARC
 * records) with messages signed by an independent implementation (dkimpy) and sent by swaks from 127.0.0.1, which is
 * neither trusted nor logged in here. {@code mailhub.dmarc.reject} is on.
 */
class InboundAuthenticationIT {

    static Path dir;
    static Dnsmasq dns;
    static SmtpSink sink;
    static SmtpSink quarantine;
    static HubProcess hub;

    @BeforeAll
    static void start() throws Exception {
        dir = HubProcess.itDir("inbound-auth");
        String goodKey = DkimSigningIT.cli("dkim-keygen", "good.test", "sel", "rsa", dir.resolve("good.pem").toString());
        String fwdKey = DkimSigningIT.cli("dkim-keygen", "forwarded.test", "s2", "rsa", dir.resolve("fwd.pem").toString());
        dns = Dnsmasq.builder()
                .txt("good.test", "v=spf1 ip4:127.0.0.1 -all")
                .txt("_dmarc.good.test", "v=DMARC1; p=reject")
                .longTxt("sel._domainkey.good.test", String.join("", DkimSigningIT.strings(goodKey)))
                .txt("spoofed.test", "v=spf1 ip4:192.0.2.1 -all")
                .txt("_dmarc.spoofed.test", "v=DMARC1; p=reject")
                .txt("quarantined.test", "v=spf1 -all")
                .txt("_dmarc.quarantined.test", "v=DMARC1; p=quarantine")
                .txt("forwarded.test", "v=spf1 -all")
                .txt("_dmarc.forwarded.test", "v=DMARC1; p=reject")
                .longTxt("s2._domainkey.forwarded.test", String.join("", DkimSigningIT.strings(fwdKey)))
                // a DNS blocklist zone (RFC 5782): 127.0.0.2 is listed, with its reason in TXT; 127.0.0.3 answers a
                // code the hub is told not to count
                .host("2.0.0.127.bl.test", "127.0.0.2").txt("2.0.0.127.bl.test", "Listed: see http://bl.test/?127.0.0.2")
                .host("3.0.0.127.bl.test", "127.0.0.10")
                .start();
        sink = SmtpSink.onFreePort().start();
        quarantine = SmtpSink.onFreePort().start();
        // a dispatch route that acts on the DMARC disposition: quarantined mail goes to another next hop
        Path routes = Files.createDirectories(dir.resolve("routes"));
        Files.writeString(routes.resolve("dispatch.camel.yaml"), String.join("\n",
                "- route:",
                "    id: dispatch",
                "    routeConfigurationId: queue-errors",
                "    from:",
                "      uri: jms:queue:mail.incoming",
                "      parameters:",
                "        transacted: true",
                "      steps:",
                "        - log: \"inbound facts: ${header.MailhubQueueId} dkim=${header.MailhubDkim}\"",
                "        - choice:",
                "            when:",
                "              - simple: \"${header.MailhubDmarcDisposition} == 'quarantine'\"",
                "                steps:",
                "                  - setHeader:",
                "                      name: MailhubNextHop",
                "                      constant: \"127.0.0.1:" + quarantine.port + "\"",
                "        - to:",
                "            uri: direct:delivery",
                ""));
        hub = new HubProcess(dir)
                .set("mailhub.routes.dir", routes)
                .set("mailhub.relay.smarthost", "127.0.0.1:" + sink.port)
                .set("mailhub.relay.trusted-networks", "192.0.2.0/24")
                .set("mailhub.local-domains", "hub.test")
                .set("mailhub.inbound.checks", "on")
                .set("mailhub.dns.servers", dns.setting())
                .set("mailhub.dmarc.reject", "on")
                .set("mailhub.dnsbl.zones", "bl.test=127.0.0.2-127.0.0.9")
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        Started.closeAll(hub, sink, quarantine, dns);
    }

    /** A message from {@code from}, signed by dkimpy when {@code key} is given. */
    static Path message(String marker, String from, String domain, String selector, Path key, String canon)
            throws Exception {
        String text = "From: " + from + "\nTo: bob@hub.test\nSubject: " + marker + "\nDate: Tue, 24 Nov 2026 10:00:00 +0000"
                + "\n\nHello  Bob,\n\nfirst line\n\n\n";
        Path file = dir.resolve(marker + ".eml");
        if (key == null) {
            return Files.writeString(file, text);
        }
        Process p = new ProcessBuilder("/usr/bin/python3", Path.of("src/test/resources/it/dkim-sign.py").toString(), domain,
                selector, key.toString(), canon).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        byte[] signed = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
        return Files.write(file, signed);
    }

    static Swaks.Result send(String mailFrom, Path data) throws Exception {
        return Swaks.run(hub.smtpPort, "-f", mailFrom, "-t", "bob@hub.test", "--data", data.toString());
    }

    static String authenticationResults(String marker) {
        return authenticationResults(sink, marker);
    }

    static String authenticationResults(SmtpSink at, String marker) {
        SinkMessage m = at.awaitMessage(marker);
        List<String> ar = m.headers("Authentication-Results");
        assertThat(ar).hasSize(1);
        return ar.get(0).replaceAll("\\s+", " ");
    }

    @Test
    void signedMailFromAnAllowedServerPassesSpfDkimAndDmarc() throws Exception {
        String marker = UUID.randomUUID().toString();
        Swaks.Result r = send("alice@good.test",
                message(marker, "Alice <alice@good.test>", "good.test", "sel", dir.resolve("good.pem"), "relaxed/relaxed"));
        assertThat(r.exitCode()).as(r.transcript()).isZero();

        assertThat(authenticationResults(marker)).startsWith("hub.test; spf=pass smtp.mailfrom=alice@good.test;")
                .contains("dkim=pass header.d=good.test header.s=sel header.a=rsa-sha256 header.b=")
                .endsWith("dmarc=pass (p=reject dis=none) header.from=good.test");
        String queueId = r.replyTo(".").replaceFirst(".* ", "");
        assertThat(hub.log()).as("the routes see each signature's result").contains("inbound facts: " + queueId
                + " dkim=pass:good.test");
    }

    @Test
    void resultsThatArriveClaimingToBeOursInAnySpellingAreRemovedAndOthersKept() throws Exception {
        String marker = UUID.randomUUID().toString();
        Path signed = message(marker, "Alice <alice@good.test>", "good.test", "sel", dir.resolve("good.pem"),
                "relaxed/relaxed");
        String forged = "Authentication-Results: HUB.test; dkim=pass header.d=bank.test\n"
                + "Authentication-Results: \"hub.test\"; dkim=pass header.d=bank.test\n" // RFC 2045 quoted-string
                + "Authentication-Results: (looks (nested) harmless)\n \"HUB.Test\" 1; dmarc=pass header.from=bank.test\n"
                + "Authentication-Results: other.example;\n\tspf=pass smtp.mailfrom=x@y.test\n";
        Files.writeString(signed, forged + Files.readString(signed));
        Swaks.Result r = send("alice@good.test", signed);
        assertThat(r.exitCode()).as(r.transcript()).isZero();

        SinkMessage m = sink.awaitMessage(marker);
        assertThat(m.headers("Authentication-Results")).hasSize(2);
        assertThat(m.headers("Authentication-Results").get(0)).startsWith("hub.test;").contains("dkim=pass header.d=good.test");
        assertThat(m.headers("Authentication-Results").get(1)).startsWith("other.example;");
        assertThat(m.content()).doesNotContain("header.d=bank.test").doesNotContain("header.from=bank.test");
    }

    @Test
    void aClientListedInADnsBlocklistIsRefusedAtConnectWithTheListsText() throws Exception {
        String marker = UUID.randomUUID().toString();
        Swaks.Result listed = Swaks.run(hub.smtpPort, "--local-interface", "127.0.0.2", "-f", "a@good.test", "-t",
                "bob@hub.test", "--header", "Subject: " + marker);

        assertThat(listed.replies()).first().isEqualTo("554 5.7.1 Service unavailable; client [127.0.0.2] blocked"
                + " using bl.test: Listed: see http://bl.test/?127.0.0.2");
        assertThat(listed.transcript()).doesNotContain("EHLO");
        // an answer outside the codes the hub counts, and no answer at all, let the client in
        for (String client : new String[] {"127.0.0.3", "127.0.0.1"}) {
            Swaks.Result passed = Swaks.run(hub.smtpPort, "--local-interface", client, "-f", "a@good.test", "-t",
                    "bob@hub.test", "--quit-after", "EHLO");
            assertThat(passed.replies().get(0)).as(client).startsWith("220 ");
        }
        assertThat(hub.log()).contains("NOQUEUE: [127.0.0.2] listed in bl.test (127.0.0.2): Listed: see");
    }

    @Test
    void aForgedSenderOfADomainPublishingPRejectIsRefusedAtEndOfData() throws Exception {
        String marker = UUID.randomUUID().toString();
        Swaks.Result r = send("ceo@spoofed.test", message(marker, "ceo@spoofed.test", null, null, null, null));

        assertThat(r.replyTo(".")).isEqualTo("550 5.7.1 Email rejected per DMARC policy for spoofed.test");
        assertThat(sink.messages()).noneMatch(m -> m.content().contains(marker));
    }

    @Test
    void aFailureUnderPQuarantineIsAcceptedMarkedAndRoutedByTheRouteThatAsksForIt() throws Exception {
        String marker = UUID.randomUUID().toString();
        Swaks.Result r = send("news@quarantined.test", message(marker, "news@quarantined.test", null, null, null, null));
        assertThat(r.exitCode()).as(r.transcript()).isZero();

        assertThat(authenticationResults(quarantine, marker)).contains("spf=fail smtp.mailfrom=news@quarantined.test")
                .contains("dkim=none").endsWith("dmarc=fail (p=quarantine dis=quarantine) header.from=quarantined.test");
        assertThat(sink.messages()).noneMatch(m -> m.content().contains(marker));
    }

    @Test
    void anAlignedDkimSignatureWithSimpleCanonicalizationPassesDmarcWhereSpfFails() throws Exception {
        String marker = UUID.randomUUID().toString();
        Swaks.Result r = send("list@forwarded.test",
                message(marker, "list@forwarded.test", "forwarded.test", "s2", dir.resolve("fwd.pem"), "simple/simple"));
        assertThat(r.exitCode()).as(r.transcript()).isZero();

        assertThat(authenticationResults(marker)).contains("spf=fail")
                .contains("dkim=pass header.d=forwarded.test header.s=s2")
                .endsWith("dmarc=pass (p=reject dis=none) header.from=forwarded.test");
    }

    @Test
    void aSignedMessageChangedOnTheWayFailsDkimAndSoDmarc() throws Exception {
        String marker = UUID.randomUUID().toString();
        Path signed = message(marker, "list@forwarded.test", "forwarded.test", "s2", dir.resolve("fwd.pem"),
                "relaxed/relaxed");
        Files.writeString(signed, Files.readString(signed).replace("first line", "first line, altered"));
        Swaks.Result r = send("list@forwarded.test", signed);

        assertThat(r.replyTo(".")).isEqualTo("550 5.7.1 Email rejected per DMARC policy for forwarded.test");
        assertThat(hub.log()).containsPattern("spf=fail dkim=\\[fail\\] dmarc=fail dis=reject");
    }
}
