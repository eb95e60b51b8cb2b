package io.mailhub.relay;

import static io.mailhub.relay.RelayFixtures.envelope;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailhub.model.BodyType;
import io.mailhub.model.DsnNotify;
import io.mailhub.model.DsnRet;
import io.mailhub.model.Envelope;
import io.mailhub.model.MailAddress;
import io.mailhub.model.Recipient;
import io.mailhub.testing.FakeSmtpServer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SmtpRelayTest {

    private FakeSmtpServer server;
    private SmtpRelay relay;
    private Destination destination;

    @BeforeEach
    void start() throws Exception {
        server = new FakeSmtpServer();
        destination = new Destination("127.0.0.1", server.port());
        relay = RelayFixtures.relay(SmtpTransport.PLAIN, TlsClient.withDefaultTrust());
    }

    @AfterEach
    void stop() throws Exception {
        relay.close();
        server.close();
    }

    private static BodySource body(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        return BodySource.of(bytes);
    }

    private static final String MESSAGE = "Subject: hi\r\n\r\nhello\r\n";

    @Test
    void everyRecipientAcceptedIsReportedDeliveredWithTheRemoteReply() throws Exception {
        DeliveryReport report = relay.deliver(destination, envelope("b@remote.test", "c@remote.test"), body(MESSAGE));

        assertThat(report.count(RecipientStatus.DELIVERED)).isEqualTo(2);
        assertThat(report.results().get(0).reply().toWire()).contains("250 2.0.0 Ok: queued");
        assertThat(report.results().get(0).remoteMta()).contains("127.0.0.1");
        assertThat(server.transactions()).singleElement().satisfies(t -> {
            assertThat(t.mailLine()).startsWith("MAIL FROM:<alice@client.test>");
            assertThat(t.accepted()).containsExactly("b@remote.test", "c@remote.test");
            assertThat(t.data()).isEqualTo(MESSAGE);
        });
    }

    @Test
    void mixedRecipientRepliesGiveOneOutcomeEach() throws Exception {
        server.rcptReply(a -> a.startsWith("later") ? "450 4.2.0 mailbox busy"
                : a.startsWith("never") ? "550 5.1.1 no such user" : "250 2.1.5 Ok");

        DeliveryReport report = relay.deliver(destination,
                envelope("ok@remote.test", "later@remote.test", "never@remote.test"), body(MESSAGE));

        assertThat(report.results()).extracting(RecipientResult::status).containsExactly(RecipientStatus.DELIVERED,
                RecipientStatus.DEFERRED, RecipientStatus.FAILED);
        assertThat(report.results().get(1).statusCode()).isEqualTo("4.2.0");
        assertThat(report.results().get(2).reply().toWire()).contains("550 5.1.1 no such user");
        assertThat(server.transactions()).singleElement()
                .satisfies(t -> assertThat(t.accepted()).containsExactly("ok@remote.test"));
    }

    /** A next hop that takes at most {@code limit} recipients per transaction and answers the rest {@code reply}. */
    private void limitRecipients(int limit, String reply) {
        int[] inTransaction = {0};
        server.rcptReply(a -> ++inTransaction[0] <= limit ? "250 2.1.5 Ok" : reply);
        server.onMail(() -> inTransaction[0] = 0);
    }

    @Test
    void recipientsOverTheServersLimitGoInFurtherTransactionsOnTheSameConnection() throws Exception {
        limitRecipients(2, "452 4.5.3 Error: too many recipients");

        DeliveryReport report = relay.deliver(destination,
                envelope("a@remote.test", "b@remote.test", "c@remote.test", "d@remote.test", "e@remote.test"),
                body(MESSAGE));

        assertThat(report.results()).extracting(RecipientResult::status).containsOnly(RecipientStatus.DELIVERED);
        assertThat(server.transactions()).extracting(FakeSmtpServer.Transaction::accepted).containsExactly(
                List.of("a@remote.test", "b@remote.test"), List.of("c@remote.test", "d@remote.test"),
                List.of("e@remote.test"));
    }

    @Test
    void a552TooManyRecipientsToRcptIsTakenAsThe452ItMeans() throws Exception {
        limitRecipients(3, "552 5.5.3 too many recipients");

        DeliveryReport report = relay.deliver(destination,
                envelope("a@remote.test", "b@remote.test", "c@remote.test", "d@remote.test", "e@remote.test"),
                body(MESSAGE));

        assertThat(report.results()).extracting(RecipientResult::status).containsOnly(RecipientStatus.DELIVERED);
        assertThat(server.transactions()).hasSize(2);
    }

    @Test
    void a552ToRcptThatStaysIsADeferralNotABounce() throws Exception {
        server.rcptReply(a -> a.startsWith("full") ? "552 5.2.2 mailbox full" : "250 2.1.5 Ok");

        DeliveryReport report = relay.deliver(destination, envelope("ok@remote.test", "full@remote.test"), body(MESSAGE));

        assertThat(report.results()).extracting(RecipientResult::status)
                .containsExactly(RecipientStatus.DELIVERED, RecipientStatus.DEFERRED);
        assertThat(report.results().get(1).statusCode()).isEqualTo("4.2.2");
        assertThat(report.results().get(1).reply().toWire()).contains("mailbox full");
        assertThat(server.transactions()).as("one more try, which took nobody, then the retry schedule").hasSize(1);
    }

    @Test
    void commandsArePipelinedWhenTheServerOffersPipelining() throws Exception {
        server.requirePipelining();

        DeliveryReport report = relay.deliver(destination, envelope("b@remote.test", "c@remote.test"), body(MESSAGE));

        assertThat(report.count(RecipientStatus.DELIVERED)).as(report.toString()).isEqualTo(2);
    }

    @Test
    void aSecondMessageToTheSameDestinationReusesTheConnection() throws Exception {
        relay.deliver(destination, envelope("b@remote.test"), body(MESSAGE));
        relay.deliver(destination, envelope("c@remote.test"), body(MESSAGE));

        assertThat(server.transactions()).hasSize(2);
        assertThat(server.connections()).isEqualTo(1);
    }

    @Test
    void dsnParametersArePassedOnWhenTheServerOffersDsn() throws Exception {
        Envelope e = envelope("b@remote.test");
        Recipient r = new Recipient(e.recipients().get(0).address(), EnumSet.of(DsnNotify.SUCCESS, DsnNotify.FAILURE),
                "rfc822;b@remote.test");
        e = new Envelope(e.queueId(), e.sender(), List.of(r), DsnRet.HDRS, "env1", e.body(), false, e.clientAddress(),
                e.clientHelo(), null, e.arrival(), -1);

        relay.deliver(destination, e, body(MESSAGE));

        FakeSmtpServer.Transaction t = server.transactions().get(0);
        assertThat(t.mailLine()).contains("RET=HDRS").contains("ENVID=env1");
        assertThat(t.rcptLines().get(0)).contains("NOTIFY=").contains("SUCCESS").contains("ORCPT=rfc822;b@remote.test");
    }

    @Test
    void dsnParametersAreLeftOutWhenTheServerDoesNotOfferDsn() throws Exception {
        server.extensions("PIPELINING", "8BITMIME");
        Envelope e = envelope("b@remote.test");
        Recipient r = new Recipient(e.recipients().get(0).address(), EnumSet.of(DsnNotify.SUCCESS), null);
        e = new Envelope(e.queueId(), e.sender(), List.of(r), DsnRet.FULL, "env1", e.body(), false, e.clientAddress(),
                e.clientHelo(), null, e.arrival(), -1);

        DeliveryReport report = relay.deliver(destination, e, body(MESSAGE));

        assertThat(report.count(RecipientStatus.DELIVERED)).isEqualTo(1);
        assertThat(report.results().get(0).dsnRelayed()).isFalse();
        FakeSmtpServer.Transaction t = server.transactions().get(0);
        assertThat(t.mailLine()).doesNotContain("RET=").doesNotContain("ENVID=");
        assertThat(t.rcptLines().get(0)).doesNotContain("NOTIFY=");
    }

    @Test
    void linesStartingWithADotArriveIntact() throws Exception {
        String content = "Subject: dots\r\n\r\n.leading\r\n..two\r\n.\r\nend\r\n";

        relay.deliver(destination, envelope("b@remote.test"), body(content));

        assertThat(server.transactions().get(0).data()).isEqualTo(content);
    }

    @Test
    void aRejectedDataPhaseFailsOrDefersEveryAcceptedRecipient() throws Exception {
        server.dataReply("554 5.6.0 content rejected");
        DeliveryReport failed = relay.deliver(destination, envelope("b@remote.test"), body(MESSAGE));
        assertThat(failed.results()).extracting(RecipientResult::status).containsExactly(RecipientStatus.FAILED);

        server.dataReply("451 4.3.0 try later");
        DeliveryReport deferred = relay.deliver(destination, envelope("b@remote.test"), body(MESSAGE));
        assertThat(deferred.results()).extracting(RecipientResult::status).containsExactly(RecipientStatus.DEFERRED);
        assertThat(deferred.results().get(0).statusCode()).isEqualTo("4.3.0");
    }

    @Test
    void aNextHopThatIsDownDefersEveryRecipient() throws Exception {
        // port 9 (discard): nothing listens there; a just-closed ephemeral port can be handed out again at once
        Destination down = new Destination("127.0.0.1", 9);

        DeliveryReport report = relay.deliver(down, envelope("b@remote.test", "c@remote.test"), body(MESSAGE));

        assertThat(report.count(RecipientStatus.DEFERRED)).as(report.toString()).isEqualTo(2);
        assertThat(report.results().get(0).statusCode()).startsWith("4.");
    }

    @Test
    void aMessageNeedingEightBitToASevenBitServerFailsWith563() throws Exception {
        server.extensions("PIPELINING");
        Envelope e = envelope("b@remote.test");
        e = new Envelope(e.queueId(), e.sender(), e.recipients(), null, null, BodyType.EIGHT_BIT_MIME, false,
                e.clientAddress(), e.clientHelo(), null, e.arrival(), -1);

        DeliveryReport report = relay.deliver(destination, e, body("Subject: x\r\n\r\nd\u00e9j\u00e0\r\n"));

        assertThat(report.results()).extracting(RecipientResult::status).containsExactly(RecipientStatus.FAILED);
        assertThat(report.results().get(0).statusCode()).isEqualTo("5.6.3");
    }

    @Test
    void aNonAsciiAddressToAServerWithoutSmtputf8FailsWith567AndNothingIsSent() throws Exception {
        server.extensions("PIPELINING", "8BITMIME");
        Envelope e = new Envelope("Q0000000000009", new MailAddress("alice", "client.test"),
                List.of(Recipient.of(new MailAddress("j\u00f6rg", "remote.test"))), null, null, BodyType.EIGHT_BIT_MIME,
                true, "127.0.0.1", "client.test", null, Instant.now(), -1);

        DeliveryReport report = relay.deliver(destination, e, body(MESSAGE));

        assertThat(report.results()).extracting(RecipientResult::status).containsExactly(RecipientStatus.FAILED);
        assertThat(report.results().get(0).statusCode()).isEqualTo("5.6.7");
        assertThat(server.commands()).noneMatch(c -> c.line().startsWith("MAIL"));
    }

    @Test
    void internationalizedDomainsGoAsALabelsToAServerWithoutSmtputf8() throws Exception {
        server.extensions("PIPELINING", "8BITMIME");
        Envelope e = new Envelope("Q0000000000010", new MailAddress("alice", "b\u00fccher.example"),
                List.of(Recipient.of(new MailAddress("bob", "m\u00fcnchen.example"))), null, null, BodyType.SEVEN_BIT,
                true, "127.0.0.1", "client.test", null, Instant.now(), -1);

        DeliveryReport report = relay.deliver(destination, e, body(MESSAGE));

        assertThat(report.results()).extracting(RecipientResult::status).containsExactly(RecipientStatus.DELIVERED);
        assertThat(server.transactions()).singleElement().satisfies(t -> {
            assertThat(t.mailLine()).isEqualTo("MAIL FROM:<alice@xn--bcher-kva.example>");
            assertThat(t.accepted()).containsExactly("bob@xn--mnchen-3ya.example");
        });
    }

    @Test
    void internationalizedDomainsGoAsTheyAreWithSmtputf8WhenTheServerHasIt() throws Exception {
        server.extensions("PIPELINING", "8BITMIME", "SMTPUTF8");
        Envelope e = new Envelope("Q0000000000011", new MailAddress("alice", "client.test"),
                List.of(Recipient.of(new MailAddress("bob", "m\u00fcnchen.example"))), null, null, BodyType.SEVEN_BIT,
                true, "127.0.0.1", "client.test", null, Instant.now(), -1);

        relay.deliver(destination, e, body(MESSAGE));

        assertThat(server.transactions()).singleElement().satisfies(t -> {
            assertThat(t.mailLine()).isEqualTo("MAIL FROM:<alice@client.test> SMTPUTF8");
            assertThat(t.accepted()).containsExactly("bob@m\u00fcnchen.example");
        });
    }

    @Test
    void anAsciiMessageFromAnSmtputf8SessionNeedsNoSmtputf8AtTheNextHop() throws Exception {
        server.extensions("PIPELINING", "8BITMIME");
        Envelope e = envelope("b@remote.test");
        e = new Envelope(e.queueId(), e.sender(), e.recipients(), null, null, BodyType.SEVEN_BIT, true,
                e.clientAddress(), e.clientHelo(), null, e.arrival(), -1);

        DeliveryReport report = relay.deliver(destination, e, body(MESSAGE));

        assertThat(report.results()).extracting(RecipientResult::status).containsExactly(RecipientStatus.DELIVERED);
        assertThat(server.transactions().get(0).mailLine()).doesNotContain("SMTPUTF8");
    }

    @Test
    void aNextHopThatStopsReadingTheContentTimesOutInsteadOfBlockingForever() throws Exception {
        server.stallData().extensions("PIPELINING", "8BITMIME"); // no SIZE limit to stop it first
        byte[] line = "0123456789012345678901234567890123456789012345678901234567890123456789012345678\r\n"
                .getBytes(StandardCharsets.US_ASCII);
        byte[] big = new byte[64 * 1024 * 1024]; // far more than the socket buffers hold
        for (int i = 0; i + line.length <= big.length; i += line.length) {
            System.arraycopy(line, 0, big, i, line.length);
        }

        long start = System.nanoTime();
        DeliveryReport report = relay.deliver(destination, envelope("b@remote.test"), BodySource.of(big));
        long seconds = java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);

        assertThat(report.results()).singleElement().satisfies(r -> {
            assertThat(r.status()).isEqualTo(RecipientStatus.DEFERRED);
            assertThat(r.statusCode()).isEqualTo("4.4.2");
            assertThat(r.reply().toString()).contains("timed out while sending message body");
        });
        assertThat(seconds).as("ended by the 5 s command timeout, not by the server").isLessThan(60);
    }

    @Test
    void theLogsDelayReadsAsPrintfsTwoDecimalSecondsWouldForEveryMillisecondCount() {
        for (long ms : new long[] {0, 1, 4, 5, 9, 10, 15, 99, 994, 995, 999, 1000, 1005, 12_345, 86_399_995, -1, -5, -6,
                -1234}) {
            assertThat(SmtpRelay.seconds(ms)).as("%d ms", ms)
                    .isEqualTo(new java.math.BigDecimal(ms).movePointLeft(3)
                            .setScale(2, java.math.RoundingMode.HALF_UP).toPlainString());
        }
    }
}
