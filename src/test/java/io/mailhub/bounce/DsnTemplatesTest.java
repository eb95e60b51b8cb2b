package io.mailhub.bounce;

import io.mailhub.testing.ParsedDsn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailhub.model.SyntaxException;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DsnTemplatesTest {

    @TempDir
    Path configDir;

    @Test
    void packagedDefaultsHaveATemplateForEveryKindAndANoteForEveryReturn() {
        DsnTemplates defaults = DsnTemplates.defaults();

        assertThat(defaults.template(DsnKind.FAILURE).subject()).isEqualTo("Undelivered Mail Returned to Sender");
        assertThat(defaults.template(DsnKind.DELAY).subject()).isEqualTo("Delayed Mail (still being retried)");
        assertThat(defaults.template(DsnKind.SUCCESS).subject()).isEqualTo("Successful Mail Delivery Report");
        for (ReturnedContent r : ReturnedContent.values()) {
            assertThat(defaults.note(r)).as(r.noteName()).isNotBlank();
        }
    }

    @Test
    void operatorCopyInConfigIsTheSameAsThePackagedDefault() throws Exception {
        assertThat(Files.readString(Path.of("config", DsnTemplates.FILE_NAME)))
                .isEqualTo(Files.readString(Path.of("src/main/resources/bounce", DsnTemplates.FILE_NAME)));
    }

    @Test
    void withoutAnOperatorFileTheDefaultsAreUsed() throws Exception {
        assertThat(DsnTemplates.load(configDir)).isSameAs(DsnTemplates.defaults());
    }

    @Test
    void operatorFileReplacesTheEntriesItHasAndKeepsTheOthers() throws Exception {
        Files.writeString(configDir.resolve(DsnTemplates.FILE_NAME), """
                # our own wording
                failure_template = <<END
                Subject: Nicht zustellbar: Nachricht ${queue_id}

                Hallo ${sender}, leider ging das schief:

                ${recipients}
                END
                returned_full = Ihre Nachricht hängt an.
                """);

        DsnTemplates t = DsnTemplates.load(configDir);

        assertThat(t.template(DsnKind.FAILURE).subject()).isEqualTo("Nicht zustellbar: Nachricht ${queue_id}");
        assertThat(t.note(ReturnedContent.FULL)).isEqualTo("Ihre Nachricht hängt an.");
        assertThat(t.template(DsnKind.DELAY)).isEqualTo(DsnTemplates.defaults().template(DsnKind.DELAY));
        assertThat(t.note(ReturnedContent.HEADERS)).isEqualTo(DsnTemplates.defaults().note(ReturnedContent.HEADERS));
    }

    @Test
    void operatorTemplateIsWhatTheSenderReads() throws Exception {
        Files.writeString(configDir.resolve(DsnTemplates.FILE_NAME), """
                failure_template = <<EOF
                Subject: Nicht zustellbar: Nachricht ${queue_id}

                Hallo ${sender}, leider ging das schief:

                ${recipients}
                EOF
                """);
        DsnComposer composer = new DsnComposer(DsnComposerTest.HOST, DsnComposerTest.LIMIT,
                DsnTemplates.load(configDir), DsnComposerTest.CLOCK);

        ParsedDsn dsn = DsnComposerTest.compose(composer,
                DsnComposerTest.request(DsnComposerTest.envelope(null, null), DsnComposerTest.BOB_UNKNOWN));

        assertThat(dsn.message.getSubject()).isEqualTo("Nicht zustellbar: Nachricht 0J5QZ7ABCDEFGH");
        assertThat(dsn.text()).startsWith("Hallo alice@example.com, leider ging das schief:")
                .contains("<bob@example.org> (failed, mx.example.org[192.0.2.25]:25)");
    }

    @Test
    void nonAsciiTextIsSentAsQuotedPrintableUtf8AndTheSubjectAsEncodedWords() throws Exception {
        DsnTemplates t = DsnTemplates.parse("""
                failure_template = <<EOF
                Subject: Unzustellbar — Größe überschritten für alle Empfänger dieser sehr langen Nachricht

                Grüße von ${hostname}.
                EOF
                """, "test", DsnTemplates.defaults());
        DsnComposer composer =
                new DsnComposer(DsnComposerTest.HOST, DsnComposerTest.LIMIT, t, DsnComposerTest.CLOCK);
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        composer.compose(DsnComposerTest.request(DsnComposerTest.envelope(null, null), DsnComposerTest.BOB_UNKNOWN),
                out);

        ParsedDsn dsn = ParsedDsn.parse(out.toByteArray());
        assertThat(dsn.message.getSubject())
                .isEqualTo("Unzustellbar — Größe überschritten für alle Empfänger dieser sehr langen Nachricht");
        assertThat(dsn.part(0).getHeader("Content-Transfer-Encoding")).containsExactly("quoted-printable");
        assertThat(dsn.text()).startsWith("Grüße von hub.example.net.");
        assertThat(ParsedDsn.octetsAbove127(out.toByteArray())).isZero();
        assertThat(dsn.rawLines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(78));
    }

    @Test
    void unknownPlaceholderIsRejectedWithFileAndLine() {
        String text = """
                # comment

                failure_template = <<EOF
                Subject: x

                Dear ${recipient}
                EOF
                """;

        assertThatThrownBy(() -> DsnTemplates.parse(text, "bounce-templates.txt", DsnTemplates.defaults()))
                .isInstanceOf(SyntaxException.class)
                .hasMessageStartingWith("bounce-templates.txt line 3: ")
                .hasMessageContaining("unknown placeholder ${recipient}")
                .hasMessageContaining("${recipients}");
    }

    @Test
    void malformedFilesAreRejectedWithAReason() {
        List<String[]> cases = List.of(
                new String[] {"failur_template = x", "unknown entry 'failur_template'"},
                new String[] {"failure_template = <<EOF\nSubject: x\n\ntext\n", "has no closing line 'EOF'"},
                new String[] {"failure_template = <<EOF\nHello\nEOF\n", "must start with one 'Subject:' line"},
                new String[] {"just some words", "expected 'name = text'"},
                new String[] {"returned_full = a\nreturned_full = b", "already defined on line 1"},
                new String[] {"returned_full = size ${original_size", "unterminated placeholder"},
                new String[] {"returned_full = ${recipients}", "unknown placeholder ${recipients}"});

        for (String[] c : cases) {
            assertThatThrownBy(() -> DsnTemplates.parse(c[0], "f", DsnTemplates.defaults()))
                    .as(c[0])
                    .isInstanceOf(SyntaxException.class)
                    .hasMessageContaining(c[1]);
        }
    }

    @Test
    void fileWithoutDefaultsMustDefineEveryEntry() {
        assertThatThrownBy(() -> DsnTemplates.parse("returned_full = x", "f", null))
                .isInstanceOf(SyntaxException.class)
                .hasMessageContaining("is missing");
    }

    @Test
    void placeholdersAreReplacedLiterallyWithoutEvaluatingAnything() {
        String rendered = Placeholders.render("cost $5 for ${sender} and ${sender}, not ${nothing",
                Map.of("sender", "${hostname} $1 \\n"));

        assertThat(rendered).isEqualTo("cost $5 for ${hostname} $1 \\n and ${hostname} $1 \\n, not ${nothing");
    }

    @Test
    void windowsLineEndsInTheFileAreAccepted() throws Exception {
        String crlf = "returned_full = <<EOF\r\nAttached.\r\nEOF\r\n";

        assertThat(DsnTemplates.parse(crlf, "f", DsnTemplates.defaults()).note(ReturnedContent.FULL))
                .isEqualTo("Attached.");
    }
}
