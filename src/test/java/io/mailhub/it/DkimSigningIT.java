package io.mailhub.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailhub.testing.Dnsmasq;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DKIM signatures made by the packaged hub, checked by an independent verifier: dkimpy (Debian's {@code python3-dkim},
 * src/test/resources/it/dkim-verify.py) looking up the public keys in real DNS, a dnsmasq that serves the TXT records
 * the hub's own {@code dkim-keygen} printed.
 */
class DkimSigningIT {

    static Path dir;
    static Dnsmasq dns;
    static SmtpSink sink;
    static HubProcess hub;

    @BeforeAll
    static void start() throws Exception {
        dir = HubProcess.itDir("dkim");
        String rsaRecord = cli("dkim-keygen", "signed.test", "rsa2026", "rsa", dir.resolve("rsa.pem").toString());
        String edRecord = cli("dkim-keygen", "signed.test", "ed2026", "ed25519", dir.resolve("ed.pem").toString());
        assertThat(rsaRecord).startsWith("rsa2026._domainkey.signed.test. IN TXT ( \"v=DKIM1; k=rsa; p=MII");
        assertThat(edRecord).matches("ed2026\\._domainkey\\.signed\\.test\\. IN TXT \\( \"v=DKIM1; k=ed25519; p=[A-Za-z0-9+/]{43}=\" \\)");
        dns = Dnsmasq.builder()
                .longTxt("rsa2026._domainkey.signed.test", String.join("", strings(rsaRecord)))
                .longTxt("ed2026._domainkey.signed.test", String.join("", strings(edRecord)))
                .start();
        Files.writeString(dir.resolve("keys"), "# DKIM keys\nsigned.test rsa2026 rsa.pem\nsigned.test ed2026 ed.pem\n");
        sink = SmtpSink.onFreePort().start();
        // a routing route that edits the header after the queue, that is after the acceptance stage signed
        Path routes = Files.createDirectories(dir.resolve("routes"));
        Files.writeString(routes.resolve("routing.camel.yaml"), """
                - route:
                    id: routing
                    from:
                      uri: direct:routing
                      steps:
                        - filter:
                            simple: "${header.MailhubRcptTo} contains 'tagged@'"
                            steps:
                              - to: "mailhub:subject?prefix=[EXT]"
                              - to: "mailhub:header?name=X-Routed&value=yes"
                        - filter:
                            simple: "${header.MailhubRcptTo} contains 'guarded@'"
                            steps:
                              - to: "mailhub:strip?names=*.exe"
                        - filter:
                            simple: "${header.MailhubArchiveEncrypted} == true"
                            steps:
                              - to: "mailhub:header?name=X-Archive-Encrypted&value=yes"
                        - filter:
                            simple: "${header.MailhubArchiveNames} contains 'setup.exe'"
                            steps:
                              - to: "mailhub:header?name=X-Archive-Check&value=executable"
                              - to: "mailhub:strip?names=*.exe"
                        - filter:
                            simple: "${header.MailhubRcptTo} contains 'external@'"
                            steps:
                              - to: "mailhub:footer?text=Vertraulich \u2013 nur f\u00fcr die Empf\u00e4nger."
                """);
        hub = new HubProcess(dir)
                .set("mailhub.relay.smarthost", "127.0.0.1:" + sink.port)
                .set("mailhub.relay.trusted-networks", "127.0.0.1/32")
                .set("mailhub.dkim.key-table", dir.resolve("keys"))
                .set("mailhub.routes.dir", routes)
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        Started.closeAll(hub, sink, dns);
    }

    /** The quoted strings of a zone file line. */
    static List<String> strings(String zoneLine) {
        List<String> parts = new ArrayList<>();
        Matcher m = Pattern.compile("\"([^\"]*)\"").matcher(zoneLine);
        while (m.find()) {
            parts.add(m.group(1));
        }
        return parts;
    }

