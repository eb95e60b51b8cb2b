package io.mailhub.bounce;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.internet.MimeUtility;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeaderFieldsTest {

    @Test
    void shortFieldStaysOnOneLine() {
        assertThat(HeaderFields.fold("Action", "failed")).isEqualTo("Action: failed\r\n");
    }

    @Test
    void longFieldIsFoldedBeforeBlanksWithin78CharactersAndUnfoldsToTheSameText() {
        String value = "smtp; 550 5.7.1 " + "message refused by the recipient's policy ".repeat(10).strip();

        String folded = HeaderFields.fold("Diagnostic-Code", value);

        assertThat(lines(folded)).hasSizeGreaterThan(5)
                .allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(78));
        assertThat(lines(folded).subList(1, lines(folded).size())).allSatisfy(line -> assertThat(line).startsWith(" "));
        assertThat(folded.replace("\r\n", "")).isEqualTo("Diagnostic-Code: " + value);
    }

    @Test
    void wordLongerThan78ButWithin998OctetsIsKeptWhole() {
        String token = "k".repeat(300);

        String folded = HeaderFields.fold("Diagnostic-Code", "smtp; " + token + " end");

        assertThat(lines(folded)).anySatisfy(line -> assertThat(line).contains(token));
        assertThat(folded.replace("\r\n", "")).isEqualTo("Diagnostic-Code: smtp; " + token + " end");
    }

    @Test
    void runWithoutBlanksOver998OctetsIsBrokenSoNoLineExceeds998() {
        String folded = HeaderFields.fold("Diagnostic-Code", "smtp; " + "z".repeat(5000));

        assertThat(lines(folded)).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(998));
        assertThat(folded.replace("\r\n", "").replace(" ", "")).isEqualTo("Diagnostic-Code:smtp;" + "z".repeat(5000));
    }

    @Test
    void limitIsCountedInOctetsNotCharacters() {
        String folded = HeaderFields.fold("Final-Recipient", "utf-8; " + "ü".repeat(700) + "@example.org");

        assertThat(lines(folded)).allSatisfy(line -> assertThat(utf8(line)).isLessThanOrEqualTo(998));
    }

    @Test
    void lineEndsAndControlCharactersInAValueCannotEndTheField() {
        String folded = HeaderFields.fold("Original-Envelope-Id", "a\r\nAction: delivered\u0000\tb");

        assertThat(folded).isEqualTo("Original-Envelope-Id: a  Action: delivered? b\r\n");
    }

    @Test
    void blanksInsideAValueAreKept() {
        String value = "rfc822; \"two  spaces\"@example.org";

        assertThat(HeaderFields.fold("Final-Recipient", value)).isEqualTo("Final-Recipient: " + value + "\r\n");
    }

    @Test
    void nonAsciiTextBecomesEncodedWordsThatDecodeToTheSameText() throws Exception {
        String subject = "Unzustellbar: Größe überschritten — 📨 für alle Empfänger dieser Nachricht";

        String encoded = HeaderFields.encodeText(subject);

        assertThat(encoded).startsWith("=?UTF-8?B?").isASCII();
        assertThat(encoded.split(" ")).allSatisfy(word -> assertThat(word.length()).isLessThanOrEqualTo(75));
        assertThat(MimeUtility.decodeText(encoded)).isEqualTo(subject);
        assertThat(HeaderFields.encodeText("plain words")).isEqualTo("plain words");
    }

    private static List<String> lines(String folded) {
        assertThat(folded).endsWith("\r\n");
        return List.of(folded.substring(0, folded.length() - 2).split("\r\n"));
    }

    private static int utf8(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }
}
