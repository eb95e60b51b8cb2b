package io.mailhub.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailhub.model.MailAddress;
import io.mailhub.model.Recipient;
import io.mailhub.model.SmtpPath;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unknown users of the local domains refused at RCPT, as Postfix's relay_recipient_maps does. */
class RecipientTableTest {

    @TempDir
    Path dir;

    private static final SessionFacts TRUSTED_CLIENT = io.mailhub.testing.TestSessions.of("127.0.0.1", null, "smtp");

    private RecipientTable table(String lines) throws Exception {
        RelayControl relay = new RelayControl(DomainList.parse("example.com,.sub.example.com,bücher.example"),
                NetworkList.parse("127.0.0.0/8"), "hub.example.net");
        return RecipientTable.load(Files.writeString(dir.resolve("recipients"), lines), relay);
    }

    private static String reply(RecipientTable t, String address) throws Exception {
        HookResult r = t.rcpt(TRUSTED_CLIENT, null, Recipient.of(SmtpPath.mailbox(address, true)));
        return r.isReject() ? r.reply().toString() : "accepted";
    }

    @Test
    void aListedAddressPassesAndAnUnlistedOneOfALocalDomainIsRefusedEvenFromATrustedClient() throws Exception {
        RecipientTable t = table("# the mailboxes of the Exchange server\nAnn@Example.com\n\n@sub.example.com\n");

        assertThat(reply(t, "ann@EXAMPLE.COM")).isEqualTo("accepted");
        assertThat(reply(t, "anyone@sub.example.com")).isEqualTo("accepted");
        assertThat(reply(t, "bob@example.com")).isEqualTo("550 5.1.1 <bob@example.com>: Recipient address rejected:"
                + " User unknown in relay recipient table");
        assertThat(reply(t, "someone@elsewhere.test")).as("not a local domain: relay control decides")
                .isEqualTo("accepted");
    }

    @Test
    void subaddressesOfAListedAddressAndPostmasterOfEveryLocalDomainPass() throws Exception {
        RecipientTable t = table("ann@example.com\n");

        assertThat(reply(t, "ann+newsletters@example.com")).isEqualTo("accepted");
        assertThat(reply(t, "bob+ann@example.com")).startsWith("550 5.1.1");
        assertThat(reply(t, "PostMaster@example.com")).isEqualTo("accepted");
    }

    @Test
    void internationalizedDomainsMatchInEitherForm() throws Exception {
        RecipientTable t = table("leser@xn--bcher-kva.example\n");

        assertThat(reply(t, "leser@bücher.example")).isEqualTo("accepted");
        assertThat(reply(t, "autor@bücher.example")).startsWith("550 5.1.1");
    }

    @Test
    void aBadLineIsNamedAndSkippedAndAChangedFileIsReadAgain() throws Exception {
        var parsed = RecipientTable.parse(Path.of("recipients"), java.util.List.of("ann@example.com", "not an address",
                "@"));
        assertThat(parsed.value()).containsExactly("ann@example.com");
        assertThat(parsed.problems()).hasSize(2).first().asString()
                .startsWith("recipients line 2: not an address is neither an address nor @domain");

        RecipientTable t = table("ann@example.com\n");
        assertThat(reply(t, "bob@example.com")).startsWith("550");
        Path file = Files.writeString(dir.resolve("recipients"), "ann@example.com\nbob@example.com\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        // the file's time is looked at once a second at most
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                .pollInterval(java.time.Duration.ofMillis(200))
                .until(() -> reply(t, "bob@example.com").equals("accepted"));
    }
}
