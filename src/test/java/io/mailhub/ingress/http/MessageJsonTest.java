package io.mailhub.ingress.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.mailhub.ingress.http.MessageRequest.Address;
import io.mailhub.ingress.http.MessageRequest.Attachment;
import io.mailhub.ingress.http.MessageRequest.Header;
import io.mailhub.model.DsnNotify;
import io.mailhub.model.DsnRet;
import io.mailhub.model.MailAddress;
import io.mailhub.model.Xtext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The API's message JSON ({@code POST /api/v1/messages}): every field as it is mapped, and every refusal with its
 * status, problem type, enhanced status code and the field it names. JSON is written with single quotes in the tests
 * ({@link #q}) and turned into double quotes before parsing.
 */
class MessageJsonTest {

    @TempDir
    Path spool;

    /** {@code text} with every single quote made a double quote: JSON that reads well inside Java. */
    private static String q(String text) {
        return text.replace('\'', '"');
    }

    private MessageRequest parse(String json) throws ApiProblem {
        return MessageJson.parse(new ByteArrayInputStream(json.getBytes(UTF_8)), spool);
    }

    private ApiProblem refusalOf(String json) {
        return refusalOf(new ByteArrayInputStream(json.getBytes(UTF_8)));
    }

    private ApiProblem refusalOf(InputStream body) {
        try {
            MessageJson.parse(body, spool).discard();
        } catch (ApiProblem p) {
            return p;
        }
        return fail("the request was accepted");
    }

    private static List<String> fields(ApiProblem p) {
        return p.errors.stream().map(ApiProblem.FieldError::field).toList();
    }

    private static void assertMalformed(ApiProblem p) {
        assertThat(p.status).isEqualTo(400);
        assertThat(p.type).isEqualTo("invalid-request");
        assertThat(p.enhancedStatus).isEqualTo("5.5.2");
        assertThat(p.retryAfter).isZero();
    }

    private static String base64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    private static byte[] read(Attachment a) throws IOException {
        try (InputStream in = a.content().openStream()) {
            return in.readAllBytes();
        }
    }

    private long spoolFiles() throws IOException {
        try (Stream<Path> files = Files.list(spool)) {
            return files.count();
        }
    }

    // ---- what each field becomes

    @Test
    void aFromStringWithADisplayNameGivesTheNameAndTheAddress() throws Exception {
        MessageRequest m = parse(q("{'from': 'Ann Example <ann@shop.test>'}"));

        assertThat(m.from()).isEqualTo(new Address("Ann Example", new MailAddress("ann", "shop.test")));
    }

    @Test
    void aQuotedDisplayNameLosesItsQuotesAndEscapes() throws Exception {
        MessageRequest m = parse("{\"from\": \"\\\"Doe, \\\\\\\"JJ\\\\\\\" Jane\\\" <jane@shop.test>\"}");

        assertThat(m.from().name()).isEqualTo("Doe, \"JJ\" Jane");
        assertThat(m.from().email()).isEqualTo(new MailAddress("jane", "shop.test"));
    }

    @Test
    void aFromObjectGivesItsEmailAndName() throws Exception {
        MessageRequest m = parse(q("{'from': {'email': 'ann@shop.test', 'name': 'Ann Example'}}"));

        assertThat(m.from()).isEqualTo(new Address("Ann Example", new MailAddress("ann", "shop.test")));
    }

    @Test
    void aBareAddressHasNoDisplayName() throws Exception {
        assertThat(parse(q("{'from': 'ann@shop.test'}")).from().name()).isNull();
        assertThat(parse(q("{'from': {'email': 'ann@shop.test'}}")).from().name()).isNull();
    }

    @Test
    void aStringOfRecipientsIsSplitAtTheCommasOutsideQuotesAndAngleBrackets() throws Exception {
        MessageRequest m = parse(q("{'to': 'a@x.test, \\'Doe, Jane\\' <jane@x.test>,b@x.test'}"));

        assertThat(m.to()).containsExactly(new Address(null, new MailAddress("a", "x.test")),
                new Address("Doe, Jane", new MailAddress("jane", "x.test")),
                new Address(null, new MailAddress("b", "x.test")));
    }

    @Test
    void recipientsMayBeAListOfStringsAndObjectsOrASingleObject() throws Exception {
        MessageRequest m = parse(q("""
                {'to': ['Ann <ann@x.test>', {'email': 'bob@x.test', 'name': 'Bob'}],
                 'cc': {'email': 'carol@x.test'},
                 'bcc': ['dave@x.test'],
                 'reply_to': 'Help <help@shop.test>'}"""));

        assertThat(m.to()).containsExactly(new Address("Ann", new MailAddress("ann", "x.test")),
                new Address("Bob", new MailAddress("bob", "x.test")));
        assertThat(m.cc()).containsExactly(new Address(null, new MailAddress("carol", "x.test")));
        assertThat(m.bcc()).containsExactly(new Address(null, new MailAddress("dave", "x.test")));
        assertThat(m.replyTo()).containsExactly(new Address("Help", new MailAddress("help", "shop.test")));
    }

    @Test
    void absentAndNullRecipientListsAreEmpty() throws Exception {
        MessageRequest m = parse(q("{'to': null}"));

        assertThat(m.to()).isEmpty();
        assertThat(m.cc()).isEmpty();
        assertThat(m.bcc()).isEmpty();
        assertThat(m.replyTo()).isEmpty();
        assertThat(m.from()).isNull();
    }

    @Test
    void anInternationalizedDomainIsKeptInUnicodeAndHasItsAsciiForm() throws Exception {
        MailAddress a = parse(q("{'to': 'zoe@B\u00fccher.example'}")).to().get(0).email();

        assertThat(a.domain()).isEqualTo("b\u00fccher.example");
        assertThat(a.asciiForm().domain()).isEqualTo("xn--bcher-kva.example");
    }

    @Test
    void theEnvelopeGivesMailFromAndRcptTo() throws Exception {
        MessageRequest m =
                parse(q("{'envelope': {'mail_from': 'bounces@shop.test', 'rcpt_to': ['a@x.test', 'b@y.test']}}"));

        assertThat(m.envelope().mailFrom()).isEqualTo(new MailAddress("bounces", "shop.test"));
        assertThat(m.envelope().nullSender()).isFalse();
        assertThat(m.envelope().rcptTo())
                .containsExactly(new MailAddress("a", "x.test"), new MailAddress("b", "y.test"));
    }

    @Test
    void anEmptyOrAngleBracketMailFromIsTheNullSender() throws Exception {
        for (String nullSender : List.of("", "<>")) {
            MessageRequest m = parse(q("{'envelope': {'mail_from': '" + nullSender + "'}}"));

            assertThat(m.envelope().nullSender()).as("mail_from '%s'", nullSender).isTrue();
            assertThat(m.envelope().mailFrom()).isNull();
            assertThat(m.envelope().rcptTo()).isEmpty();
        }
    }

    @Test
    void subjectTextAndHtmlAreTakenAsGiven() throws Exception {
        MessageRequest m = parse(q("{'subject': 'Gr\u00fc\u00dfe', 'text': 'line one\\nline two',"
                + " 'html': '<p>Hi &amp; bye</p>'}"));

        assertThat(m.subject()).isEqualTo("Gr\u00fc\u00dfe");
        assertThat(m.text()).isEqualTo("line one\nline two");
        assertThat(m.html()).isEqualTo("<p>Hi &amp; bye</p>");
    }

    @Test
    void headersAsAnObjectKeepTheirOrder() throws Exception {
        MessageRequest m =
                parse(q("{'headers': {'X-Campaign': 'spring', 'List-Unsubscribe': '<mailto:u@shop.test>'}}"));

        assertThat(m.headers()).containsExactly(new Header("X-Campaign", "spring"),
                new Header("List-Unsubscribe", "<mailto:u@shop.test>"));
    }

    @Test
    void headersAsAnArrayOfNameAndValueMayRepeatAName() throws Exception {
        MessageRequest m = parse(q("{'headers': [{'name': 'X-Tag', 'value': 'a'}, {'value': 'b', 'name': 'X-Tag'}]}"));

        assertThat(m.headers()).containsExactly(new Header("X-Tag", "a"), new Header("X-Tag", "b"));
    }

    @Test
    void anAttachmentIsDecodedFromBase64WithItsNameTypeContentIdAndDisposition() throws Exception {
        byte[] pdf = "%PDF-1.7 \u0000\u00ff binary".getBytes(UTF_8);
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10};
        MessageRequest m = parse(q("{'attachments': [{'filename': 'invoice.pdf', 'content_type': 'application/pdf',"
                + " 'content': '" + base64(pdf) + "'}, {'content_id': 'logo', 'disposition': 'inline', 'content': '"
                + base64(png) + "'}]}"));

        Attachment first = m.attachments().get(0);
        Attachment second = m.attachments().get(1);
        assertThat(first.filename()).isEqualTo("invoice.pdf");
        assertThat(first.contentType()).isEqualTo("application/pdf");
        assertThat(first.contentId()).isNull();
        assertThat(first.disposition()).isNull();
        assertThat(read(first)).isEqualTo(pdf);
        assertThat(second.filename()).isNull();
        assertThat(second.contentId()).isEqualTo("logo");
        assertThat(second.disposition()).isEqualTo("inline");
        assertThat(read(second)).isEqualTo(png);
    }

    @Test
    void base64BrokenIntoLinesIsAccepted() throws Exception {
        byte[] data = new byte[300];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        String lines = Base64.getMimeEncoder().encodeToString(data).replace("\r\n", "\\r\\n");

        MessageRequest m = parse(q("{'attachments': [{'filename': 'a.bin', 'content': '" + lines + "'}]}"));

        assertThat(read(m.attachments().get(0))).isEqualTo(data);
    }

    @Test
    void aLargeAttachmentIsSpooledToAFileThatDiscardRemoves() throws Exception {
        byte[] big = new byte[200 * 1024];
        big[big.length - 1] = 42;
        MessageRequest m = parse(q("{'attachments': [{'filename': 'big.bin', 'content': '" + base64(big) + "'}]}"));

        assertThat(m.attachments().get(0).content().inMemory()).isNull();
        assertThat(m.attachments().get(0).content().size()).isEqualTo(big.length);
        assertThat(read(m.attachments().get(0))).isEqualTo(big);
        assertThat(spoolFiles()).isEqualTo(1);

        m.discard();

        assertThat(spoolFiles()).isZero();
    }

    @Test
    void aTemplateKeepsItsIdAndItsModelWithNestedValues() throws Exception {
        MessageRequest m = parse(q("{'template': {'id': 'welcome.v2', 'model': {'name': 'Ann', 'order': {'total': 12.5,"
                + " 'items': ['tea', 'cup']}, 'vip': true}}}"));

        assertThat(m.template().id()).isEqualTo("welcome.v2");
        assertThat(m.template().model()).containsEntry("name", "Ann").containsEntry("vip", true)
                .containsEntry("order", Map.of("total", 12.5, "items", List.of("tea", "cup")));
    }

    @Test
    void eachRecipientEntryHasItsAddressModelAndHeaders() throws Exception {
        MessageRequest m = parse(q("""
                {'recipients': [
                   'Ann <ann@x.test>',
                   {'email': 'bob@x.test', 'name': 'Bob', 'model': {'code': 'B-1'},
                    'headers': {'X-Customer': '7'}}]}"""));

        assertThat(m.recipients()).hasSize(2);
        assertThat(m.recipients().get(0).email()).isEqualTo(new Address("Ann", new MailAddress("ann", "x.test")));
        assertThat(m.recipients().get(0).model()).isEmpty();
        assertThat(m.recipients().get(0).headers()).isEmpty();
        assertThat(m.recipients().get(1).email()).isEqualTo(new Address("Bob", new MailAddress("bob", "x.test")));
        assertThat(m.recipients().get(1).model()).containsExactlyEntriesOf(Map.of("code", "B-1"));
        assertThat(m.recipients().get(1).headers()).containsExactly(new Header("X-Customer", "7"));
    }

    @Test
    void tagsMetadataRouteAndSandboxAreTaken() throws Exception {
        MessageRequest m = parse(q("{'tags': ['invoice', 'eu'], 'metadata': {'order': 'A-17', 'amount': 12.50,"
                + " 'paid': false}, 'route': 'bulk', 'sandbox': true}"));

        assertThat(m.tags()).containsExactly("invoice", "eu");
        assertThat(m.metadata()).containsExactly(Map.entry("order", "A-17"), Map.entry("amount", "12.50"),
                Map.entry("paid", "false"));
        assertThat(m.route()).isEqualTo("bulk");
        assertThat(m.sandbox()).isTrue();
    }

    @Test
    void aTagWithACommaTooManyTagsAndTooMuchMetadataAreRefusedWithTheirFieldNamed() {
        String many = "'" + String.join("', '", java.util.stream.IntStream.range(0, 11).mapToObj(i -> "t" + i)
                .toList()) + "'";
        String entries = java.util.stream.IntStream.range(0, 21).mapToObj(i -> "'k" + i + "': 'v'")
                .collect(java.util.stream.Collectors.joining(", "));

        assertThat(fields(refusalOf(q("{'tags': ['ok', 'a,b']}")))).containsExactly("tags[1]");
        assertThat(fields(refusalOf(q("{'tags': [" + many + "]}")))).containsExactly("tags");
        assertThat(fields(refusalOf(q("{'metadata': {" + entries + "}}")))).containsExactly("metadata");
        assertThat(fields(refusalOf(q("{'metadata': {'" + "n".repeat(101) + "': 'v'}}"))))
                .containsExactly("metadata." + "n".repeat(101));
        assertThat(fields(refusalOf(q("{'metadata': {'order': '" + "v".repeat(1001) + "'}}"))))
                .containsExactly("metadata.order");
    }

    @Test
    void aRequestWithoutOptionalFieldsHasTheirDefaults() throws Exception {
        MessageRequest m = parse("{}");

        assertThat(m.sandbox()).isFalse();
        assertThat(m.tags()).isEmpty();
        assertThat(m.metadata()).isEmpty();
        assertThat(m.attachments()).isEmpty();
        assertThat(m.headers()).isEmpty();
        assertThat(m.recipients()).isEmpty();
        assertThat(m.template()).isNull();
        assertThat(m.envelope()).isNull();
        assertThat(m.dsn()).isNull();
        assertThat(m.sendAt()).isNull();
    }

    @Test
    void sendAtIsAnRfc3339TimeInUtcOrWithAnOffset() throws Exception {
        String utc = "2026-12-01T08:00:00Z";
        String offset = "2026-12-01T09:00:00+01:00";

        assertThat(parse(q("{'send_at': '" + utc + "'}")).sendAt()).isEqualTo(Instant.parse(utc));
        assertThat(parse(q("{'send_at': '" + offset + "'}")).sendAt())
                .isEqualTo(OffsetDateTime.parse(offset).toInstant()).isEqualTo(Instant.parse(utc));
    }

    @Test
    void dsnGivesNotifyRetAndAnEnvidInXtextAsSmtpCarriesIt() throws Exception {
        String envid = "order+17=paid";
        MessageRequest m =
                parse(q("{'dsn': {'notify': ['failure', 'DELAY'], 'ret': 'hdrs', 'envid': '" + envid + "'}}"));

        assertThat(m.dsn().notifyOn()).containsExactlyInAnyOrder(DsnNotify.FAILURE, DsnNotify.DELAY);
        assertThat(m.dsn().ret()).isEqualTo(DsnRet.HDRS);
        assertThat(m.dsn().envid()).isEqualTo(Xtext.encode(envid)).isNotEqualTo(envid);
        assertThat(Xtext.decode(m.dsn().envid())).isEqualTo(envid);
    }

    @Test
    void dsnNeverIsAccepted() throws Exception {
        assertThat(parse(q("{'dsn': {'notify': ['NEVER']}}")).dsn().notifyOn()).containsExactly(DsnNotify.NEVER);
    }

    // ---- the body as a whole

    @Test
    void malformedJsonIsA400SayingWhere() {
        ApiProblem p = refusalOf("{\n  \"to\": \"a@x.test\",\n  \"subject\" \"no colon\"\n}");

        assertMalformed(p);
        assertThat(p.detail()).startsWith("the body is not valid JSON").contains("line 3");
        assertThat(p.errors).isEmpty();
    }

    @Test
    void aBodyThatEndsTooEarlyIsA400() {
        assertMalformed(refusalOf(q("{'to': 'a@x.test'")));
        assertMalformed(refusalOf(""));
    }

    @Test
    void aBodyThatIsNotAnObjectIsA400() {
        for (String body : List.of("[]", "\"text\"", "42", "null")) {
            ApiProblem p = refusalOf(body);

            assertMalformed(p);
            assertThat(p.detail()).as(body).isEqualTo("the body must be a JSON object");
        }
    }

    @Test
    void aSecondObjectAfterTheFirstIsA400() {
        ApiProblem p = refusalOf("{} {}");

        assertMalformed(p);
        assertThat(p.detail()).contains("nothing after it");
    }

    @Test
    void aBodyOverTheLimitIsA413WithTheSizeStatus() {
        byte[] body = q("{'text': '" + "x".repeat(2000) + "'}").getBytes(UTF_8);

        ApiProblem p = refusalOf(new LimitedInputStream(new ByteArrayInputStream(body), 1000));

        assertThat(p.status).isEqualTo(413);
        assertThat(p.type).isEqualTo("message-too-big");
        assertThat(p.enhancedStatus).isEqualTo("5.3.4");
        assertThat(p.detail()).contains("1000");
    }

    // ---- field problems: 400, each naming its field

    @ParameterizedTest(name = "{0} is refused as {1}: {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "{'subject': 5} | subject | must be a string",
        "{'text': ['a']} | text | must be a string",
        "{'html': {}} | html | must be a string",
        "{'route': true} | route | must be a string",
        "{'sandbox': 'yes'} | sandbox | must be true or false",
        "{'tags': 'invoice'} | tags | must be an array of strings",
        "{'tags': [1]} | tags[0] | must be a string",
        "{'metadata': ['a']} | metadata | must be an object of string values",
        "{'metadata': {'order': {'id': 1}}} | metadata.order | must be a string, number or boolean",
        "{'headers': 'X-A: b'} | headers | must be an object or an array of {name, value}",
        "{'headers': ['X-A: b']} | headers[0] | must be {'name': ..., 'value': ...}",
        "{'attachments': {}} | attachments | must be an array of attachments",
        "{'attachments': ['a.txt']} | attachments[0] | must be an object",
        "{'attachments': [{'filename': 'a', 'content': 5}] } | attachments[0].content | must be a base64 string",
        "{'envelope': 'a@x.test'} | envelope | must be {'mail_from': ..., 'rcpt_to': [...]}",
        "{'envelope': {'rcpt_to': 'a@x.test'}} | envelope.rcpt_to | must be an array of strings",
        "{'template': 'welcome'} | template | must be {'id': ..., 'model': {...}}",
        "{'template': {'id': 'w', 'model': []}} | template.model | must be an object",
        "{'recipients': 'a@x.test'} | recipients | must be an array of {email, model, headers}",
        "{'recipients': [5]} | recipients[0] | must be an address or {email, name, model, headers}",
        "{'dsn': ['FAILURE']} | dsn | must be {'notify': [...], 'ret': ..., 'envid': ...}",
        "{'to': 5} | to | must be an address: 'Name <user@example.com>' or {'email': ..., 'name': ...}",
        "{'send_at': 1764576000} | send_at | must be a string",
    })
    void aValueOfTheWrongTypeIsA400NamingTheField(String json, String field, String message) {
        ApiProblem p = refusalOf(q(json));

        assertMalformed(p);
        assertThat(p.errors).containsExactly(new ApiProblem.FieldError(field, q(message)));
        assertThat(p.detail()).isEqualTo(field + ": " + q(message));
    }

    @ParameterizedTest(name = "{0} is refused as {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "{'fromm': 'a@x.test'} | fromm | is not a field of a message",
        "{'from': {'email': 'a@x.test', 'mail': 'b'}} | from.mail | is not a field of an address (email, name)",
        "{'envelope': {'rcpt': ['a@x.test']}} | envelope.rcpt | is not a field of an envelope (mail_from, rcpt_to)",
        "{'attachments': [{'filename': 'a', 'content': 'YQ==', 'size': 1}]} | attachments[0].size | is not a field of an attachment",
        "{'headers': [{'name': 'X-A', 'value': 'b', 'v': 1}]} | headers[0].v | is not a field of a header (name, value)",
        "{'template': {'id': 'w', 'vars': {}}} | template.vars | is not a field of a template (id, model)",
        "{'recipients': [{'email': 'a@x.test', 'cc': 'b'}]} | recipients[0].cc | is not a field of a recipient (email, name, model, headers)",
        "{'dsn': {'orcpt': 'x'}} | dsn.orcpt | is not a field of dsn (notify, ret, envid)",
    })
    void anUnknownFieldIsA400NamingTheField(String json, String field, String message) {
        ApiProblem p = refusalOf(q(json));

        assertMalformed(p);
        assertThat(p.errors).containsExactly(new ApiProblem.FieldError(field, message));
    }

    @Test
    void everyProblemIsReportedInOrderNotOnlyTheFirst() {
        ApiProblem p = refusalOf(q("{'subject': 1, 'colour': 'red', 'sandbox': 'no', 'to': 'a@x.test'}"));

        assertMalformed(p);
        assertThat(fields(p)).containsExactly("subject", "colour", "sandbox");
        assertThat(p.detail()).isEqualTo(p.errors.size() + " fields are not valid");
    }

    @Test
    void badBase64InAnAttachmentIsA400NamingItsContentAndTheRestIsStillChecked() {
        ApiProblem p = refusalOf(q("{'attachments': [{'filename': 'a.txt', 'content': 'YWJj'},"
                + " {'filename': 'b.txt', 'content': 'YW!j'}], 'subjekt': 'x'}"));

        assertMalformed(p);
        assertThat(p.errors).containsExactly(new ApiProblem.FieldError("attachments[1].content", "is not valid base64"),
                new ApiProblem.FieldError("subjekt", "is not a field of a message"));
    }

    @Test
    void base64WithoutItsPaddingIsRefused() {
        ApiProblem p = refusalOf(q("{'attachments': [{'filename': 'a.txt', 'content': 'YWJjZA'}]}"));

        assertMalformed(p);
        assertThat(fields(p)).containsExactly("attachments[0].content");
    }

    @Test
    void aRefusedRequestLeavesNoSpoolFileBehind() throws Exception {
        String big = base64(new byte[200 * 1024]);

        refusalOf(q("{'attachments': [{'filename': 'big.bin', 'content': '" + big + "'}], 'colour': 'red'}"));
        refusalOf(q("{'attachments': [{'filename': 'big.bin', 'content': '" + big + "'}], 'subject': }"));

        assertThat(spoolFiles()).isZero();
    }

    @Test
    void anAttachmentWithoutContentIsA400() {
        ApiProblem p = refusalOf(q("{'attachments': [{'filename': 'a.txt'}]}"));

        assertMalformed(p);
        assertThat(p.errors)
                .containsExactly(new ApiProblem.FieldError("attachments[0].content", "is required (base64)"));
    }

    @Test
    void anAttachmentNeedsAFileNameOrAContentId() {
        ApiProblem p = refusalOf(q("{'attachments': [{'content': 'YWJj'}]}"));

        assertMalformed(p);
        assertThat(fields(p)).containsExactly("attachments[0].filename");
    }

    @Test
    void anAttachmentDispositionIsAttachmentOrInline() throws Exception {
        ApiProblem p =
                refusalOf(q("{'attachments': [{'filename': 'a', 'content': 'YWJj', 'disposition': 'form-data'}]}"));

        assertMalformed(p);
        assertThat(p.errors).containsExactly(
                new ApiProblem.FieldError("attachments[0].disposition", "must be attachment or inline"));
        assertThat(parse(q("{'attachments': [{'filename': 'a', 'content': 'YWJj', 'disposition': 'INLINE'}]}"))
                .attachments()).hasSize(1);
    }

    @Test
    void aLineBreakInAnyHeaderTextIsA400SoNoHeaderCanBeInjected() {
        ApiProblem p = refusalOf(q("""
                {'subject': 'Hi\\r\\nBcc: victim@x.test',
                 'from': {'email': 'a@shop.test', 'name': 'A\\nB'},
                 'headers': {'X-A': 'b\\nX-Evil: 1'},
                 'attachments': [{'filename': 'a.txt', 'content_type': 'text/plain\\r\\nX: y', 'content': 'YWJj'}],
                 'tags': ['t\\u0000']}"""));

        assertMalformed(p);
        List<String> fields = List.of("subject", "from.name", "headers.X-A", "attachments[0].content_type", "tags[0]");
        assertThat(fields(p)).containsOnlyElementsOf(fields);
        for (String field : fields) {
            assertThat(p.errors).contains(new ApiProblem.FieldError(field, "must not contain line breaks or NUL"));
        }
    }

    @Test
    void aLineBreakInADisplayNameWrittenAsTextIsA400() {
        ApiProblem p = refusalOf(q("{'to': 'A\\r\\nBcc: v@x.test <a@x.test>'}"));

        assertMalformed(p);
        assertThat(p.errors).containsExactly(
                new ApiProblem.FieldError("to", "the display name must not contain line breaks"));
    }

    @Test
    void aHeaderNameMustBePrintableAsciiWithoutColonOrSpace() {
        ApiProblem p = refusalOf(q("{'headers': {'X Bad': 'a', 'X:Bad': 'b', 'X-\u00e9': 'c', 'X-Good': 'd'}}"));

        assertMalformed(p);
        assertThat(fields(p)).containsExactly("headers.X Bad", "headers.X:Bad", "headers.X-\u00e9");
        assertThat(p.errors).allSatisfy(e -> assertThat(e.message())
                .isEqualTo("the header name must be printable ASCII without ':' or spaces"));
    }

    @Test
    void mailhubHeaderFieldsCannotBeSetInAnyCase() {
        ApiProblem p = refusalOf(q("{'headers': [{'name': 'MailhubRoute', 'value': 'x'}, {'name': 'mailhubqueueid',"
                + " 'value': 'y'}]}"));

        assertMalformed(p);
        assertThat(fields(p)).containsExactly("headers[0]", "headers[1]");
        assertThat(p.errors).allSatisfy(e -> assertThat(e.message()).contains("Mailhub* header fields"));
    }

    @Test
    void aHeaderValueThatIsNotAStringIsA400NamingTheHeader() {
        ApiProblem p = refusalOf(q("{'headers': {'X-A': 1}}"));

        assertMalformed(p);
        assertThat(fields(p)).containsOnly("headers.X-A");
        assertThat(p.errors.get(0).message()).isEqualTo("must be a string");
    }

    @Test
    void aHeaderNeedsAValue() {
        ApiProblem p = refusalOf(q("{'headers': [{'name': 'X-A'}]}"));

        assertMalformed(p);
        assertThat(p.errors).containsExactly(new ApiProblem.FieldError("headers[0]", "needs a value"));
    }

    @Test
    void aTemplateIdThatCouldNameAFileElsewhereIsA400() {
        for (String id : List.of("../secrets/x", "/etc/passwd", ".hidden", "a/b", "")) {
            ApiProblem p = refusalOf(q("{'template': {'id': '" + id + "'}}"));

            assertMalformed(p);
            assertThat(fields(p)).as(id).containsExactly("template.id");
        }
    }

    @Test
    void aTemplateWithoutIdIsA400() {
        ApiProblem p = refusalOf(q("{'template': {'model': {'a': 1}}}"));

        assertMalformed(p);
        assertThat(fields(p)).containsExactly("template.id");
    }

    @Test
    void sendAtThatIsNotATimeIsA400() {
        ApiProblem p = refusalOf(q("{'send_at': 'tomorrow 8am'}"));

        assertMalformed(p);
        assertThat(p.errors).containsExactly(
                new ApiProblem.FieldError("send_at", "must be an RFC 3339 time such as 2026-12-01T08:00:00Z"));
    }

    @Test
    void dsnValuesSmtpWouldRefuseAreA400() {
        ApiProblem p = refusalOf(q("{'dsn': {'notify': ['NEVER', 'FAILURE'], 'ret': 'ALL', 'envid': 'has space'}}"));

        assertMalformed(p);
        assertThat(fields(p)).containsExactly("dsn.notify", "dsn.ret", "dsn.envid");
        assertThat(p.errors.get(1).message()).isEqualTo("must be FULL or HDRS");
        assertThat(p.errors.get(2).message()).isEqualTo("must be at most 100 printable ASCII characters");
    }

    @Test
    void anEnvidOverOneHundredCharactersIsA400() throws Exception {
        assertThat(parse(q("{'dsn': {'envid': '" + "e".repeat(100) + "'}}")).dsn().envid()).hasSize(100);
        assertThat(fields(refusalOf(q("{'dsn': {'envid': '" + "e".repeat(101) + "'}}")))).containsExactly("dsn.envid");
    }

    @Test
    void aRecipientEntryWithoutEmailIsA400() {
        ApiProblem p = refusalOf(q("{'recipients': [{'name': 'Ann', 'model': {}}]}"));

        assertMalformed(p);
        assertThat(p.errors).containsExactly(new ApiProblem.FieldError("recipients[0].email", "is required"));
    }

    @Test
    void anAddressObjectWithoutEmailIsA400() {
        ApiProblem p = refusalOf(q("{'cc': {'name': 'Ann'}}"));

        assertMalformed(p);
        assertThat(p.errors).containsExactly(new ApiProblem.FieldError("cc.email", "is required"));
    }

    // ---- addresses: 422 invalid-address, 5.1.3 as SMTP's 501 5.1.3

    @Test
    void aBadAddressIsA422InvalidAddressWithTheSmtpStatus513() {
        ApiProblem p = refusalOf(q("{'to': 'not-an-address'}"));

        assertThat(p.status).isEqualTo(422);
        assertThat(p.type).isEqualTo("invalid-address");
        assertThat(p.enhancedStatus).isEqualTo("5.1.3");
        assertThat(p.errors).singleElement().satisfies(e -> {
            assertThat(e.field()).isEqualTo("to");
            assertThat(e.message()).startsWith("'not-an-address' is not an email address");
        });
    }

    @Test
    void everyBadAddressIsNamedWhereverItIs() {
        ApiProblem p = refusalOf(q("""
                {'from': {'email': 'nobody'},
                 'to': ['ok@x.test', 'Bad <bad@>'],
                 'reply_to': 'x@@y.test',
                 'envelope': {'mail_from': 'bounce', 'rcpt_to': ['ok@x.test', 'r@']},
                 'recipients': ['p@', {'email': 'q'}]}"""));

        assertThat(p.status).isEqualTo(422);
        assertThat(p.type).isEqualTo("invalid-address");
        assertThat(p.enhancedStatus).isEqualTo("5.1.3");
        assertThat(fields(p)).containsExactly("from.email", "to[1]", "reply_to", "envelope.mail_from",
                "envelope.rcpt_to[1]", "recipients[0]", "recipients[1].email");
        assertThat(p.detail()).isEqualTo(p.errors.size() + " fields are not valid");
    }

    @Test
    void aBadAddressAmongOtherProblemsMakesTheWholeA400() {
        ApiProblem p = refusalOf(q("{'to': 'bad', 'subject': 1}"));

        assertMalformed(p);
        assertThat(fields(p)).containsExactly("to", "subject");
    }

    @Test
    void aDomainIdna2008DoesNotAllowIsABadAddress() {
        ApiProblem p = refusalOf(q("{'to': 'a@\u2603.test'}"));

        assertThat(p.status).isEqualTo(422);
        assertThat(p.enhancedStatus).isEqualTo("5.1.3");
        assertThat(fields(p)).containsExactly("to");
    }

    // ---- what a parsed request still needs before anything is built (ApiSender, shared with the aliases)

    private ApiProblem refusalToSend(String json) throws Exception {
        MessageRequest m = parse(q(json));
        try {
            new ApiSender(null, new Templates(spool), spool, 1 << 16, Clock.systemUTC()).test(m);
        } catch (ApiProblem p) {
            return p;
        }
        return fail("the request was accepted");
    }

    @Test
    void aRequestWithoutAnyRecipientIsA422NoRecipients() throws Exception {
        for (String json : List.of("{'from': 'a@shop.test', 'text': 'hi'}",
                "{'from': 'a@shop.test', 'text': 'hi', 'to': [], 'cc': [], 'recipients': []}",
                "{'from': 'a@shop.test', 'text': 'hi', 'envelope': {'rcpt_to': []}}")) {
            ApiProblem p = refusalToSend(json);

            assertThat(p.status).as(json).isEqualTo(422);
            assertThat(p.type).isEqualTo("no-recipients");
            assertThat(p.enhancedStatus).isEqualTo("5.5.1");
            assertThat(p.errors).containsExactly(new ApiProblem.FieldError("to", "has no recipient"));
        }
    }

    @Test
    void aRequestWithoutFromIsA422MissingSender() throws Exception {
        ApiProblem p = refusalToSend("{'to': 'b@x.test', 'text': 'hi'}");

        assertThat(p.status).isEqualTo(422);
        assertThat(p.type).isEqualTo("missing-sender");
        assertThat(p.enhancedStatus).isEqualTo("5.5.1");
        assertThat(p.errors).containsExactly(new ApiProblem.FieldError("from", "is required"));
    }

    @Test
    void recipientsWithToIsA422RecipientsConflict() throws Exception {
        ApiProblem p = refusalToSend(
                "{'from': 'a@shop.test', 'to': 'b@x.test', 'recipients': ['c@x.test'], 'text': 'hi'}");

        assertThat(p.status).isEqualTo(422);
        assertThat(p.type).isEqualTo("recipients-conflict");
        assertThat(p.enhancedStatus).isEqualTo("5.5.1");
        assertThat(fields(p)).containsExactly("recipients");
    }

    @Test
    void aRequestWithoutTextHtmlOrTemplateIsA422EmptyMessage() throws Exception {
        ApiProblem p = refusalToSend("{'from': 'a@shop.test', 'to': 'b@x.test', 'subject': 'only a subject'}");

        assertThat(p.status).isEqualTo(422);
        assertThat(p.type).isEqualTo("empty-message");
        assertThat(p.enhancedStatus).isEqualTo("5.6.0");
        assertThat(fields(p)).containsExactly("text");
    }

    @Test
    void envelopeRecipientsAloneAreEnoughToSend() throws Exception {
        MessageRequest m = parse(q("{'from': 'a@shop.test', 'text': 'hi', 'envelope': {'rcpt_to': ['b@x.test']}}"));

        List<ApiSender.Sent> sent =
                new ApiSender(null, new Templates(spool), spool, 1 << 16, Clock.systemUTC()).test(m);

        assertThat(sent).singleElement().satisfies(s -> assertThat(s.accepted())
                .containsExactly(new MailAddress("b", "x.test")));
    }

    @Test
    void textAfterTheObjectLeavesNoSpoolFileBehind() throws Exception {
        String big = base64(new byte[200 * 1024]);
        ApiProblem p = refusalOf(q("{'attachments': [{'filename': 'big.bin', 'content': '" + big + "'}]} trailing"));

        assertMalformed(p);
        assertThat(spoolFiles()).isZero();
    }

    @Test
    void aBodyCutOffAtTheLimitLeavesNoSpoolFileBehind() throws Exception {
        String big = base64(new byte[200 * 1024]);
        byte[] body = q("{'attachments': [{'filename': 'big.bin', 'content': '" + big + "'}], 'text': '"
                + "x".repeat(100_000) + "'}").getBytes(UTF_8);

        ApiProblem p = refusalOf(new LimitedInputStream(new ByteArrayInputStream(body), body.length - 1000));

        assertThat(p.status).isEqualTo(413);
        assertThat(spoolFiles()).isZero();
    }

    @Test
    void aBadRcptToIsNamedByItsOwnIndexAfterAWrongEntry() {
        assertThat(fields(refusalOf(q("{'envelope': {'rcpt_to': [5, 'bad']}}"))))
                .containsExactly("envelope.rcpt_to[0]", "envelope.rcpt_to[1]");
        assertThat(fields(refusalOf(q("{'envelope': {'rcpt_to': ['ok@x.test', null, 'bad']}}"))))
                .containsExactly("envelope.rcpt_to[1]", "envelope.rcpt_to[2]");
    }

    @Test
    void aHeaderThatTheRequestsOwnFieldsSetIsRefused() {
        for (String name : List.of("From", "Subject", "to", "Reply-To", "Sender", "Content-Type", "MIME-Version",
                "Received", "Bcc")) {
            ApiProblem p = refusalOf(q("{'headers': {'" + name + "': 'x@evil.test'}}"));
            assertMalformed(p);
            assertThat(fields(p)).as(name).containsExactly("headers." + name);
        }
    }
}
