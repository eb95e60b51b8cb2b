package io.mailhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mailhub.testing.Dnsmasq;
import io.mailhub.testing.ParsedDsn;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Outbound TLS against a real peer: a private Postfix with STARTTLS and a certificate for {@code mx.tls.test} from a
 * test CA (made with openssl), relaying to smtp-sink with {@code smtpd_tls_received_header}, so the sink's copy says
 * whether the hub's connection used TLS. dnsmasq points several domains at it; the transport map gives them their
 * policies. A policy that cannot be met defers (never plaintext), and at the end of the lifetime the sender hears why.
 * Postfix also offers SMTP AUTH (Cyrus SASL, sasldb with one user) for the AUTH tests.
 */
class TlsDeliveryIT {

    private static final Path CERTS = Path.of("/tmp/mailhub-it-certs");
    private static final Path SASL = Path.of("/tmp/mailhub-it-sasl");

    private static Dnsmasq dns;
    private static SmtpSink behindPostfix;
    private static SmtpSink plainOnly;
    private static SmtpSink bounces;
    private static PostfixPeer postfix;
    private static HubProcess hub;
    private static final List<MtaStsPolicyServer> policyHosts = new java.util.ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "a private Postfix needs root (CI runs as root)");
        makeCertificates();
        makeSaslUser();
        behindPostfix = SmtpSink.onFreePort().start();
        postfix = PostfixPeer.start(behindPostfix.port, java.util.Map.of("sasl/smtpd.conf", saslConfiguration()),
                "smtpd_tls_security_level = may",
                "smtpd_tls_cert_file = " + CERTS.resolve("mx.pem"),
                "smtpd_tls_key_file = " + CERTS.resolve("mx.key"),
                "smtpd_tls_received_header = yes",
                "smtpd_sasl_auth_enable = yes",
                "smtpd_sasl_type = cyrus",
                "smtpd_sasl_path = smtpd",
                "smtpd_sasl_local_domain = mx.tls.test",
                "smtpd_tls_auth_only = yes",
                "smtpd_sasl_authenticated_header = yes");
        int policyPort = Ports.free();
        Dnsmasq.Builder names = Dnsmasq.builder();
        // MTA-STS: each domain's policy host on an address of its own, its MX hosts at the TLS Postfix
        String[][] sts = {
            {"sts.test", "mx.tls.test", "enforce", "mx.tls.test"},
            {"stsname.test", "other.tls.test", "enforce", "*.tls.test"},
            {"stsnomx.test", "mx.tls.test", "enforce", "mx.elsewhere.test"},
            {"ststesting.test", "other.tls.test", "testing", "mx.elsewhere.test"}};
        for (int i = 0; i < sts.length; i++) {
            String address = "127.0.0." + (20 + i);
            names.mx(sts[i][0], sts[i][1], 10).host("mta-sts." + sts[i][0], address)
                    .txt("_mta-sts." + sts[i][0], "v=STSv1; id=20261201T000000;");
            policyHosts.add(MtaStsPolicyServer.start(CERTS, sts[i][0], address, policyPort, "version: STSv1\r\nmode: "
                    + sts[i][2] + "\r\nmx: " + sts[i][3] + "\r\nmax_age: 86400\r\n"));
        }
        dns = names
                .mx("may.test", "mx.tls.test", 10)
                .mx("verified.test", "mx.tls.test", 10)
                .mx("wrongname.test", "other.tls.test", 10)
                .mx("plain.test", "mx.plain.test", 10)
                .mx("auth.test", "mx.tls.test", 10)
                .mx("badauth.test", "mx.tls.test", 10)
                .mx("sender.test", "mx.sender.test", 10)
                .host("mx.tls.test", "127.0.0.1")
                .host("other.tls.test", "127.0.0.1")
                .host("mx.plain.test", "127.0.0.3")
                .host("mx.sender.test", "127.0.0.4")
                .start();
        plainOnly = SmtpSink.on("127.0.0.3", postfix.port).start();
        bounces = SmtpSink.on("127.0.0.4", postfix.port).start();
        Path mapDir = Files.createTempDirectory("transport");
        Path map = mapDir.resolve("transport.map");
        Files.writeString(mapDir.resolve("good.secret"), "relayuser:correct horse:battery\n");
        Files.writeString(mapDir.resolve("bad.secret"), "relayuser:wrong\n");
        Files.writeString(map, String.join("\n",
                "# domain       next hop   policy",
                "verified.test  mx         tls=verify",
                "wrongname.test mx         tls=verify",
                "plain.test     mx         tls=encrypt",
                "auth.test      mx         tls=encrypt auth=good.secret",
                "badauth.test   mx         auth=bad.secret",
                ""));
        hub = new HubProcess(HubProcess.itDir("tls"))
                .set("mailhub.dns.servers", dns.setting())
                .set("mailhub.relay.port", postfix.port)
                .set("mailhub.relay.transport-map", map)
                .set("mailhub.relay.tls-trust-anchors", CERTS.resolve("ca.pem"))
                .set("mailhub.relay.mta-sts-port", policyPort)
                .set("mailhub.retry.schedule", "1s")
                .set("mailhub.retry.max-lifetime", "5s")
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (hub != null) {
            hub.close();
        }
        if (postfix != null) {
            postfix.close();
        }
        for (SmtpSink s : new SmtpSink[] {behindPostfix, plainOnly, bounces}) {
            if (s != null) {
                s.close();
            }
        }
        if (dns != null) {
            dns.close();
        }
        for (MtaStsPolicyServer s : policyHosts) {
            s.close();
        }
    }

    @Test
    void opportunisticTlsIsUsedWhenThePeerOffersIt() throws Exception {
        send("a@may.test", "may");

        SinkMessage m = awaitMessage(behindPostfix, "a@may.test");
        assertThat(m.headers("Received")).as("Postfix's Received header for the hub's connection")
                .anySatisfy(r -> assertThat(r).contains("from hub.test").containsPattern("using TLSv1\\.[23]"));
    }

    @Test
    void verifyDeliversWhenTheCertificateChainsToTheTrustedCaAndNamesTheHost() throws Exception {
        send("b@verified.test", "verified");

        SinkMessage m = awaitMessage(behindPostfix, "b@verified.test");
        assertThat(m.headers("Received")).anySatisfy(r -> assertThat(r).containsPattern("using TLSv1\\.[23]"));
        assertThat(hub.log()).contains("Verified TLS connection established to mx.tls.test");
    }

    @Test
    void verifyNeverDeliversToAHostTheCertificateDoesNotNameAndTheSenderHearsWhy() throws Exception {
        String subject = send("c@wrongname.test", "wrongname");

        ParsedDsn dsn = awaitNotice(subject);
        assertThat(ParsedDsn.field(dsn.perRecipient().get(0), "Status")).isEqualTo("5.4.7");
        assertThat(ParsedDsn.field(dsn.perRecipient().get(0), "Diagnostic-Code")).contains("4.7.5");
        assertThat(behindPostfix.messages()).noneMatch(m -> m.recipients().contains("c@wrongname.test"));
    }

    @Test
    void encryptNeverFallsBackToPlaintextWhenThePeerOffersNoStartTls() throws Exception {
        String subject = send("d@plain.test", "plain");

        ParsedDsn dsn = awaitNotice(subject);
        assertThat(ParsedDsn.field(dsn.perRecipient().get(0), "Diagnostic-Code")).contains("4.7.4");
        assertThat(plainOnly.messages()).as("nothing sent in plaintext").isEmpty();
    }

    @Test
    void aTransportMapIdentityAuthenticatesToTheRealPeer() throws Exception {
        send("e@auth.test", "auth");

        SinkMessage m = awaitMessage(behindPostfix, "e@auth.test");
        assertThat(m.headers("Received")).as("Postfix records the SASL identity")
                .anySatisfy(r -> assertThat(r).contains("Authenticated sender: relayuser"));
        assertThat(hub.log()).contains("authenticated to mx.tls.test").doesNotContain("correct horse");
    }

    @Test
    void rejectedCredentialsDeferAndTheSenderHearsTheServersReply() throws Exception {
        String subject = send("f@badauth.test", "badauth");

        ParsedDsn dsn = awaitNotice(subject);
        String diagnostic = ParsedDsn.field(dsn.perRecipient().get(0), "Diagnostic-Code");
        assertThat(diagnostic).contains("authentication as relayuser failed").contains("535").doesNotContain("wrong");
        assertThat(behindPostfix.messages()).noneMatch(x -> x.recipients().contains("f@badauth.test"));
    }

    @Test
    void anMtaStsPolicyInEnforceModeIsFetchedOverHttpsAndItsMxHostGetsTheMail() throws Exception {
        send("g@sts.test", "sts");

        SinkMessage m = awaitMessage(behindPostfix, "g@sts.test");
        assertThat(m.headers("Received")).anySatisfy(r -> assertThat(r).containsPattern("using TLSv1\\.[23]"));
        assertThat(hub.log()).contains("MTA-STS policy of sts.test (id 20261201T000000): mode enforce, mx mx.tls.test,"
                + " max_age 86400");
        assertThat(Files.readString(hub.workDir().resolve("data/mta-sts-policies.jsonl")))
                .as("kept for the next start").contains("\"domain\":\"sts.test\",\"id\":\"20261201T000000\"")
                .contains("mode: enforce");
    }

    @Test
    void anEnforcedPolicyDemandsAVerifiedCertificateThoughTheRelaysOwnPolicyIsMay() throws Exception {
        String subject = send("h@stsname.test", "stsname"); // the MX host's certificate names mx.tls.test only

        ParsedDsn dsn = awaitNotice(subject);
        assertThat(ParsedDsn.field(dsn.perRecipient().get(0), "Diagnostic-Code")).contains("4.7.5")
                .contains("certificate");
        assertThat(behindPostfix.messages()).noneMatch(m -> m.recipients().contains("h@stsname.test"));
    }

    @Test
    void anEnforcedPolicyThatNamesNoneOfTheMxHostsDefersAndTheSenderHearsWhy() throws Exception {
        String subject = send("i@stsnomx.test", "stsnomx");

        ParsedDsn dsn = awaitNotice(subject);
        assertThat(ParsedDsn.field(dsn.perRecipient().get(0), "Diagnostic-Code"))
                .contains("MTA-STS policy of stsnomx.test names none of its MX hosts (mx.tls.test; policy mx:"
                        + " mx.elsewhere.test)");
        assertThat(behindPostfix.messages()).noneMatch(m -> m.recipients().contains("i@stsnomx.test"));
        Scrape metrics = Scrape.of(hub);
        assertThat(metrics.sum("mailhub_relay_mta_sts_refused_total")).as("every attempt until the bounce")
                .isGreaterThanOrEqualTo(2);
        assertThat(metrics.sum("mailhub_relay_mta_sts_policies", "mode", "enforce")).isGreaterThanOrEqualTo(1);
        assertThat(metrics.sum("mailhub_relay_mta_sts_fetches_total", "outcome", "fetched")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aPolicyInTestingModeOnlyLogsWhatEnforceWouldRefuse() throws Exception {
        send("j@ststesting.test", "ststesting");

        awaitMessage(behindPostfix, "j@ststesting.test");
        assertThat(hub.log()).contains("MTA-STS policy of ststesting.test (mode testing) does not name MX host(s)"
                + " [other.tls.test]: delivered anyway");
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** Cyrus SASL's configuration for Postfix's smtpd: PLAIN and LOGIN against a sasldb of our own. */
    private static String saslConfiguration() {
        return String.join("\n",
                "pwcheck_method: auxprop",
                "auxprop_plugin: sasldb",
                "mech_list: PLAIN LOGIN",
                "sasldb_path: " + SASL.resolve("sasldb2"),
                "");
    }

    /** One user in a sasldb of its own (saslpasswd2), readable by Postfix's smtpd. */
    private static void makeSaslUser() throws Exception {
        Files.createDirectories(SASL);
        String script = String.join("\n",
                "set -e",
                "rm -f \"$1/sasldb2\"",
                "printf '%s' 'correct horse:battery' | saslpasswd2 -p -c -f \"$1/sasldb2\" -u mx.tls.test relayuser",
                "chown postfix \"$1/sasldb2\" && chmod 0600 \"$1/sasldb2\" && chmod 0755 \"$1\"");
        Process p = new ProcessBuilder(List.of("bash", "-c", script, "sasl", SASL.toString()))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as(out).isTrue();
    }

    private static String send(String recipient, String tag) throws Exception {
        String subject = "tls " + tag + " " + System.nanoTime();
        try (RawSmtp smtp = RawSmtp.ehlo(hub.smtpPort)) {
            assertThat(smtp.command("MAIL FROM:<alice@sender.test>")).startsWith("250");
            assertThat(smtp.command("RCPT TO:<" + recipient + ">")).startsWith("250");
            assertThat(smtp.command("DATA")).startsWith("354");
            smtp.send("Subject: " + subject + "\r\n\r\nhello\r\n.\r\n");
            assertThat(smtp.reply()).startsWith("250 2.0.0");
        }
        return subject;
    }

    private static SinkMessage awaitMessage(SmtpSink sink, String recipient) {
        return await().atMost(Duration.ofSeconds(30)).until(
                () -> sink.messages().stream().filter(m -> m.recipients().contains(recipient)).findFirst().orElse(null),
                m -> m != null);
    }

    private static ParsedDsn awaitNotice(String subject) throws Exception {
        SinkMessage m = await().atMost(Duration.ofSeconds(40)).until(
                () -> bounces.messages().stream().filter(x -> x.content().contains(subject)).findFirst().orElse(null),
                x -> x != null);
        return ParsedDsn.parse(m.content().replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    /** A test CA and a certificate for mx.tls.test signed by it, PEM files readable by Postfix. */
    private static void makeCertificates() throws Exception {
        Files.createDirectories(CERTS);
        String script = String.join("\n",
                "set -e",
                "cd \"$1\"",
                "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -subj '/CN=Mailhub Test CA'"
                        + " -days 2 -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign",
                "openssl req -newkey rsa:2048 -nodes -keyout mx.key -out mx.csr -subj /CN=mx.tls.test",
                "printf 'subjectAltName=DNS:mx.tls.test\\nextendedKeyUsage=serverAuth\\n' > ext.cnf",
                "openssl x509 -req -in mx.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out mx.pem -days 2"
                        + " -extfile ext.cnf",
                "chmod 0755 . && chmod 0644 ./*.pem ./*.key");
        Process p = new ProcessBuilder(List.of("bash", "-c", script, "certs", CERTS.toString()))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as(out).isTrue();
    }
}
