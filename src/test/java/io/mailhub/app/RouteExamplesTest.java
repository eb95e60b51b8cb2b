package io.mailhub.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every example in routes/examples/ passes {@code routes check} and does what its comment says ({@code routes test}). */
class RouteExamplesTest {

    private static final Path EXAMPLES = Path.of("routes/examples");
    private static final String PDF_INVOICE = "From: shop@shop.test\nTo: invoices@accounting.test\nSubject: invoice 7\n"
            + "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nsee"
            + " attached\n--b\nContent-Type: application/pdf; name=invoice-7.pdf\nContent-Disposition: attachment;"
            + " filename=invoice-7.pdf\nContent-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n--b--\n";

    @TempDir
    Path dir;

    private List<String> trial(String example, String message, String... options) throws Exception {
        Path eml = Files.writeString(dir.resolve(example + ".eml"), message);
        List<String> args = new ArrayList<>(List.of("test", EXAMPLES.resolve(example).toString()));
        args.addAll(List.of(options));
        args.add(eml.toString());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Properties props = MailhubMain.camelProperties(MailhubSettings.from(new ConfigSource(Map.of(
                "mailhub.data.dir", dir.resolve("data").toString()), Map.of(), Map.of(), null)));
        int status = RoutesCommand.run(args, props, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
        return out.toString(StandardCharsets.UTF_8).lines().skip(1).toList(); // the first line names the message
    }

    @Test
    void everyExampleFilePassesTheChecksOnItsOwn() throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.list(EXAMPLES)) {
            files = s.filter(p -> p.toString().endsWith(".camel.yaml") || p.toString().endsWith(".camel.xml")).toList();
        }
        assertThat(files).hasSize(8);
        Properties props = MailhubMain.camelProperties(MailhubSettings.from(new ConfigSource(Map.of(
                "mailhub.data.dir", dir.resolve("data").toString()), Map.of(), Map.of(), null)));
        for (Path f : files) {
            assertThat(RoutesCommand.check(List.of(f), props)).as(f.toString()).isEmpty();
        }
    }

    @Test
    void theBenchmarksPolicyRouteIsValidAndLetsTheBenchmarksMailThrough() throws Exception {
        Path bench = Path.of("bench/policy-routes/policy.camel.yaml");
        Properties props = MailhubMain.camelProperties(MailhubSettings.from(new ConfigSource(Map.of(
                "mailhub.data.dir", dir.resolve("data").toString()), Map.of(), Map.of(), null)));
        assertThat(RoutesCommand.check(List.of(bench), props)).isEmpty();
        Path eml = Files.writeString(dir.resolve("bench.eml"), "From: bench@bench.test\nTo: sink@remote.test\n"
                + "Subject: bench\n\naaaa\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(RoutesCommand.run(List.of("test", bench.toString(), eml.toString()), props,
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("  policy: deliver\n");
    }

    @Test
    void mailForThePartnerGoesThroughItsTransport() throws Exception {
        assertThat(trial("partner-smarthost.camel.yaml", "From: a@example.test\nTo: bob@partner.example\n\nx\n"))
                .containsExactly("  policy: no route from direct:policy", "  routing: deliver via transport:partner-tls");
        assertThat(trial("partner-smarthost.camel.yaml", "From: a@example.test\nTo: bob@other.example\n\nx\n"))
                .containsExactly("  policy: no route from direct:policy", "  routing: deliver");
    }

    @Test
    void mailOurUsersSendOutsideGetsTheDisclaimer() throws Exception {
        assertThat(trial("external-disclaimer.camel.yaml", "From: ann@example.com\nTo: bob@remote.test\n\nx\n",
                "--user", "ann")).containsExactly("  policy: no route from direct:policy", "  routing: footer; deliver");
        assertThat(trial("external-disclaimer.camel.yaml", "From: ann@example.com\nTo: carl@example.com\n\nx\n",
                "--user", "ann")).containsExactly("  policy: no route from direct:policy", "  routing: deliver");
    }

    @Test
    void theErpsMailIsArchived() throws Exception {
        assertThat(trial("erp-archive.camel.yaml", "From: erp@example.test\nTo: bob@remote.test\n\nx\n", "--user", "erp"))
                .containsExactly("  policy: copy to archive@example.com; deliver",
                        "  envelope: from=<erp@example.test> to=[<bob@remote.test>, <archive@example.com>]",
                        "  routing: no route from direct:routing");
    }

    @Test
    void invoicesWithAPdfGoToAccountingsQueueAndWebhook() throws Exception {
        assertThat(trial("invoices-to-accounting.camel.xml", PDF_INVOICE)).containsExactly(
                "  policy: no route from direct:policy",
                "  routing: egress jms accounting.invoices; egress webhook https://accounting.example/hooks/invoices");
        assertThat(trial("invoices-to-accounting.camel.xml", PDF_INVOICE.replace("application/pdf", "text/csv")))
                .containsExactly("  policy: no route from direct:policy", "  routing: deliver");
    }

    @Test
    void dmarcFailuresAreQuarantined() throws Exception {
        assertThat(trial("quarantine-dmarc.camel.yaml", "From: ceo@bank.test\nTo: bob@example.test\n\nx\n", "--fact",
                "MailhubDmarc=fail")).containsExactly("  policy: no route from direct:policy",
                        "  routing: hold in quarantine.dmarc");
    }

    @Test
    void criticalAlertsAlsoGoToOnCall() throws Exception {
        String alert = "From: alerts@example.test\nTo: ops@example.test\nSubject: [FIRING:1] DiskFull (critical)\n\nx\n";
        assertThat(trial("critical-alerts-oncall.camel.yaml", alert, "--door", "webhook")).first()
                .isEqualTo("  policy: copy to oncall@example.com; deliver");
        assertThat(trial("critical-alerts-oncall.camel.yaml", alert.replace("critical", "warning"), "--door",
                "webhook")).first().isEqualTo("  policy: deliver");
    }

    @Test
    void executableAttachmentsAreRejectedAtTheDoor() throws Exception {
        assertThat(trial("reject-executables.camel.xml", PDF_INVOICE.replace("invoice-7.pdf", "Invoice.PDF.exe")))
                .containsExactly("  policy: reject 550 5.7.1 Executable attachments are not accepted");
        assertThat(trial("reject-executables.camel.xml", PDF_INVOICE)).first().isEqualTo("  policy: deliver");
    }

    @Test
    void legacySendersAreRewritten() throws Exception {
        assertThat(trial("rewrite-legacy-senders.camel.yaml", "X-Sender: <joe@legacy.example>\n"
                + "X-Receiver: <bob@remote.test>\nSubject: x\n\nx\n")).containsExactly(
                        "  policy: 1 address rewrite(s); deliver",
                        "  envelope: from=<joe@example.com> to=[<bob@remote.test>]",
                        "  routing: no route from direct:routing");
    }
}
