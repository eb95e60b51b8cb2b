package io.mailhub.acceptance;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailhub.auth.Principal;
import io.mailhub.cleanup.HeaderScanner;
import io.mailhub.cleanup.MessageComposer;
import io.mailhub.cleanup.SessionTrace;
import io.mailhub.dkim.DkimKey;
import io.mailhub.dkim.DkimSigner;
import io.mailhub.model.BodyType;
import io.mailhub.model.EnvelopeHeaders;
import io.mailhub.model.MailAddress;
import io.mailhub.model.MessageContent;
import io.mailhub.model.Recipient;
import io.mailhub.policy.DomainList;
import io.mailhub.policy.NetworkList;
import io.mailhub.policy.PolicyChain;
import io.mailhub.policy.RelayControl;
import io.mailhub.policy.SenderLoginCheck;
import io.mailhub.queue.FakeMailQueue;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stage every door shares, fed the way the HTTP door feeds it: a principal, a built message, no session. */
class MailAcceptanceTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-29T12:00:00Z"), ZoneOffset.UTC);
    private static final Principal KEY = new Principal() {
        @Override
        public String name() {
            return "billing-app";
        }

        @Override
        public boolean maySendAs(MailAddress address) {
            return address == null || address.domainKey().equals("shop.test");
        }
    };

    private final FakeMailQueue queue = new FakeMailQueue();
    private final MailAcceptance acceptance = new MailAcceptance(new AcceptanceSettings("hub.test", 10_000, 50),
            new PolicyChain(List.of(), List.of(), List.of(new SenderLoginCheck(name -> null)),
                    new RelayControl(DomainList.parse(""), NetworkList.empty(), "hub.test"), List.of(), List.of())
                    .withHeaderFrom(List.of(new SenderLoginCheck(name -> null))),
            queue, new MessageComposer("hub.test", CLOCK), null, false, CLOCK);

    MailAcceptanceTest() throws Exception {}

    private static Origin http() {
        return new Origin(Door.HTTP, InetAddress.getLoopbackAddress(), null, KEY, false,
                SessionTrace.via("HTTPS", "127.0.0.1", "TLSv1.3", "TLS_AES_128_GCM_SHA256", "billing-app"));
    }

    private Decision submit(String message, String sender, Instant deliverAt) {
        return submitTo(acceptance, message, sender, deliverAt);
    }

    private static Decision submitTo(MailAcceptance acceptance, String message, String sender, Instant deliverAt) {
        byte[] bytes = message.getBytes(UTF_8);
        HeaderScanner scan = new HeaderScanner(1 << 20);
        scan.update(bytes, 0, bytes.length);
        return acceptance.accept(new Submission(http(), new MailAddress(sender.split("@")[0], sender.split("@")[1]),
                List.of(Recipient.of(new MailAddress("bob", "remote.test"))), null, null, BodyType.EIGHT_BIT_MIME, false,
                MessageContent.of(bytes), scan, Map.of("MailhubTags", "invoice"), deliverAt));
    }

    @Test
    void anAcceptedMessageIsQueuedWithItsDoorItsPrincipalAndAReceivedHeaderNamingTheDoor() {
        Decision d = submit("From: billing@shop.test\r\nSubject: hi\r\nMessage-ID: <abc@shop.test>\r\n\r\nhi\r\n",
                "billing@shop.test", null);

        assertThat(d.isAccepted()).isTrue();
        assertThat(d.messageId()).isEqualTo("abc@shop.test");
        FakeMailQueue.Queued q = queue.queued().get(0);
        assertThat(q.annotations()).containsEntry(MailAcceptance.INGRESS, "http").containsEntry("MailhubTags", "invoice")
                .containsEntry(EnvelopeHeaders.MESSAGE_ID, "abc@shop.test")
                .containsEntry(EnvelopeHeaders.DKIM_SIGNED, "false").doesNotContainKey(EnvelopeHeaders.DKIM_DOMAIN);
        assertThat(q.envelope().authUser()).isEqualTo("billing-app");
        assertThat(new String(q.content(), UTF_8)).startsWith("Received: from unknown ([127.0.0.1])")
                .contains("(Authenticated sender: billing-app)").contains("with HTTPS id " + d.queueId());
    }

    @Test
    void aMessageTheHubSignsCarriesTheSigningDomainAndSelectorsToTheQueue(@TempDir Path dir) throws Exception {
        List<DkimKey> keys = List.of(key(dir, "rsa2026", "RSA", 2048), key(dir, "ed2026", "Ed25519", 0));
        FakeMailQueue signedQueue = new FakeMailQueue();
        MailAcceptance signing = new MailAcceptance(new AcceptanceSettings("hub.test", 10_000, 50),
                new PolicyChain(List.of(), List.of(), List.of(new SenderLoginCheck(name -> null)),
                        new RelayControl(DomainList.parse(""), NetworkList.empty(), "hub.test"), List.of(), List.of()),
                signedQueue, new MessageComposer("hub.test", CLOCK, new DkimSigner(Map.of("shop.test", keys), CLOCK)),
                null, false, CLOCK);

        Decision d = submitTo(signing, "From: billing@shop.test\r\nSubject: hi\r\n\r\nhi\r\n", "billing@shop.test",
                null);

        FakeMailQueue.Queued q = signedQueue.queued().get(0);
        assertThat(new String(q.content(), UTF_8)).contains("d=shop.test; s=rsa2026;").contains("d=shop.test; s=ed2026;");
        assertThat(q.annotations()).containsEntry(EnvelopeHeaders.DKIM_SIGNED, "true")
                .containsEntry(EnvelopeHeaders.DKIM_DOMAIN, "shop.test")
                .containsEntry(EnvelopeHeaders.DKIM_SELECTORS, "rsa2026,ed2026")
                .containsEntry(EnvelopeHeaders.MESSAGE_ID, d.messageId());
    }

    private static DkimKey key(Path dir, String selector, String algorithm, int bits) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
        if (bits > 0) {
            g.initialize(bits);
        }
        Path file = Files.writeString(dir.resolve(selector + ".pem"), "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(g.generateKeyPair().getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        return DkimKey.load("shop.test", selector, file);
    }

    @Test
    void aMessageWithoutMessageIdGetsOneAndTheDecisionSaysWhich() {
        Decision d = submit("From: billing@shop.test\r\n\r\nhi\r\n", "billing@shop.test", null);

        assertThat(d.messageId()).startsWith(d.queueId() + ".").endsWith("@hub.test");
        assertThat(new String(queue.queued().get(0).content(), UTF_8)).contains("Message-ID: <" + d.messageId() + ">");
    }

    @Test
    void internalHeaderFieldsAClientSentAreRemovedOnEveryDoor() {
        submit("From: billing@shop.test\r\nMailhubNextHop: [evil.test]:25\r\nmailhubqueueid: X\r\n\r\nhi\r\n",
                "billing@shop.test", null);

        assertThat(new String(queue.queued().get(0).content(), UTF_8)).doesNotContainIgnoringCase("mailhubnexthop")
                .doesNotContainIgnoringCase("mailhubqueueid").contains("From: billing@shop.test");
    }

    @Test
    void aFromHeaderThePrincipalMayNotUseIsRefusedWith553() {
        Decision d = submit("From: ceo@bank.test\r\n\r\nhi\r\n", "billing@shop.test", null);

        assertThat(d.isAccepted()).isFalse();
        assertThat(d.reply().code()).isEqualTo(553);
        assertThat(d.reply().status()).isEqualTo("5.7.1");
        assertThat(queue.queued()).isEmpty();
    }

    @Test
    void theEnvelopeCheckRefusesASenderThePrincipalMayNotUseAndKeepsRecipientsInOrder() {
        EnvelopeCheck bad = acceptance.checkEnvelope(http(), new MailAddress("ceo", "bank.test"),
                List.of(Recipient.of(new MailAddress("bob", "remote.test"))));
        assertThat(bad.senderRefusal().status()).isEqualTo("5.7.1");

        EnvelopeCheck ok = acceptance.checkEnvelope(http(), new MailAddress("billing", "shop.test"), List.of(
                Recipient.of(new MailAddress("bob", "remote.test")), Recipient.of(new MailAddress("bob", "remote.test")),
                Recipient.of(new MailAddress("carol", "remote.test"))));
        assertThat(ok.senderRefusal()).isNull();
        assertThat(ok.accepted()).extracting(r -> r.address().toString())
                .containsExactly("bob@remote.test", "carol@remote.test");
    }

    @Test
    void tooManyHopsAndTooBigAreRefusedOnEveryDoor() {
        String hops = "Received: from a by b; Fri, 1 Mar 2024 12:00:00 +0000\r\n".repeat(51);
        assertThat(submit(hops + "From: billing@shop.test\r\n\r\nx\r\n", "billing@shop.test", null).reply().status())
                .isEqualTo("5.4.6");
        assertThat(submit("From: billing@shop.test\r\n\r\n" + "x".repeat(10_001) + "\r\n", "billing@shop.test", null)
                .reply().status()).isEqualTo("5.3.4");
    }

    @Test
    void aLaterDeliveryTimeIsPassedToTheQueue() {
        Instant at = Instant.parse("2026-12-01T08:00:00Z");
        submit("From: billing@shop.test\r\n\r\nhi\r\n", "billing@shop.test", at);

        assertThat(queue.queued().get(0).deliverAt()).isEqualTo(at);
    }
}
