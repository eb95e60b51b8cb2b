package io.mailhub.ingress.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailhub.ingress.http.MessageRequest.Address;
import io.mailhub.ingress.http.MessageRequest.Header;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MIME the API builds. Angus Mail both builds and could parse it, so the checks look at the raw octets, and for
 * the structure and the decoded values at what Python's email package (an independent parser, through
 * {@code src/test/resources/it/parse-mail.py}) makes of them.
 */
class MimeBuilderTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** A built message: its octets and whether it needs SMTPUTF8. */
    private record Built(byte[] bytes, boolean smtputf8, BuiltMessage message) {
        String text() {
            return new String(bytes, UTF_8);
        }

        /** The header section of the message, up to the first empty line. */
        String header() {
            String t = text();
            return t.substring(0, t.indexOf("\r\n\r\n") + 2);
        }

        /** The top-level header fields, unfolded, one per entry. */
        List<String> fields() {
            return List.of(header().replace("\r\n ", " ").replace("\r\n\t", " ").split("\r\n"));
        }

        /** The header lines of every part (the message's first, then each part after a boundary line), unfolded. */
        List<String> partHeaders() {
            List<String> blocks = new ArrayList<>();
            String[] lines = text().split("\r\n", -1);
            StringBuilder block = new StringBuilder();
            boolean inHeader = true;
            for (String line : lines) {
                if (inHeader) {
                    if (line.isEmpty()) {
                        blocks.add(block.toString());
                        block.setLength(0);
                        inHeader = false;
                    } else {
                        block.append(line.startsWith(" ") || line.startsWith("\t") ? " " + line.strip() : "\n" + line);
                    }
                } else if (line.startsWith("--") && !line.endsWith("--")) {
                    inHeader = true;
                }
            }
            return blocks;
        }

        /** The header block of the one part whose header contains {@code marker}. */
        String partHeader(String marker) {
            List<String> found = partHeaders().stream().filter(h -> h.contains(marker)).toList();
            assertThat(found).as("parts with %s", marker).hasSize(1);
            return found.get(0);
        }
    }

    private static String q(String text) {
        return text.replace('\'', '"');
    }

    private MessageRequest request(String json) throws ApiProblem {
        return MessageJson.parse(new ByteArrayInputStream(q(json).getBytes(UTF_8)), dir);
    }

    private Built build(String json) throws Exception {
        MessageRequest m = request(json);
        return build(m, m.to(), List.of());
    }

    private Built build(MessageRequest m, List<Address> to, List<Header> extraHeaders) throws Exception {
        BuiltMessage b = MimeBuilder.build(m, m.subject(), m.text(), m.html(), to, extraHeaders, dir, 1 << 20);
        try (InputStream in = b.content().openStream()) {
            return new Built(in.readAllBytes(), b.smtputf8(), b);
        }
    }

    /** What Python's email package reads in {@code message}: see parse-mail.py for the fields. */
    private JsonNode python(byte[] message) throws Exception {
        Path file = Files.write(dir.resolve("message.eml"), message);
        Path script = Path.of(getClass().getResource("/it/parse-mail.py").toURI());
        Path errors = dir.resolve("python.err");
        Process p = new ProcessBuilder("/usr/bin/python3", script.toString(), file.toString())
                .redirectError(errors.toFile()).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(errors)).isZero();
        return JSON.readTree(out).get(0);
    }

    private static List<String> types(JsonNode parsed) {
        List<String> types = new ArrayList<>();
        parsed.get("parts").forEach(p -> types.add(p.get("type").asText()));
        return types;
    }

    private static JsonNode part(JsonNode parsed, String type) {
        List<JsonNode> found = new ArrayList<>();
        parsed.get("parts").forEach(p -> {
            if (p.get("type").asText().equals(type)) {
                found.add(p);
            }
        });
        assertThat(found).as("parts of type %s", type).hasSize(1);
        return found.get(0);
    }

    private static boolean isAscii(String s) {
        return s.chars().allMatch(c -> c < 128);
    }

    private static void assertCrlfOnly(byte[] b) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == '\n') {
                assertThat(i > 0 && b[i - 1] == '\r').as("LF at %d follows a CR", i).isTrue();
            }
            if (b[i] == '\r') {
                assertThat(i + 1 < b.length && b[i + 1] == '\n').as("CR at %d is followed by LF", i).isTrue();
            }
        }
    }

    private static int longestLine(byte[] b) {
        int longest = 0;
        int start = 0;
        for (int i = 0; i < b.length; i++) {
            if (b[i] == '\n') {
                longest = Math.max(longest, i - 1 - start);
                start = i + 1;
            }
        }
        return Math.max(longest, b.length - start);
    }

    private static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(UTF_8));
    }

    // ---- header encodings

    @Test
    void aNonAsciiSubjectIsWrittenAsRfc2047EncodedWordsThatDecodeToTheOriginal() throws Exception {
        String subject = "Gr\u00fc\u00dfe aus K\u00f6ln \u2013 eine Nachricht mit einem Betreff,"
                + " der l\u00e4nger als eine Zeile ist \u2603";
        Built b = build("{'from': 'a@shop.test', 'to': 'b@x.test', 'subject': '" + subject + "', 'text': 'hi'}");

        assertThat(b.header()).contains("Subject: =?UTF-8?");
        assertThat(isAscii(b.header())).isTrue();
        assertThat(b.header().lines().filter(l -> l.startsWith("Subject:") || l.startsWith(" =?")))
                .hasSizeGreaterThan(1).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(78));
        assertThat(python(b.bytes()).get("subject").asText()).isEqualTo(subject);
    }

    @Test
    void anAsciiSubjectIsWrittenAsItIs() throws Exception {
        Built b = build("{'from': 'a@shop.test', 'to': 'b@x.test', 'subject': 'Your invoice #17', 'text': 'hi'}");

        assertThat(b.fields()).contains("Subject: Your invoice #17");
    }

    @Test
    void aNonAsciiAttachmentFileNameIsAnRfc2231Parameter() throws Exception {
        String name = "\u00dcbersicht M\u00e4rz 2026.pdf";
        Built b = build("{'from': 'a@shop.test', 'to': 'b@x.test', 'text': 'see attached',"
                + " 'attachments': [{'filename': '" + name + "', 'content': 'JVBERi0x'}]}");

        String part = b.partHeader("Content-Disposition: attachment");
        assertThat(part).contains("filename*=UTF-8''").doesNotContain(name);
        assertThat(isAscii(b.text())).isTrue();
        assertThat(part(python(b.bytes()), "application/pdf").get("filename").asText()).isEqualTo(name);
    }

    @Test
    void aLongFileNameIsSplitIntoRfc2231ContinuationsOfShortLines() throws Exception {
        String name = "quarterly-report-".repeat(12) + "final.txt";
        Built b = build("{'from': 'a@shop.test', 'to': 'b@x.test', 'text': 'see attached',"
                + " 'attachments': [{'filename': '" + name + "', 'content': '" + base64("numbers") + "'}]}");

        assertThat(b.text()).contains("filename*0=").contains("filename*1=");
        assertThat(b.text().lines().filter(l -> l.contains("filename*")))
                .allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(78));
        assertThat(python(b.bytes()).get("parts").get(2).get("filename").asText()).isEqualTo(name);
    }

    @Test
    void aLongHeaderValueIsFoldedAtSpacesAndUnfoldsToTheOriginal() throws Exception {
        String value = "word ".repeat(60).strip();
        Built b = build(
                "{'from': 'a@shop.test', 'to': 'b@x.test', 'text': 'hi', 'headers': {'X-Long': '" + value + "'}}");

        List<String> lines = b.header().lines().dropWhile(l -> !l.startsWith("X-Long:"))
                .takeWhile(l -> l.startsWith("X-Long:") || l.startsWith(" ") || l.startsWith("\t")).toList();
        assertThat(lines).hasSizeGreaterThan(1).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(78));
        assertThat(b.fields()).contains("X-Long: " + value);
        assertThat(python(b.bytes()).get("headers").get("X-Long").asText()).isEqualTo(value);
    }

    @Test
    void aNonAsciiCustomHeaderValueIsAnEncodedWord() throws Exception {
        String value = "Gr\u00fc\u00dfe";
        Built b = build(
                "{'from': 'a@shop.test', 'to': 'b@x.test', 'text': 'hi', 'headers': {'X-Greeting': '" + value + "'}}");

        assertThat(b.fields()).anySatisfy(f -> assertThat(f).startsWith("X-Greeting: =?UTF-8?"));
        assertThat(isAscii(b.header())).isTrue();
        assertThat(python(b.bytes()).get("headers").get("X-Greeting").asText()).isEqualTo(value);
    }

    @Test
    void aRepeatedCustomHeaderKeepsEveryValueInOrder() throws Exception {
        Built b = build("{'from': 'a@shop.test', 'to': 'b@x.test', 'text': 'hi',"
                + " 'headers': [{'name': 'X-Tag', 'value': 'one'}, {'name': 'X-Other', 'value': 'x'},"
                + " {'name': 'X-Tag', 'value': 'two'}]}");

        assertThat(b.fields().stream().filter(f -> f.startsWith("X-"))).containsExactlyInAnyOrder("X-Tag: one",
                "X-Other: x", "X-Tag: two");
        assertThat(b.fields().stream().filter(f -> f.startsWith("X-Tag:"))).containsExactly("X-Tag: one", "X-Tag: two");
    }

    // ---- addresses

    @Test
    void anInternationalizedDomainIsWrittenAsALabelsAndNeedsNoSmtputf8() throws Exception {
        Built b = build("{'from': 'billing@shop.test', 'to': 'zoe@b\u00fccher.example', 'text': 'hi'}");

        assertThat(b.fields()).contains("To: zoe@xn--bcher-kva.example");
        assertThat(b.smtputf8()).isFalse();
        assertThat(isAscii(b.text())).isTrue();
    }

    @Test
    void aNonAsciiLocalPartIsWrittenInUtf8AndNeedsSmtputf8() throws Exception {
        String address = "\u03b4\u03bf\u03ba\u03b9\u03bc\u03ae"
                + "@\u03c0\u03b1\u03c1\u03ac\u03b4\u03b5\u03b9\u03b3\u03bc\u03b1.test";
        Built b = build("{'from': 'billing@shop.test', 'to': '" + address + "', 'text': 'hi'}");

        assertThat(b.smtputf8()).isTrue();
        assertThat(b.fields()).contains("To: " + address);
        assertThat(python(b.bytes()).get("to").asText()).isEqualTo(address);
    }

    @Test
    void fromToCcAndReplyToAreWrittenAndBccNever() throws Exception {
        Built b = build("{'from': 'Billing <billing@shop.test>', 'to': ['a@x.test', 'Bob <b@x.test>'],"
                + " 'cc': 'c@x.test', 'bcc': 'hidden@x.test', 'reply_to': 'help@shop.test', 'text': 'hi'}");

        JsonNode parsed = python(b.bytes());
        assertThat(parsed.get("from").asText()).isEqualTo("Billing <billing@shop.test>");
        assertThat(parsed.get("to").asText()).isEqualTo("a@x.test, Bob <b@x.test>");
        assertThat(parsed.get("cc").asText()).isEqualTo("c@x.test");
        assertThat(parsed.get("reply_to").asText()).isEqualTo("help@shop.test");
        assertThat(parsed.get("bcc").isNull()).isTrue();
        assertThat(b.text()).doesNotContain("hidden").doesNotContainIgnoringCase("bcc:");
    }

    @Test
    void theToHeaderShowsOnlyTheRecipientTheMessageIsBuiltForWithItsOwnHeaders() throws Exception {
        MessageRequest m = request("{'from': 'a@shop.test', 'text': 'hi', 'headers': {'X-Campaign': 'spring'},"
                + " 'recipients': ['ann@x.test', {'email': 'bob@x.test', 'headers': {'X-Customer': '7'}}]}");
        MessageRequest.Personal bob = m.recipients().get(1);

        Built b = build(m, List.of(bob.email()), bob.headers());

        assertThat(b.fields()).contains("To: bob@x.test", "X-Campaign: spring", "X-Customer: 7");
        assertThat(b.text()).doesNotContain("ann@x.test");
        assertThat(b.fields().indexOf("X-Customer: 7")).isGreaterThan(b.fields().indexOf("X-Campaign: spring"));
    }

    @Test
    void theBuilderAddsNoMessageIdAndItsScanSeesTheHeader() throws Exception {
        Built plain = build("{'from': 'a@shop.test', 'to': 'b@x.test', 'text': 'hi'}");
        Built withId = build("{'from': 'a@shop.test', 'to': 'b@x.test', 'text': 'hi',"
                + " 'headers': {'Message-ID': '<k1@shop.test>'}}");

        assertThat(plain.text()).doesNotContainIgnoringCase("message-id");
        assertThat(plain.message().headers().hasMessageId()).isFalse();
        assertThat(plain.message().headers().firstLineIsHeader()).isTrue();
        assertThat(plain.message().headers().hasDate())
                .isEqualTo(plain.fields().stream().anyMatch(f -> f.startsWith("Date: ")));
        assertThat(withId.message().headers().messageId()).isEqualTo("k1@shop.test");
        assertThat(withId.message().content().size()).isEqualTo(withId.bytes().length);
    }

    // ---- structure

    @Test
    void textAloneIsASingleTextPlainPart() throws Exception {
        Built b = build("{'from': 'a@shop.test', 'to': 'b@x.test', 'text': 'Hello'}");

        assertThat(b.fields()).contains("Content-Type: text/plain; charset=UTF-8", "MIME-Version: 1.0");
        JsonNode parsed = python(b.bytes());
        assertThat(types(parsed)).containsExactly("text/plain");
        assertThat(parsed.get("parts").get(0).get("text").asText()).isEqualTo("Hello");
    }

    @Test
    void htmlAloneIsASingleTextHtmlPart() throws Exception {
        Built b = build("{'from': 'a@shop.test', 'to': 'b@x.test', 'html': '<p>Hello</p>'}");

        assertThat(types(python(b.bytes()))).containsExactly("text/html");
    }

    @Test
    void textAndHtmlMakeMultipartAlternativeWithTheTextFirst() throws Exception {
        Built b = build("{'from': 'a@shop.test', 'to': 'b@x.test', 'text': 'Hello', 'html': '<p>Hello</p>'}");

        JsonNode parsed = python(b.bytes());
        assertThat(types(parsed)).containsExactly("multipart/alternative", "text/plain", "text/html");
        assertThat(part(parsed, "text/plain").get("text").asText()).isEqualTo("Hello");
        assertThat(part(parsed, "text/html").get("text").asText()).isEqualTo("<p>Hello</p>");
        assertThat(parsed.get("defects")).isEmpty();
    }

    @Test
    void anAttachmentWithAContentIdGoesWithTheHtmlInMultipartRelated() throws Exception {
        Built b = build("{'from': 'a@shop.test', 'to': 'b@x.test', 'html': '<img src=\\'cid:logo\\'>',"
                + " 'attachments': [{'content_id': 'logo', 'content_type': 'image/png', 'content': 'iVBORw0KGgo='}]}");

        JsonNode parsed = python(b.bytes());
        assertThat(types(parsed)).containsExactly("multipart/related", "text/html", "image/png");
        JsonNode logo = part(parsed, "image/png");
        assertThat(logo.get("content_id").asText()).isEqualTo("<logo>");
        assertThat(logo.get("disposition").asText()).isEqualTo("inline");
    }

    @Test
    void otherAttachmentsMakeMultipartMixedAroundTheWholeBody() throws Exception {
        Built b = build("{'from': 'a@shop.test', 'to': 'b@x.test', 'text': 'Hello', 'html': '<img src=\\'cid:logo\\'>',"
                + " 'attachments': [{'filename': 'invoice.pdf', 'content': '" + base64("%PDF-1.7") + "'},"
                + " {'content_id': 'logo', 'content_type': 'image/png', 'content': 'iVBORw0KGgo='},"
                + " {'filename': 'terms.txt', 'disposition': 'inline', 'content': '" + base64("terms") + "'}]}");

        JsonNode parsed = python(b.bytes());
        assertThat(types(parsed)).containsExactly("multipart/mixed", "multipart/alternative", "text/plain",
                "multipart/related", "text/html", "image/png", "application/pdf", "text/plain");
        JsonNode pdf = part(parsed, "application/pdf");
        assertThat(pdf.get("filename").asText()).isEqualTo("invoice.pdf");
        assertThat(pdf.get("disposition").asText()).isEqualTo("attachment");
        assertThat(pdf.get("text").asText()).isEqualTo("%PDF-1.7");
        JsonNode terms = parsed.get("parts").get(7);
        assertThat(terms.get("filename").asText()).isEqualTo("terms.txt");
        assertThat(terms.get("disposition").asText()).isEqualTo("inline");
        assertThat(parsed.get("defects")).isEmpty();
        assertThat(parsed.get("crlf_only").asBoolean()).isTrue();
    }

    @Test
    void anAttachmentTypeIsGuessedFromItsNameUnlessGiven() throws Exception {
        Built b = build("{'from': 'a@shop.test', 'to': 'b@x.test', 'text': 'x', 'attachments': ["
                + "{'filename': 'photo.jpg', 'content': 'YWJj'}, {'filename': 'data.unknownext', 'content': 'YWJj'},"
                + " {'filename': 'photo2.jpg', 'content_type': 'application/x-custom', 'content': 'YWJj'}]}");

        assertThat(b.partHeader("photo.jpg")).contains("Content-Type: image/jpeg");
        assertThat(b.partHeader("data.unknownext")).contains("Content-Type: application/octet-stream");
        assertThat(b.partHeader("photo2.jpg")).contains("Content-Type: application/x-custom");
    }

    // ---- transfer encodings

    @Test
    void asciiTextWithShortLinesIsSent7bit() throws Exception {
        Built b = build("{'from': 'a@shop.test', 'to': 'b@x.test', 'text': 'Hello\\nthere'}");

        assertThat(b.fields()).contains("Content-Transfer-Encoding: 7bit");
        assertThat(b.text()).endsWith("\r\n\r\nHello\r\nthere");
    }

    @Test
    void textWithAFewNonAsciiLettersIsQuotedPrintable() throws Exception {
        String text = "Sehr geehrte Frau M\u00fcller, anbei Ihre Rechnung.";
        Built b = build("{'from': 'a@shop.test', 'to': 'b@x.test', 'text': '" + text + "'}");

        assertThat(b.fields()).contains("Content-Transfer-Encoding: quoted-printable");
        assertThat(b.text()).contains("M=C3=BCller");
        assertThat(part(python(b.bytes()), "text/plain").get("text").asText()).isEqualTo(text);
    }

    @Test
    void mostlyNonAsciiTextIsBase64() throws Exception {
        String text = "\u039a\u03b1\u03bb\u03b7\u03bc\u03ad\u03c1\u03b1 \u03ba\u03cc\u03c3\u03bc\u03b5";
        Built b = build("{'from': 'a@shop.test', 'to': 'b@x.test', 'text': '" + text + "'}");

        assertThat(b.fields()).contains("Content-Transfer-Encoding: base64");
        String body = b.text().substring(b.text().indexOf("\r\n\r\n") + 4).replace("\r\n", "");
        assertThat(new String(Base64.getDecoder().decode(body), UTF_8)).isEqualTo(text);
    }

    @Test
    void anAsciiLineLongerThan998OctetsIsQuotedPrintable() throws Exception {
        String html = "<p>" + "a".repeat(1500) + "</p>";
        Built b = build("{'from': 'a@shop.test', 'to': 'b@x.test', 'html': '" + html + "'}");

        assertThat(b.fields()).contains("Content-Transfer-Encoding: quoted-printable");
        assertThat(longestLine(b.bytes())).isLessThanOrEqualTo(76);
        assertThat(part(python(b.bytes()), "text/html").get("text").asText()).isEqualTo(html);
    }

    @Test
    void attachmentsAreAlwaysBase64EvenPlainText() throws Exception {
        Built b = build("{'from': 'a@shop.test', 'to': 'b@x.test', 'text': 'x',"
                + " 'attachments': [{'filename': 'notes.txt', 'content': '" + base64("plain ascii notes") + "'}]}");

        assertThat(b.partHeader("notes.txt")).contains("Content-Transfer-Encoding: base64");
        assertThat(python(b.bytes()).get("parts").get(2).get("text").asText()).isEqualTo("plain ascii notes");
    }

    // ---- lines

    @Test
    void everyLineEndsInCrlfWhateverLineEndsTheRequestUsed() throws Exception {
        Built b = build("{'from': 'a@shop.test', 'to': 'b@x.test', 'text': 'one\\ntwo\\rthree\\r\\nfour\\n\\n',"
                + " 'html': '<p>a</p>\\n<p>b</p>\\r<p>c</p>'}");

        assertCrlfOnly(b.bytes());
        JsonNode parsed = python(b.bytes());
        assertThat(parsed.get("crlf_only").asBoolean()).isTrue();
        assertThat(part(parsed, "text/plain").get("text").asText()).isEqualTo("one\r\ntwo\r\nthree\r\nfour\r\n\r\n");
        assertThat(part(parsed, "text/html").get("text").asText()).isEqualTo("<p>a</p>\r\n<p>b</p>\r\n<p>c</p>");
    }

    @Test
    void noLineOfABigMessageExceeds998Octets() throws Exception {
        byte[] binary = new byte[100_000];
        new java.util.Random(7).nextBytes(binary);
        String longWords = "lorem ipsum dolor ".repeat(200);
        Built b = build("{'from': 'a@shop.test', 'to': 'b@x.test', 'subject': '" + longWords.strip() + "',"
                + " 'text': '" + "x".repeat(5000) + "\\n" + longWords + "',"
                + " 'html': '<p>" + "\u00e9".repeat(3000) + "</p>',"
                + " 'headers': {'X-Words': '" + longWords.strip() + "'},"
                + " 'attachments': [{'filename': '" + "n".repeat(500) + ".bin', 'content': '"
                + Base64.getEncoder().encodeToString(binary) + "'}]}");

        assertCrlfOnly(b.bytes());
        assertThat(longestLine(b.bytes())).isLessThanOrEqualTo(998);
        JsonNode parsed = python(b.bytes());
        assertThat(parsed.get("defects")).isEmpty();
        assertThat(parsed.get("subject").asText()).isEqualTo(longWords.strip());
    }

    @Test
    void aMessageOverTheSpoolThresholdIsWrittenToAFileThatCloseRemoves() throws Exception {
        MessageRequest m = request("{'from': 'a@shop.test', 'to': 'b@x.test', 'text': '" + "x ".repeat(10_000) + "'}");

        BuiltMessage b = MimeBuilder.build(m, null, m.text(), null, m.to(), List.of(), dir, 1024);

        assertThat(b.content().inMemory()).isNull();
        assertThat(b.content().size()).isGreaterThan(20_000);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.filter(f -> f.getFileName().toString().startsWith("spool-"))).hasSize(1);
        }
        b.content().close();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.filter(f -> f.getFileName().toString().startsWith("spool-"))).isEmpty();
        }
    }

    @Test
    void crlfTurnsEveryLineEndIntoCrlf() {
        assertThat(MimeBuilder.crlf("a\nb\rc\r\nd\r\r\n")).isEqualTo("a\r\nb\r\nc\r\nd\r\n\r\n");
        assertThat(MimeBuilder.crlf("no line end")).isEqualTo("no line end");
    }
}
