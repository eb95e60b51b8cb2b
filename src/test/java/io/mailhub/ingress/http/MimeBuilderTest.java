package io.mailhub.ingress.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mailhub.ingress.http.MessageRequest.Address;
import io.mailhub.ingress.http.MessageRequest.Attachment;
import io.mailhub.ingress.http.MessageRequest.Header;
import io.mailhub.model.MessageContent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MIME the API builds. The checks look at the raw octets, and for the structure and the decoded values at what
 * Python's email package (an independent parser, through {@code src/test/resources/it/parse-mail.py}) makes of them.
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
        return python(List.of(message)).get(0);
    }

    /** As {@link #python(byte[])}, for several messages in one run. */
    private JsonNode python(List<byte[]> messages) throws Exception {
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3",
                Path.of(getClass().getResource("/it/parse-mail.py").toURI()).toString()));
        for (int i = 0; i < messages.size(); i++) {
            command.add(Files.write(dir.resolve("message-" + i + ".eml"), messages.get(i)).toString());
        }
        Path errors = dir.resolve("python.err");
        Process p = new ProcessBuilder(command).redirectError(errors.toFile()).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(errors)).isZero();
        return JSON.readTree(out);
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

    /** The lines of the top-level field {@code name}: its first line and its continuation lines, as written. */
    private static List<String> fieldLines(Built b, String name) {
        return b.header().lines().dropWhile(l -> !l.startsWith(name + ":"))
                .takeWhile(l -> l.startsWith(name + ":") || l.startsWith(" ") || l.startsWith("\t")).toList();
    }

    /** The raw body of the message's one part whose header contains {@code marker}. */
    private static String rawBody(Built b, String marker) {
        String t = b.text();
        int header = t.indexOf(marker);
        int start = t.indexOf("\r\n\r\n", header) + 4;
        int end = t.indexOf("\r\n--=_", start);
        return t.substring(start, end < 0 ? t.length() : end);
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    private static String crlf(String s) {
        return s.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n");
    }

    /** A file's content as the spool of an attachment would give it. */
    private static MessageContent fileContent(Path file) throws IOException {
        long size = Files.size(file);
        return new MessageContent() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public InputStream openStream() throws IOException {
                return Files.newInputStream(file);
            }

            @Override
            public byte[] inMemory() {
                return null;
            }

            @Override
            public void close() {}
        };
    }

    private static MessageRequest withAttachments(MessageRequest m, List<Attachment> attachments) {
        return new MessageRequest(m.from(), m.to(), m.cc(), m.bcc(), m.replyTo(), m.envelope(), m.subject(), m.text(),
                m.html(), m.headers(), attachments, m.template(), m.recipients(), m.tags(), m.metadata(), m.route(),
                m.sendAt(), m.dsn(), m.sandbox());
    }

    /** A display name and address of one address field as Python reads them. */
    private static List<String> address(JsonNode parsed, String field, int index) {
        JsonNode a = parsed.get("addresses").get(field).get(index);
        return List.of(a.get(0).asText(), a.get(1).asText());
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

    @Test
    void aLongUnbrokenSubjectOrHeaderValueStillHasNoLineOver998Octets() throws Exception {
        String token = "k1Z9".repeat(300);
        Built b = build("{'from': 'a@shop.test', 'to': 'b@x.test', 'subject': '" + token + "', 'text': 'hi',"
                + " 'headers': {'X-Token': '" + token + "', 'X-Short': 'see " + token + " here'}}");

        assertThat(longestLine(b.bytes())).isLessThanOrEqualTo(998);
        assertThat(b.header().lines()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(78));
        assertThat(fieldLines(b, "Subject")).hasSizeGreaterThan(10).allSatisfy(l -> assertThat(l).contains("=?UTF-8?"));
        assertThat(isAscii(b.header())).isTrue();
        JsonNode parsed = python(b.bytes());
        assertThat(parsed.get("subject").asText()).isEqualTo(token);
        assertThat(parsed.get("headers").get("X-Token").asText()).isEqualTo(token);
        assertThat(parsed.get("headers").get("X-Short").asText()).isEqualTo("see " + token + " here");
        assertThat(parsed.get("defects")).isEmpty();
    }

    @Test
    void aLongWordThatFitsALineIsKeptAsItIs() throws Exception {
        String url = "<https://shop.test/unsubscribe?u=" + "a1b2".repeat(40) + ">";
        Built b = build("{'from': 'a@shop.test', 'to': 'b@x.test', 'text': 'hi',"
                + " 'headers': {'List-Unsubscribe': '" + url + "', 'X-Link': 'see " + url + "'}}");

        assertThat(fieldLines(b, "List-Unsubscribe")).containsExactly("List-Unsubscribe: " + url);
        assertThat(fieldLines(b, "X-Link")).containsExactly("X-Link: see", " " + url);
        assertThat(python(b.bytes()).get("headers").get("X-Link").asText()).isEqualTo("see " + url);
    }

    @Test
    void aValueThatLooksLikeAnEncodedWordIsEncodedSoItReadsBackAsWritten() throws Exception {
        String subject = "=?UTF-8?Q?not_decoded?= as is";
        Built b = build("{'from': 'a@shop.test', 'to': 'b@x.test', 'subject': '" + subject + "', 'text': 'hi'}");

        assertThat(b.fields()).doesNotContain("Subject: " + subject);
        assertThat(python(b.bytes()).get("subject").asText()).isEqualTo(subject);
    }

    @Test
    void aClientDateIsTheOnlyDateAndOtherHeadersAreKept() throws Exception {
        // From, Subject, Bcc, MIME and trace fields in headers are refused before the builder (HeaderRules)
        Built b = build("{'from': 'a@shop.test', 'to': 'b@x.test', 'subject': 'mine', 'text': 'hi', 'headers': {"
                + "'Date': 'Mon, 1 Dec 2025 08:00:00 +0100', 'X-Kept': 'yes'}}");

        assertThat(b.fields().stream().filter(f -> f.startsWith("Date:")))
                .containsExactly("Date: Mon, 1 Dec 2025 08:00:00 +0100");
        assertThat(b.fields().stream().filter(f -> f.startsWith("Subject:"))).containsExactly("Subject: mine");
        assertThat(b.fields().stream().filter(f -> f.startsWith("Content-Type:")))
                .containsExactly("Content-Type: text/plain; charset=UTF-8");
        assertThat(b.fields()).contains("MIME-Version: 1.0", "X-Kept: yes");
    }

    @Test
    void theBuilderWritesADateOfItsOwnWhenTheRequestGivesNone() throws Exception {
        Built b = build("{'from': 'a@shop.test', 'to': 'b@x.test', 'text': 'hi'}");

        assertThat(b.fields()).filteredOn(f -> f.startsWith("Date: ")).singleElement().asString()
                .matches("Date: [A-Z][a-z]{2}, \\d{1,2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} [+-]\\d{4}");
        assertThat(b.message().headers().hasDate()).isTrue();
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

    @Test
    void aNonAsciiDisplayNameIsWrittenAsAnRfc2047EncodedWord() throws Exception {
        String name = "J\u00fcrgen M\u00fcller";
        Built b = build("{'from': {'email': 'billing@shop.test', 'name': '" + name + "'}, 'to': 'b@x.test',"
                + " 'cc': {'email': 'c@x.test', 'name': '\u6771\u4eac \u592a\u90ce'}, 'text': 'hi'}");

        assertThat(b.smtputf8()).isFalse();
        assertThat(isAscii(b.header())).isTrue();
        assertThat(b.fields()).anySatisfy(f -> assertThat(f).startsWith("From: =?UTF-8?"));
        JsonNode parsed = python(b.bytes());
        assertThat(address(parsed, "from", 0)).containsExactly(name, "billing@shop.test");
        assertThat(address(parsed, "cc", 0)).containsExactly("\u6771\u4eac \u592a\u90ce", "c@x.test");
    }

    @Test
    void aNonAsciiDisplayNameIsEncodedEvenWhenTheMessageNeedsSmtputf8() throws Exception {
        String address = "\u03b4\u03bf\u03ba\u03b9\u03bc\u03ae@x.test";
        String name = "\u0394\u03ae\u03bc\u03b7\u03c4\u03c1\u03b1";
        Built b = build("{'from': 'billing@shop.test', 'to': {'email': '" + address + "', 'name': '" + name + "'},"
                + " 'text': 'hi'}");

        assertThat(b.smtputf8()).isTrue();
        assertThat(b.fields()).anySatisfy(f -> assertThat(f).startsWith("To: =?UTF-8?").endsWith(" <" + address + ">"));
        assertThat(address(python(b.bytes()), "to", 0)).containsExactly(name, address);
    }

    @Test
    void displayNamesWithSpecialsAreQuotedStringsAndAtomsStayAsTheyAre() throws Exception {
        String special = "Smith, \\'Bob\\' \\\\ Co.";
        String decoded = "Smith, \"Bob\" \\ Co.";
        Built b = build("{'from': {'email': 'a@shop.test', 'name': '" + special + "'},"
                + " 'to': [{'email': 'b@x.test', 'name': 'Billing Dept'}, {'email': 'c@x.test', 'name': 'Two  spaces'},"
                + " {'email': 'd@x.test', 'name': 'A (note) <x@y> [z]: ; @'}], 'text': 'hi'}");

        assertThat(b.fields()).contains("From: \"Smith, \\\"Bob\\\" \\\\ Co.\" <a@shop.test>");
        assertThat(b.fields()).anySatisfy(f -> assertThat(f).startsWith("To: Billing Dept <b@x.test>, \"Two  spaces\""));
        JsonNode parsed = python(b.bytes());
        assertThat(address(parsed, "from", 0)).containsExactly(decoded, "a@shop.test");
        assertThat(address(parsed, "to", 0)).containsExactly("Billing Dept", "b@x.test");
        assertThat(address(parsed, "to", 1)).containsExactly("Two  spaces", "c@x.test");
        assertThat(address(parsed, "to", 2)).containsExactly("A (note) <x@y> [z]: ; @", "d@x.test");
        assertThat(parsed.get("defects")).isEmpty();
    }

    @Test
    void aLongAddressListIsFoldedBetweenItsEntries() throws Exception {
        StringBuilder to = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            to.append(i == 0 ? "" : ", ").append("{'email': 'person").append(i).append("@example.test', 'name': '")
                    .append(i % 2 == 0 ? "Person Number " + i : "K\u00f6nig " + i).append("'}");
        }
        Built b = build("{'from': 'a@shop.test', 'to': [" + to + "], 'text': 'hi'}");

        List<String> lines = fieldLines(b, "To");
        assertThat(lines).hasSizeGreaterThan(3).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(78));
        assertThat(lines.subList(0, lines.size() - 1)).allSatisfy(l -> assertThat(l).endsWith(">,"));
        JsonNode parsed = python(b.bytes());
        assertThat(parsed.get("addresses").get("to")).hasSize(12);
        assertThat(address(parsed, "to", 11)).containsExactly("K\u00f6nig 11", "person11@example.test");
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

    @Test
    void anInlineAttachmentWithoutHtmlIsNotLost() throws Exception {
        Built b = build("{'from': 'a@shop.test', 'to': 'b@x.test', 'text': 'see the logo',"
                + " 'attachments': [{'content_id': 'logo', 'content_type': 'image/png', 'content': 'iVBORw0KGgo='}]}");

        JsonNode parsed = python(b.bytes());
        assertThat(types(parsed)).containsExactly("multipart/mixed", "text/plain", "image/png");
        JsonNode logo = part(parsed, "image/png");
        assertThat(logo.get("content_id").asText()).isEqualTo("<logo>");
        assertThat(logo.get("disposition").asText()).isEqualTo("inline");
        assertThat(logo.get("sha256").asText()).isEqualTo(sha256(Base64.getDecoder().decode("iVBORw0KGgo=")));
        assertThat(part(parsed, "text/plain").get("text").asText()).isEqualTo("see the logo");
        assertThat(parsed.get("defects")).isEmpty();
    }

    @Test
    void boundariesAreRandomTokensThatNoPartContains() throws Exception {
        String json = "{'from': 'a@shop.test', 'to': 'b@x.test', 'text': '--=_ text', 'html': '<p>--=_</p>',"
                + " 'attachments': [{'filename': 'a.txt', 'content': '" + base64("--=_ x") + "'}]}";
        Built one = build(json);
        Built two = build(json);

        List<String> boundaries = new ArrayList<>();
        Matcher m = Pattern.compile("boundary=\"([^\"]+)\"").matcher(one.text());
        while (m.find()) {
            boundaries.add(m.group(1));
        }
        assertThat(boundaries).hasSize(2).doesNotHaveDuplicates().allSatisfy(x -> {
            assertThat(x).contains("=_").hasSizeGreaterThanOrEqualTo(24);
            assertThat(two.text()).doesNotContain(x);
            assertThat(one.text().split("\r\n")).filteredOn(l -> l.contains(x))
                    .allSatisfy(l -> assertThat(l).isIn("--" + x, "--" + x + "--", "Content-Type: multipart/mixed;"
                            + " boundary=\"" + x + "\"", "Content-Type: multipart/alternative; boundary=\"" + x + "\""));
        });
        assertThat(types(python(one.bytes()))).containsExactly("multipart/mixed", "multipart/alternative",
                "text/plain", "text/html", "text/plain");
    }

    @Test
    void aContentTypeWithParametersKeepsThemAndABrokenOneFailsTheBuild() throws Exception {
        Built b = build("{'from': 'a@shop.test', 'to': 'b@x.test', 'text': 'x', 'attachments': [{'filename': 'r.csv',"
                + " 'content_type': 'text/csv; charset=utf-8; header=\\'present; really\\'', 'content': 'YWJj'}]}");

        assertThat(b.partHeader("r.csv"))
                .contains("Content-Type: text/csv; charset=utf-8; header=\"present; really\"; name=r.csv");
        MessageRequest broken = request("{'from': 'a@shop.test', 'to': 'b@x.test', 'text': 'x',"
                + " 'attachments': [{'filename': 'r.csv', 'content_type': 'text', 'content': 'YWJj'}]}");
        assertThatThrownBy(() -> build(broken, broken.to(), List.of())).isInstanceOf(IOException.class)
                .hasMessageContaining("not type/subtype");
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

    @Test
    void quotedPrintableKeepsLinesShortAndEncodesEqualsSignsTrailingWhitespaceAndNonAscii() throws Exception {
        String text = "Pr\u00fcfsumme a=b " + "x".repeat(200) + " end \n"
                + "tab at the end\t\n" + "=".repeat(100) + "\n" + "\u00e9t\u00e9 ".repeat(30) + "\n.\nlast space ";
        Built b = build("{'from': 'a@shop.test', 'to': 'b@x.test', 'text': '" + text.replace("\t", "\\t")
                .replace("\n", "\\n") + "'}");

        assertThat(b.fields()).contains("Content-Transfer-Encoding: quoted-printable");
        String body = rawBody(b, "Content-Transfer-Encoding");
        assertThat(body.split("\r\n", -1)).allSatisfy(l -> {
            assertThat(l.length()).isLessThanOrEqualTo(76);
            assertThat(l).doesNotEndWith(" ").doesNotEndWith("\t").matches("([!-<>-~ \t]|=[0-9A-F]{2})*=?");
        });
        assertThat(body).startsWith("Pr=C3=BCfsumme a=3Db x").contains("=20\r\n", "=09\r\n", "=3D=3D")
                .endsWith("last space=20");
        assertThat(part(python(b.bytes()), "text/plain").get("text").asText()).isEqualTo(crlf(text));
    }

    @Test
    void textIsBase64FromJustOverAThirdOfNonAsciiOctets() throws Exception {
        String under = "\u00e9".repeat(10) + "a".repeat(40); // 20 of 60 octets
        String over = "\u00e9".repeat(10) + "a".repeat(39); // 20 of 59
        Built q = build("{'from': 'a@shop.test', 'to': 'b@x.test', 'text': '" + under + "'}");
        Built b = build("{'from': 'a@shop.test', 'to': 'b@x.test', 'text': '" + over + "'}");

        assertThat(q.fields()).contains("Content-Transfer-Encoding: quoted-printable");
        assertThat(b.fields()).contains("Content-Transfer-Encoding: base64");
        assertThat(part(python(q.bytes()), "text/plain").get("text").asText()).isEqualTo(under);
        assertThat(part(python(b.bytes()), "text/plain").get("text").asText()).isEqualTo(over);
    }

    @Test
    void asciiWithAControlCharacterIsNot7bit() throws Exception {
        Built b = build("{'from': 'a@shop.test', 'to': 'b@x.test', 'text': 'bell\\u0007 rings'}");

        assertThat(b.fields()).contains("Content-Transfer-Encoding: quoted-printable");
        assertThat(b.text()).endsWith("bell=07 rings");
    }

    @Test
    void aLongNonAsciiFileNameIsSplitIntoRfc2231ExtendedContinuations() throws Exception {
        String name = "Gr\u00f6\u00dfen\u00fcbersicht \u6771\u4eac ".repeat(6) + "\u2603.pdf";
        Built b = build("{'from': 'a@shop.test', 'to': 'b@x.test', 'text': 'see attached',"
                + " 'attachments': [{'filename': '" + name + "', 'content': 'JVBERi0x'}]}");

        assertThat(b.text()).contains("filename*0*=UTF-8''Gr%C3%B6%C3%9Fen", "filename*1*=", "name*0*=UTF-8''");
        assertThat(b.text().lines().filter(l -> l.contains("name*")))
                .hasSizeGreaterThan(4).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(78));
        assertThat(isAscii(b.text())).isTrue();
        JsonNode pdf = part(python(b.bytes()), "application/pdf");
        assertThat(pdf.get("filename").asText()).isEqualTo(name);
        assertThat(pdf.get("text").asText()).isEqualTo("%PDF-1");
    }

    @Test
    void aFiveMegabyteAttachmentIsStreamedWithASmallHeapFootprint() throws Exception {
        Path file = dir.resolve("big.bin");
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] block = new byte[64 * 1024];
        Random random = new Random(11);
        try (OutputStream out = new DigestOutputStream(Files.newOutputStream(file), digest)) {
            for (int i = 0; i < 80; i++) {
                random.nextBytes(block);
                out.write(block);
            }
        }
        MessageRequest m = request("{'from': 'a@shop.test', 'to': 'b@x.test', 'text': 'the data'}");
        MessageRequest big = withAttachments(m, List.of(new Attachment("data.bin", null, fileContent(file), null, null)));
        build(big, big.to(), List.of()); // warm up
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();

        BuiltMessage built = MimeBuilder.build(big, null, big.text(), null, big.to(), List.of(), dir, 64 * 1024);

        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(allocated).as("octets allocated").isLessThan(1 << 20);
        assertThat(built.content().inMemory()).isNull();
        byte[] bytes;
        try (InputStream in = built.content().openStream()) {
            bytes = in.readAllBytes();
        }
        built.content().close();
        assertThat(longestLine(bytes)).isEqualTo(76);
        assertCrlfOnly(bytes);
        JsonNode data = part(python(bytes), "application/octet-stream");
        assertThat(data.get("size").asLong()).isEqualTo(80 * 64 * 1024);
        assertThat(data.get("sha256").asText()).isEqualTo(HexFormat.of().formatHex(digest.digest()));
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
    void randomValuesAndBodiesReadBackAsWritten() throws Exception {
        Random random = new Random(2026);
        List<Built> built = new ArrayList<>();
        List<ObjectNode> requests = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            ObjectNode r = JSON.createObjectNode().put("to", "b@x.test").put("subject", randomText(random, false))
                    .put("text", randomText(random, true)).put("html", i % 3 == 0 ? randomText(random, true) : null);
            r.putObject("from").put("email", "a@shop.test").put("name", randomText(random, false).strip());
            r.putObject("headers").put("X-Random", randomText(random, false));
            r.putArray("attachments").addObject().put("filename", randomText(random, false).strip() + ".txt")
                    .put("content", base64(randomText(random, true)));
            MessageRequest m = MessageJson.parse(new ByteArrayInputStream(JSON.writeValueAsBytes(r)), dir);
            built.add(build(m, m.to(), List.of()));
            requests.add(r);
        }

        JsonNode parsed = python(built.stream().map(Built::bytes).toList());
        for (int i = 0; i < built.size(); i++) {
            Built b = built.get(i);
            JsonNode p = parsed.get(i);
            ObjectNode r = requests.get(i);
            assertThat(longestLine(b.bytes())).isLessThanOrEqualTo(998);
            assertThat(b.text().split("\r\n")).filteredOn(l -> l.contains("=?UTF-8?"))
                    .allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(76));
            assertThat(isAscii(b.text())).isTrue();
            assertThat(p.get("defects")).as(b.text()).isEmpty();
            assertThat(p.get("crlf_only").asBoolean()).isTrue();
            assertThat(p.get("subject").asText()).isEqualTo(r.get("subject").asText().strip());
            assertThat(p.get("headers").get("X-Random").asText()).isEqualTo(r.get("headers").get("X-Random").asText()
                    .strip());
            String name = r.get("from").get("name").asText(); // Python's display names lose and add whitespace
            assertThat(p.get("addresses").get("from").get(0).get(0).asText().replaceAll("\\s", "")).as(b.header())
                    .isEqualTo(name.replaceAll("\\s", ""));
            assertThat(p.get("parts").get(i % 3 == 0 ? 2 : 1).get("text").asText())
                    .isEqualTo(crlf(r.get("text").asText()));
            JsonNode attachment = p.get("parts").get(p.get("parts").size() - 1);
            assertThat(attachment.get("filename").asText()).isEqualTo(r.get("attachments").get(0).get("filename")
                    .asText());
        }
    }

    /** Words, whitespace, specials, non-ASCII letters and emoji, long runs, and line ends when {@code lines}. */
    private static String randomText(Random random, boolean lines) {
        String[] pieces = {"word", "Gr\u00fc\u00dfe", "\u6771\u4eac", "\ud83d\ude00", " ", "  ", "\t", "=", "=?",
            "?=", "\"", "\\", ",", "(", ")", "<", ">", "@", ";", ":", ".", "_", "'", "\u00e9", "\u2603", "-", "!"};
        String[] breaks = {"\n", "\r", "\r\n", " \n", "\t\r\n"};
        StringBuilder sb = new StringBuilder();
        for (int n = random.nextInt(40); n >= 0; n--) {
            int k = random.nextInt(100);
            if (k < 3) {
                sb.append("x".repeat(random.nextInt(1500)));
            } else if (lines && k < 15) {
                sb.append(breaks[random.nextInt(breaks.length)]);
            } else {
                sb.append(pieces[random.nextInt(pieces.length)]);
            }
        }
        return sb.toString();
    }

    @Test
    void crlfTurnsEveryLineEndIntoCrlf() {
        assertThat(MimeBuilder.crlf("a\nb\rc\r\nd\r\r\n")).isEqualTo("a\r\nb\r\nc\r\nd\r\n\r\n");
        assertThat(MimeBuilder.crlf("no line end")).isEqualTo("no line end");
    }
}
