package io.mailhub.routing;

import static io.mailhub.routing.PolicyBlocksTestBase.multipart;
import static io.mailhub.routing.PolicyBlocksTestBase.recipient;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.mailhub.bounce.BounceStage;
import io.mailhub.model.BodyType;
import io.mailhub.model.Envelope;
import io.mailhub.model.EnvelopeHeaders;
import io.mailhub.model.Recipient;
import io.mailhub.model.SmtpPath;
import io.mailhub.model.SmtpReply;
import io.mailhub.relay.DeliveryReport;
import io.mailhub.relay.RecipientResult;
import io.mailhub.relay.RecipientStatus;
import io.mailhub.relay.SmtpRelayConstants;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.camel.Exchange;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.apache.camel.test.main.junit5.Configure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every block of the routing route ({@code from: direct:routing}, after the queue), loaded by Camel Main from
 * {@code routing-blocks/<dsl>/routing.camel.<dsl>} and run by {@link RoutingStage} as dispatch runs it for a message
 * taken from {@code mail.incoming}. No broker: {@code jms} is a mock component, so the queues the blocks send to are
 * mock endpoints; the file egress writes to a temporary directory, the webhook posts to a JDK HTTP server. The
 * subclasses load the same rules written in the YAML DSL and in the XML DSL.
 */
@CamelMainTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RoutingBlocksTestBase {

    private static final String MESSAGE = "From: a@client.test\r\nX-Internal: secret\r\nSubject: Order 7\r\n\r\nbody\r\n";

    private RouteBlocksConfiguration blocks;
    private RoutingStage stage;
    private Path egress;
    private HttpServer webhook;
    private String webhookUrl;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<Exchange> outcomes = new CopyOnWriteArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();

    /** A request the webhook got. */
    private record Request(String path, com.sun.net.httpserver.Headers headers, byte[] body) {}

    /** {@code yaml} or {@code xml}. */
    abstract String dsl();

    @BeforeAll
    void startTheWebhook() throws Exception {
        egress = Files.createTempDirectory("routing-blocks");
        // /hook/ok takes it, /hook/gone refuses it for good, /hook/busy asks to come back in 7 s
        webhook = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        webhook.createContext("/hook", x -> {
            String path = x.getRequestURI().getPath();
            requests.add(new Request(path, x.getRequestHeaders(), x.getRequestBody().readAllBytes()));
            byte[] answer = path.endsWith("/gone") ? "gone for good".getBytes(StandardCharsets.US_ASCII) : new byte[0];
            if (path.endsWith("/busy")) {
                x.getResponseHeaders().add("Retry-After", "7");
            }
            x.sendResponseHeaders(path.endsWith("/ok") ? 200 : path.endsWith("/gone") ? 410 : 503,
                    answer.length == 0 ? -1 : answer.length);
            x.getResponseBody().write(answer);
            x.close();
        });
        webhook.start();
        webhookUrl = "http://127.0.0.1:" + webhook.getAddress().getPort() + "/hook";
    }

    @AfterAll
    void stopTheWebhook() {
        webhook.stop(0);
    }

    @Configure
    void loadTheRoutingRouteOfTheDsl(MainConfigurationProperties main) {
        blocks = new RouteBlocksConfiguration(Map.of("blocks.egress", egress.toString(), "blocks.webhook", webhookUrl));
        main.withRoutesIncludePattern(RouteBlocksConfiguration.routeFile(dsl(), "routing"));
        main.addConfiguration(blocks);
    }

    @BeforeEach
    void freshQueuesAndStage() {
        MockEndpoint.resetMocks(blocks.context());
        requests.clear();
        outcomes.clear();
        stage = new RoutingStage(blocks.hooks(), outcomes::add); // the delivery outcome: where bounces are made
    }

    @Test
    void mailForSeveralDomainsIsSplitIntoOneMessagePerDomainBackIntoTheIncomingQueue() throws Exception {
        Exchange ex = dispatch(Map.of(), MESSAGE, "ann@a.test", "bob@b.test", "cid@a.test");

        assertThat(delivers(ex)).isFalse();
        List<Exchange> parts = queue("mail.incoming").getReceivedExchanges();
        assertThat(parts).hasSize(2);
        assertThat(parts).map(p -> rcpts(p)).containsExactly(List.of("ann@a.test", "cid@a.test"), List.of("bob@b.test"));
        assertThat(parts).map(p -> p.getMessage().getHeader(RoutingStage.SPLIT_FROM)).containsOnly(queueId(ex));
        assertThat(parts).map(p -> p.getMessage().getHeader(EnvelopeHeaders.QUEUE_ID)).doesNotHaveDuplicates()
                .doesNotContain(queueId(ex));
    }

    @Test
    void aBounceFailsEveryRecipientWithTheRoutesStatus() throws Exception {
        Exchange ex = dispatch(Map.of(), MESSAGE, "ann@bounce.test", "bob@bounce.test");

        assertThat(delivers(ex)).isFalse();
        assertThat(bounced()).containsExactly("ann@bounce.test FAILED 550 5.7.2 Mailbox disabled",
                "bob@bounce.test FAILED 550 5.7.2 Mailbox disabled");
    }

    @Test
    void aPermanentRejectAfterTheQueueBecomesABounce() throws Exception {
        dispatch(Map.of(), MESSAGE, "ann@late.test");

        assertThat(bounced()).containsExactly("ann@late.test FAILED 554 5.7.1 Refused after the queue");
    }

    @Test
    void dmarcQuarantineIsHeldInItsQueueAfterTheQueueToo() throws Exception {
        Exchange ex = dispatch(Map.of(MailhubHeaders.DMARC_DISPOSITION, "quarantine"), MESSAGE, "ann@remote.test");

        assertThat(delivers(ex)).isFalse();
        List<Exchange> held = queue("quarantine.dmarc").getReceivedExchanges();
        assertThat(held).hasSize(1);
        assertThat(held.get(0).getMessage().getBody(String.class)).isEqualTo(MESSAGE);
        assertThat(rcpts(held.get(0))).containsExactly("ann@remote.test");
    }

    @Test
    void aMessageThePolicyRouteHeldGoesToItsQueueWithoutTheRoutingRoute() throws Exception {
        Exchange ex = dispatch(Map.of(EnvelopeHeaders.HOLD, "quarantine.dmarc"), MESSAGE, "ann@bounce.test");

        assertThat(delivers(ex)).isFalse();
        assertThat(outcomes).as("the routing route would have bounced it").isEmpty();
        List<Exchange> held = queue("quarantine.dmarc").getReceivedExchanges();
        assertThat(held).hasSize(1);
        assertThat(held.get(0).getMessage().getHeaders()).doesNotContainKey(EnvelopeHeaders.HOLD);
    }

    @Test
    void aMessageThePolicyRouteDiscardedIsDroppedWithoutTheRoutingRoute() throws Exception {
        Exchange ex = dispatch(Map.of(RoutingStage.DISCARD, "junk"), MESSAGE, "ann@bounce.test");

        assertThat(delivers(ex)).isFalse();
        assertThat(outcomes).isEmpty();
        assertThat(sentToAnyQueue()).isZero();
    }

    @Test
    void aDiscardEndsDeliveryAndSendsNothingAnywhere() throws Exception {
        Exchange ex = dispatch(Map.of(), MESSAGE, "ann@drop.test");

        assertThat(delivers(ex)).isFalse();
        assertThat(outcomes).isEmpty();
        assertThat(sentToAnyQueue()).isZero();
        assertThat(requests).isEmpty();
    }

    @Test
    void partnerMailGoesToItsTransportWithTheHeaderEditsInTheMessage() throws Exception {
        Exchange ex = dispatch(Map.of(), MESSAGE, "ann@partner.test");

        assertThat(delivers(ex)).isTrue();
        assertThat(ex.getMessage().getHeader(SmtpRelayConstants.NEXT_HOP)).isEqualTo("transport:partner-tls");
        assertThat(new String(ex.getMessage().getBody(byte[].class), StandardCharsets.ISO_8859_1)).isEqualTo(
                "X-Routed: partner\r\nSubject: [PARTNER] Order 7\r\nFrom: a@client.test\r\n\r\nbody\r\n");
    }

    @Test
    void mailToAnExternalDomainGetsTheDisclaimerFooterAndIsDelivered() throws Exception {
        Exchange ex = dispatch(Map.of(), MESSAGE, "ann@external.test");

        assertThat(delivers(ex)).isTrue();
        assertThat(new String(ex.getMessage().getBody(byte[].class), StandardCharsets.ISO_8859_1)).isEqualTo(
                MESSAGE + "\r\nConfidential: for its recipients only.\r\n");
    }

    @Test
    void anExecutableAttachmentIsReplacedByANoteAndTheMessageIsDelivered() throws Exception {
        String message = "From: a@client.test\r\nSubject: tools\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
                + "--b\r\nContent-Type: text/plain\r\n\r\nhere\r\n--b\r\nContent-Type: application/octet-stream;"
                + " name=setup.exe\r\nContent-Transfer-Encoding: base64\r\n\r\nTVqQAAMAAAAE\r\n--b--\r\n";

        Exchange ex = dispatch(Map.of(), message, "ann@safe.test");

        assertThat(delivers(ex)).isTrue();
        assertThat(new String(ex.getMessage().getBody(byte[].class), StandardCharsets.ISO_8859_1))
                .contains("--b\r\nContent-Type: text/plain\r\n\r\nhere\r\n--b\r\nContent-Type: text/plain;"
                        + " charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nRemoved by the mail"
                        + " system's policy: the attachment setup.exe (application/=\r\noctet-stream).\r\n")
                .endsWith("\r\n--b--\r\n").doesNotContain("TVqQ");
    }

    @Test
    void oldRecipientsAreRewrittenAndTheArchiveCopyIsAdded() throws Exception {
        Exchange ex = dispatch(Map.of(), MESSAGE, "bob@old.test");

        assertThat(delivers(ex)).isTrue();
        assertThat(rcpts(ex)).containsExactly("bob@remote.test", "archive@remote.test");
        assertThat(ex.getMessage().getHeader(EnvelopeHeaders.SENDER)).isEqualTo("a@client.test");
    }

    @Test
    void theJmsEgressSendsTheRawMessageWithTheEnvelopeAsProperties() throws Exception {
        Exchange ex = dispatch(Map.of(), MESSAGE, "erp@jms.test");

        assertThat(delivers(ex)).isFalse();
        List<Exchange> sent = queue("erp.inbox").getReceivedExchanges();
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).getMessage().getBody(byte[].class)).isEqualTo(MESSAGE.getBytes(StandardCharsets.UTF_8));
        assertThat(sent.get(0).getMessage().getHeaders()).containsEntry(MailhubHeaders.MAIL_FROM, "a@client.test")
                .containsEntry(MailhubHeaders.RCPT_TO, "erp@jms.test").containsEntry(MailhubHeaders.INGRESS, "smtp")
                .containsEntry(EnvelopeHeaders.QUEUE_ID, queueId(ex));
    }

    @Test
    void theJmsEgressSendsTheParsedMessageAsJsonWithItsAttachments() throws Exception {
        dispatch(Map.of(), multipart("application/pdf; name=\"invoice.pdf\"", "attachment"), "erp@json.test");

        List<Exchange> sent = queue("erp.json").getReceivedExchanges();
        assertThat(sent).hasSize(1);
        JsonNode json = new ObjectMapper().readTree(sent.get(0).getMessage().getBody(String.class));
        assertThat(json.path("envelope").path("mail_from").asText()).isEqualTo("a@client.test");
        assertThat(json.path("envelope").path("rcpt_to").toString()).isEqualTo("[\"erp@json.test\"]");
        assertThat(json.path("subject").asText()).isEqualTo("with attachment");
        assertThat(json.path("text").asText()).isEqualTo("see attached");
        JsonNode pdf = json.path("attachments").get(0);
        assertThat(pdf.path("filename").asText()).isEqualTo("invoice.pdf");
        assertThat(pdf.path("content_type").asText()).isEqualTo("application/pdf");
        assertThat(new String(Base64.getDecoder().decode(pdf.path("content").asText()), StandardCharsets.US_ASCII))
                .isEqualTo("%PDF-1.4\n");
    }

    @Test
    void theFileEgressWritesTheEmlWithXSenderAndXReceiverLines() throws Exception {
        Exchange ex = dispatch(Map.of(), MESSAGE, "ann@file.test", "bob@file.test");

        assertThat(delivers(ex)).isFalse();
        Path eml = egress.resolve(queueId(ex) + ".eml");
        assertThat(Files.readString(eml, StandardCharsets.UTF_8)).isEqualTo("X-Sender: <a@client.test>\r\n"
                + "X-Receiver: <ann@file.test>\r\nX-Receiver: <bob@file.test>\r\n" + MESSAGE);
        try (var files = Files.list(egress)) {
            assertThat(files.map(f -> f.getFileName().toString())).as("no temporary file left")
                    .noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    void theWebhookGetsSignedJsonAndTheMessageLeavesDelivery() throws Exception {
        Exchange ex = dispatch(Map.of(), MESSAGE, "crm@hook.test");

        assertThat(delivers(ex)).isFalse();
        assertThat(requests).hasSize(1);
        Request r = requests.get(0);
        assertThat(r.headers().getFirst("Content-Type")).isEqualTo("application/json");
        assertThat(r.headers().getFirst("X-Mailhub-Queue-Id")).isEqualTo(queueId(ex));
        String signature = r.headers().getFirst("X-Mailhub-Signature");
        assertThat(signature).matches("t=\\d+,v1=[0-9a-f]{64}");
        String t = signature.substring(2, signature.indexOf(','));
        assertThat(signature).endsWith(",v1=" + hmac("s3cret", t + ".", r.body()));
        JsonNode json = new ObjectMapper().readTree(r.body());
        assertThat(json.path("queue_id").asText()).isEqualTo(queueId(ex));
        assertThat(json.path("envelope").path("rcpt_to").toString()).isEqualTo("[\"crm@hook.test\"]");
        assertThat(json.path("subject").asText()).isEqualTo("Order 7");
    }

    @Test
    void aWebhookThatRefusesForGoodMakesABounceWithItsAnswer() throws Exception {
        Exchange ex = dispatch(Map.of(), MESSAGE, "ann@gone.test");

        assertThat(delivers(ex)).isFalse();
        assertThat(bounced()).containsExactly("ann@gone.test FAILED 550 5.6.0 webhook " + webhookUrl
                + "/gone answered 410: gone for good");
    }

    @Test
    void aWebhookRefusalWithOnFinalDeadSendsTheMessageToMailDeadWithTheReason() throws Exception {
        Exchange ex = dispatch(Map.of(), MESSAGE, "ann@dead.test");

        assertThat(delivers(ex)).isFalse();
        assertThat(outcomes).isEmpty();
        List<Exchange> dead = queue("mail.dead").getReceivedExchanges();
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).getMessage().getHeader(BounceStage.DEAD_REASON)).isEqualTo("egress failed: webhook "
                + webhookUrl + "/gone answered 410: gone for good");
    }

    @Test
    void aBusyWebhookHasTheMessageScheduledAgainAfterItsRetryAfter() throws Exception {
        long before = System.currentTimeMillis();
        Exchange ex = dispatch(Map.of(), MESSAGE, "ann@busy.test");
        long after = System.currentTimeMillis();

        assertThat(delivers(ex)).isFalse();
        List<Exchange> again = queue("mail.incoming").getReceivedExchanges();
        assertThat(again).hasSize(1);
        assertThat(again.get(0).getMessage().getHeader(RoutingStage.EGRESS_ATTEMPTS)).isEqualTo(1);
        assertThat(again.get(0).getMessage().getHeader("_AMQ_SCHED_DELIVERY", Long.class))
                .isBetween(before + 7_000, after + 7_000);
        assertThat(again.get(0).getMessage().getHeader(EnvelopeHeaders.QUEUE_ID)).isEqualTo(queueId(ex));
    }

    @Test
    void aWebhookThatStaysBusyToTheLastAttemptSendsTheMessageToMailDeadAndItsArchiveCopyIsStillDelivered()
            throws Exception {
        Exchange ex = dispatch(Map.of(RoutingStage.EGRESS_ATTEMPTS, RoutingStage.MAX_EGRESS_ATTEMPTS - 1), MESSAGE,
                "ann@archived-busy.test");

        List<Exchange> dead = queue("mail.dead").getReceivedExchanges();
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).getMessage().getHeader(BounceStage.DEAD_REASON, String.class))
                .startsWith("egress failed: webhook failed 8 times: webhook " + webhookUrl + "/busy answered 503");
        assertThat(dead.get(0).getMessage().getHeader(EnvelopeHeaders.RECIPIENTS, String.class))
                .contains("ann@archived-busy.test").doesNotContain("archive@remote.test");
        assertThat(queue("mail.incoming").getReceivedExchanges()).as("not scheduled again").isEmpty();
        assertThat(delivers(ex)).as("the copy the route made, as after a final refusal").isTrue();
        assertThat(rcpts(ex)).containsExactly("archive@remote.test");
    }

    /** Runs the routing stage as dispatch does for a message taken from mail.incoming (envelope headers, raw body). */
    private Exchange dispatch(Map<String, Object> facts, String message, String... to) throws Exception {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        List<Recipient> rcpts = new ArrayList<>();
        for (String t : to) {
            rcpts.add(recipient(t));
        }
        Envelope e = new Envelope("01ROUTING" + dsl().toUpperCase(java.util.Locale.ROOT) + ids.incrementAndGet(),
                SmtpPath.looseMailbox("a@client.test"), rcpts, null, null, BodyType.EIGHT_BIT_MIME, false, "192.0.2.7",
                "client.test", null, Instant.now(), bytes.length);
        Exchange ex = new DefaultExchange(blocks.context());
        EnvelopeHeaders.write(e, ex.getMessage().getHeaders());
        ex.getMessage().setHeader(MailhubHeaders.INGRESS, "smtp");
        ex.getMessage().getHeaders().putAll(facts);
        ex.getMessage().setBody(bytes);
        stage.process(ex);
        return ex;
    }

    private static boolean delivers(Exchange ex) {
        return ex.getProperty(RoutingStage.DELIVER, Boolean.class);
    }

    private static String queueId(Exchange ex) {
        return ex.getMessage().getHeader(EnvelopeHeaders.QUEUE_ID, String.class);
    }

    private static List<String> rcpts(Exchange ex) {
        try {
            return EnvelopeHeaders.parseRecipients(ex.getMessage().getHeader(EnvelopeHeaders.RECIPIENTS, String.class))
                    .stream().map(r -> r.address().toString()).toList();
        } catch (io.mailhub.model.SyntaxException e) {
            throw new AssertionError(e);
        }
    }

    private MockEndpoint queue(String name) {
        return blocks.context().getEndpoint("jms:queue:" + name, MockEndpoint.class);
    }

    private int sentToAnyQueue() {
        return blocks.context().getEndpoints().stream().filter(MockEndpoint.class::isInstance)
                .mapToInt(m -> ((MockEndpoint) m).getReceivedCounter()).sum();
    }

    /** What the delivery outcome was asked to report: one line per recipient. */
    private List<String> bounced() {
        assertThat(outcomes).hasSize(1);
        DeliveryReport report = outcomes.get(0).getMessage().getHeader(SmtpRelayConstants.REPORT, DeliveryReport.class);
        List<String> lines = new ArrayList<>();
        for (RecipientResult r : report.results()) {
            SmtpReply reply = r.reply();
            lines.add(r.recipient().address() + " " + r.status() + " " + reply.code() + " " + reply.status() + " "
                    + String.join(" ", reply.lines()));
        }
        assertThat(report.count(RecipientStatus.FAILED)).isEqualTo(lines.size());
        return lines;
    }

    private static String hmac(String key, String prefix, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        mac.update(prefix.getBytes(StandardCharsets.US_ASCII));
        return HexFormat.of().formatHex(mac.doFinal(body));
    }
}