    static String cli(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", HubProcess.jar().toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", args)).isZero();
        return out;
    }

    /** Runs the independent verifier on {@code message}: one line per signature, "a=... d=... pass" or "... fail". */
    static String verify(String message) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("/usr/bin/python3", Path.of("src/test/resources/it/dkim-verify.py").toString(),
                dns.address().getHostString(), Integer.toString(dns.port())).redirectErrorStream(true).start();
        p.getOutputStream().write(message.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    /** The message as delivered, without smtp-sink's own X- envelope headers, with one of its two signatures. */
    static String withOnlySignature(String delivered, String algorithm) {
        String[] lines = delivered.replace("\r\n", "\n").split("\n", -1);
        List<List<String>> fields = new ArrayList<>();
        int i = 0;
        for (; i < lines.length && !lines[i].isEmpty(); i++) {
            if (lines[i].startsWith(" ") || lines[i].startsWith("\t")) {
                fields.get(fields.size() - 1).add(lines[i]);
            } else {
                fields.add(new ArrayList<>(List.of(lines[i])));
            }
        }
        StringBuilder out = new StringBuilder();
        for (List<String> field : fields) {
            String text = String.join("\n", field);
            boolean otherSignature = text.startsWith("DKIM-Signature:") && !text.contains("a=" + algorithm + ";");
            if (!otherSignature && !text.startsWith("X-Mail-Args:") && !text.startsWith("X-Rcpt-Args:")) {
                out.append(text).append('\n');
            }
        }
        for (; i < lines.length; i++) {
            out.append(lines[i]).append(i < lines.length - 1 ? "\n" : "");
        }
        return out.toString();
    }

    private SinkMessage sendSigned(String marker) throws Exception {
        Swaks.Result r = Swaks.run(hub.smtpPort, "-f", "alice@signed.test", "-t", "bob@remote.test",
                "--header", "From: Alice <alice@signed.test>", "--header", "Subject: " + marker,
                "--body", "Hello Bob,\r\n\r\nthis  line has   runs of spaces \t \r\nand trailing ones.   \r\n\r\n\r\n");
        assertThat(r.exitCode()).as(r.transcript()).isZero();
        return sink.awaitMessage(marker);
    }

    @Test
    void bothSignaturesOfTheHubVerifyWithAnIndependentVerifierAndFailOnceTheMessageIsChanged() throws Exception {
        SinkMessage m = sendSigned(UUID.randomUUID().toString());
        assertThat(m.headers("DKIM-Signature")).hasSize(2);
        String message = m.content();

        assertThat(verify(message).lines()).containsExactly("a=rsa-sha256 d=signed.test pass",
                "a=ed25519-sha256 d=signed.test pass");
        assertThat(verify(message.replace("Hello Bob", "Hello Eve")).lines())
                .allMatch(l -> l.contains(" fail")).hasSize(2);
        assertThat(verify(message.replace("Subject: ", "Subject: Re: ")).lines())
                .allMatch(l -> l.contains(" fail")).hasSize(2);
        // a second From added on the way: the oversigned From makes both signatures fail
        assertThat(verify(message.replace("From: Alice", "From: mallory@evil.test\nFrom: Alice")).lines())
                .allMatch(l -> l.contains(" fail")).hasSize(2);
    }

    @Test
    void aMessageTheRoutingRouteEditsAfterSigningIsSignedAgainAndStillVerifies() throws Exception {
        String marker = UUID.randomUUID().toString();
        Swaks.Result r = Swaks.run(hub.smtpPort, "-f", "alice@signed.test", "-t", "tagged@remote.test",
                "--header", "From: Alice <alice@signed.test>", "--header", "Subject: " + marker);
        assertThat(r.exitCode()).as(r.transcript()).isZero();
        SinkMessage m = sink.awaitMessage(marker);

        assertThat(m.header("Subject")).isEqualTo("[EXT] " + marker);
        assertThat(m.header("X-Routed")).isEqualTo("yes");
        assertThat(m.headers("DKIM-Signature")).as("the old signatures replaced, not added to").hasSize(2);
        assertThat(verify(m.content()).lines()).containsExactly("a=rsa-sha256 d=signed.test pass",
                "a=ed25519-sha256 d=signed.test pass");
    }

    @Test
    void aFooterTheRoutingRouteAddsToBothAlternativesLeavesAMessageThatVerifiesAndParses() throws Exception {
        String marker = UUID.randomUUID().toString();
        Path data = Files.writeString(dir.resolve("alternative.eml"), String.join("\r\n",
                "From: Alice <alice@signed.test>", "To: external@remote.test", "Subject: " + marker,
                "MIME-Version: 1.0", "Content-Type: multipart/alternative; boundary=\"alt\"", "",
                "--alt", "Content-Type: text/plain; charset=us-ascii", "", "Hello Bob", "",
                "--alt", "Content-Type: text/html; charset=utf-8", "Content-Transfer-Encoding: base64", "",
                java.util.Base64.getEncoder().encodeToString("<html><body><p>Hello Bob</p></body></html>"
                        .getBytes(StandardCharsets.UTF_8)), "--alt--", ""));
        com.fasterxml.jackson.databind.JsonNode parsed = sendVerifyAndParse(data, "external@remote.test", marker);
        assertThat(parsed.get("defects")).as("Python's parser finds nothing wrong").isEmpty();
        assertThat(parsed.at("/parts/1/type").asText()).isEqualTo("text/plain");
        assertThat(parsed.at("/parts/1/text").asText())
                .isEqualTo("Hello Bob\n\nVertraulich \u2013 nur f\u00fcr die Empf\u00e4nger.\n");
        assertThat(parsed.at("/parts/2/text").asText()).isEqualTo("<html><body><p>Hello Bob</p><div"
                + " class=\"mailhub-footer\">Vertraulich \u2013 nur f\u00fcr die Empf\u00e4nger.</div></body></html>");
    }

    @Test
    void anExecutableTheRoutingRouteStripsLeavesAMessageThatVerifiesWithTheNoteInItsPlace() throws Exception {
        String marker = UUID.randomUUID().toString();
        Path data = Files.writeString(dir.resolve("attachment.eml"), String.join("\r\n",
                "From: Alice <alice@signed.test>", "To: guarded@remote.test", "Subject: " + marker,
                "MIME-Version: 1.0", "Content-Type: multipart/mixed; boundary=\"mix\"", "",
                "--mix", "Content-Type: text/plain; charset=us-ascii", "", "the installer, as promised", "",
                "--mix", "Content-Type: application/octet-stream; name=\"setup.exe\"",
                "Content-Disposition: attachment; filename=\"setup.exe\"", "Content-Transfer-Encoding: base64", "",
                "TVqQAAMAAAAEAAAA//8AALgAAAAAAAAAQAAAAAAAAAA=", "--mix--", ""));
        com.fasterxml.jackson.databind.JsonNode parsed = sendVerifyAndParse(data, "guarded@remote.test", marker);
        assertThat(parsed.get("defects")).isEmpty();
        assertThat(parsed.at("/parts/1/text").asText()).isEqualTo("the installer, as promised\n");
        assertThat(parsed.at("/parts/2/type").asText()).isEqualTo("text/plain");
        assertThat(parsed.at("/parts/2/text").asText()).isEqualTo("Removed by the mail system's policy: the attachment"
                + " setup.exe (application/octet-stream).\n");
        assertThat(parsed.get("parts")).hasSize(3);
    }

    @Test
    void anExecutableInsideAForwardedMessageIsStrippedTooAndTheMessageStillVerifies() throws Exception {
        String marker = UUID.randomUUID().toString();
        Path data = Files.writeString(dir.resolve("forward.eml"), String.join("\r\n",
                "From: Alice <alice@signed.test>", "To: guarded@remote.test", "Subject: " + marker,
                "MIME-Version: 1.0", "Content-Type: multipart/mixed; boundary=\"out\"", "",
                "--out", "Content-Type: text/plain; charset=us-ascii", "", "see the forward", "",
                "--out", "Content-Type: message/rfc822", "Content-Disposition: attachment; filename=\"fwd.eml\"", "",
                "From: Carol <carol@other.test>", "Subject: the installer", "MIME-Version: 1.0",
                "Content-Type: multipart/mixed; boundary=\"in\"", "",
                "--in", "Content-Type: text/plain; charset=us-ascii", "", "as promised", "",
                "--in", "Content-Type: application/octet-stream; name=\"setup.exe\"",
                "Content-Disposition: attachment; filename=\"setup.exe\"", "Content-Transfer-Encoding: base64", "",
                "TVqQAAMAAAAEAAAA//8AALgAAAAAAAAAQAAAAAAAAAA=", "--in--", "", "--out--", ""));
        com.fasterxml.jackson.databind.JsonNode parsed = sendVerifyAndParse(data, "guarded@remote.test", marker);
        assertThat(parsed.get("defects")).isEmpty();
        assertThat(parsed.get("parts").findValuesAsText("type")).containsExactly("multipart/mixed", "text/plain",
                "message/rfc822", "multipart/mixed", "text/plain", "text/plain");
        assertThat(parsed.at("/parts/4/text").asText()).isEqualTo("as promised\n");
        assertThat(parsed.at("/parts/5/text").asText()).isEqualTo("Removed by the mail system's policy: the attachment"
                + " setup.exe (application/octet-stream).\n");
    }

    @Test
    void aZipHoldingAnExecutableIsFoundByTheRouteAndStrippedWhileAHarmlessZipArrivesAsSent() throws Exception {
        String marker = UUID.randomUUID().toString();
        Path files = Files.createDirectories(dir.resolve("zip-" + marker).resolve("tools"));
        Files.write(files.resolve("setup.exe"), new byte[] {'M', 'Z', 0, 0});
        Files.writeString(files.resolve("../readme.txt"), "read me first\n");
        zip(files.getParent(), "tools.zip", "readme.txt", "tools/setup.exe");
        zip(files.getParent(), "docs.zip", "readme.txt");
        zip(files.getParent(), "secret.zip", "-P", "secret", "readme.txt");
        byte[] docs = Files.readAllBytes(files.resolveSibling("docs.zip"));

        Swaks.Result r = Swaks.run(hub.smtpPort, "-f", "alice@signed.test", "-t", "bob@remote.test",
                "--header", "From: Alice <alice@signed.test>", "--header", "Subject: " + marker,
                "--body", "the tools and the docs", "--attach-type", "application/zip",
                "--attach-name", "tools.zip", "--attach", "@" + files.resolveSibling("tools.zip"),
                "--attach-type", "application/zip", "--attach-name", "docs.zip",
                "--attach", "@" + files.resolveSibling("docs.zip"));
        assertThat(r.exitCode()).as(r.transcript()).isZero();
        SinkMessage m = sink.awaitMessage(marker);

        assertThat(verify(m.content()).lines()).containsExactly("a=rsa-sha256 d=signed.test pass",
                "a=ed25519-sha256 d=signed.test pass");
        com.fasterxml.jackson.databind.JsonNode parsed = PythonEmail.parse(Files.writeString(
                dir.resolve(marker + ".dump"), m.content() + "\n"));
        assertThat(parsed.get("defects")).isEmpty();
        assertThat(parsed.at("/headers/X-Archive-Check").asText()).isEqualTo("executable");
        assertThat(parsed.at("/headers/X-Archive-Encrypted").isMissingNode()).as("no encrypted archive yet").isTrue();
        assertThat(parsed.get("parts").findValuesAsText("type")).containsExactly("multipart/mixed", "text/plain",
                "text/plain", "application/zip");
        assertThat(parsed.at("/parts/2/text").asText()).isEqualTo("Removed by the mail system's policy: the attachment"
                + " tools.zip (application/zip), which holds tools/setup.exe.\n");
        assertThat(parsed.at("/parts/3/filename").asText()).isEqualTo("docs.zip");
        assertThat(parsed.at("/parts/3/sha256").asText()).isEqualTo(java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(docs)));

        String secretMarker = marker + "-secret";
        Swaks.Result secret = Swaks.run(hub.smtpPort, "-f", "alice@signed.test", "-t", "bob@remote.test",
                "--header", "From: Alice <alice@signed.test>", "--header", "Subject: " + secretMarker,
                "--body", "the password follows by phone", "--attach-type", "application/zip",
                "--attach-name", "secret.zip", "--attach", "@" + files.resolveSibling("secret.zip"));
        assertThat(secret.exitCode()).as(secret.transcript()).isZero();
        com.fasterxml.jackson.databind.JsonNode locked = PythonEmail.parse(Files.writeString(
                dir.resolve(secretMarker + ".dump"), sink.awaitMessage(secretMarker).content() + "\n"));
        assertThat(locked.at("/headers/X-Archive-Encrypted").asText()).isEqualTo("yes");
    }

    /** Info-ZIP's zip, run in {@code dir}: the archive {@code name} of the {@code files}. */
    private static void zip(Path dir, String name, String... files) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("zip", "-q", "-X", name));
        cmd.addAll(List.of(files));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }

    /**
     * Sends the message file to {@code recipient}, checks that both of the hub's signatures verify as it arrives, and
     * returns Python's reading of it.
     */
    private com.fasterxml.jackson.databind.JsonNode sendVerifyAndParse(Path data, String recipient, String marker)
            throws Exception {
        Swaks.Result r = Swaks.run(hub.smtpPort, "-f", "alice@signed.test", "-t", recipient, "--data", "@" + data);
        assertThat(r.exitCode()).as(r.transcript()).isZero();
        SinkMessage m = sink.awaitMessage(marker);
        assertThat(verify(m.content()).lines()).containsExactly("a=rsa-sha256 d=signed.test pass",
                "a=ed25519-sha256 d=signed.test pass");
        return PythonEmail.parse(Files.writeString(dir.resolve(marker + ".dump"), m.content() + "\n"));
    }

    @Test
    void eachSignatureStandsOnItsOwn() throws Exception {
        SinkMessage m = sendSigned(UUID.randomUUID().toString());
        assertThat(verify(withOnlySignature(m.content(), "rsa-sha256"))).isEqualTo("a=rsa-sha256 d=signed.test pass");
        assertThat(verify(withOnlySignature(m.content(), "ed25519-sha256")))
                .isEqualTo("a=ed25519-sha256 d=signed.test pass");
    }

    @Test
    void mailThatIsNotOursIsNotSigned() throws Exception {
        String marker = UUID.randomUUID().toString();
        Swaks.Result r = Swaks.run(hub.smtpPort, "-f", "carol@other.test", "-t", "bob@remote.test",
                "--header", "From: carol@other.test", "--header", "Subject: " + marker);
        assertThat(r.exitCode()).as(r.transcript()).isZero();
        SinkMessage m = sink.awaitMessage(marker);
        assertThat(m.headers("DKIM-Signature")).isEmpty();
        assertThat(verify(m.content())).isEqualTo("no signature");
    }
}
