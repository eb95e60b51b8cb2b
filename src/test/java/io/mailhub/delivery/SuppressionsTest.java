package io.mailhub.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailhub.model.BodyType;
import io.mailhub.model.Envelope;
import io.mailhub.model.EnvelopeHeaders;
import io.mailhub.model.MailAddress;
import io.mailhub.model.Recipient;
import io.mailhub.model.SmtpReply;
import io.mailhub.policy.SessionFacts;
import io.mailhub.relay.Blame;
import io.mailhub.relay.DeliveryReport;
import io.mailhub.relay.RecipientResult;
import io.mailhub.relay.RecipientStatus;
import io.mailhub.relay.SmtpRelayConstants;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The suppression list: hard bounces added, refused at RCPT for the doors it covers, shared by hubs on one broker. */
class SuppressionsTest {

    @TempDir
    Path dir; // the real broker's journal

    private final io.mailhub.testing.ManualClock clock = new io.mailhub.testing.ManualClock(
            Instant.parse("2026-12-01T08:00:00Z"));

    private static final Recipient ANN = Recipient.of(new MailAddress("Ann", "Remote.test"));

    private static RecipientResult failed(Recipient r, int code, String status, Blame blame) {
        return new RecipientResult(r, RecipientStatus.FAILED, SmtpReply.of(code, status, "no"), "mx.remote.test",
                blame, false);
    }

    private static SessionFacts door(String label) {
        return io.mailhub.testing.TestSessions.of("127.0.0.1", "erp", label);
    }

    @Test
    void onlyAMailboxOrDomainThatDoesNotExistIsAHardBounceNotAFullMailboxAPolicyRefusalOrARoutesOwnBounce() {
        assertThat(Suppressions.isHardBounce(failed(ANN, 550, "5.1.1", Blame.RECIPIENT))).isTrue();
        assertThat(Suppressions.isHardBounce(failed(ANN, 550, "5.1.10", Blame.SITE))).isTrue();
        assertThat(Suppressions.isHardBounce(failed(ANN, 552, "5.2.2", Blame.RECIPIENT))).isFalse();
        assertThat(Suppressions.isHardBounce(failed(ANN, 550, "5.7.1", Blame.RECIPIENT))).isFalse();
        assertThat(Suppressions.isHardBounce(failed(ANN, 550, "5.1.1", Blame.NONE))).as("a route's bounce").isFalse();
        assertThat(Suppressions.isHardBounce(new RecipientResult(ANN, RecipientStatus.DEFERRED,
                SmtpReply.of(450, "4.1.1", "later"), null, Blame.RECIPIENT, false))).isFalse();
    }

    @Test
    void aSuppressedAddressIsRefusedAtRcptOnTheDoorsTheListCoversWithTheBouncesOwnStatus() {
        Suppressions s = new Suppressions(null, clock, null);
        s.bounced(failed(ANN, 550, "5.1.1", Blame.RECIPIENT), "3F7K2M");
        SuppressionHook api = new SuppressionHook(s, SuppressionSettings.Scope.API);
        SuppressionHook all = new SuppressionHook(s, SuppressionSettings.Scope.ALL);
        Recipient sameMailbox = Recipient.of(new MailAddress("ann", "REMOTE.test"));

        assertThat(api.rcpt(door("http"), null, sameMailbox).reply()).hasToString("550 5.1.1 <Ann@Remote.test>:"
                + " Recipient address suppressed since 2026-12-01T08:00:00Z (hard bounce: 550 5.1.1 no)");
        assertThat(api.rcpt(door("submission"), null, sameMailbox).isReject()).isFalse();
        assertThat(all.rcpt(door("submission"), null, sameMailbox).isReject()).isTrue();
        assertThat(api.rcpt(door("http"), null, Recipient.of(new MailAddress("bob", "remote.test"))).isReject())
                .isFalse();
    }

    @Test
    void anAddressAddedByHandIsRefusedWith521UntilRemovedAndALifetimeEndsItByItself() {
        Suppressions forever = new Suppressions(null, clock, null);
        forever.add("ann@remote.test", "asked to be left alone", "olga");
        assertThat(new SuppressionHook(forever, SuppressionSettings.Scope.API).rcpt(door("http"), null, ANN).reply()
                .toString()).startsWith("550 5.2.1 <ann@remote.test>: Recipient address suppressed since")
                .endsWith("(added by olga: asked to be left alone)");
        assertThat(forever.remove("ANN@remote.test")).isNotNull();
        assertThat(forever.remove("ann@remote.test")).isNull();
        assertThat(forever.list()).isEmpty();

        Suppressions yearly = new Suppressions(null, clock, Duration.ofDays(365));
        yearly.add("ann@remote.test", "x", "olga");
        clock.advance(Duration.ofDays(365));
        assertThat(yearly.of(ANN.address())).isNull();
        assertThatThrownBy(() -> yearly.add("not an address", "x", "olga"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not an email address");
    }

    @Test
    void aHardBounceOfApiMailIsAddedByTheDeliveryOutcomeAndOneOfSmtpMailIsNot() throws Exception {
        Suppressions s = new Suppressions(null, clock, null);
        DeliveryOutcome outcome = new DeliveryOutcome(RetrySchedule.parse("5m"), Duration.ofDays(5), null, clock)
                .withSuppressions(s, SuppressionSettings.Scope.API);
        Recipient bob = Recipient.of(new MailAddress("bob", "remote.test"));
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.addComponent("jms", camel.getComponent("seda")); // the bounce requests go nowhere here
            camel.start();
            outcome.process(exchange(camel, "smtp", failed(ANN, 550, "5.1.1", Blame.RECIPIENT)));
            assertThat(s.list()).as("SMTP mail, the list covers the API").isEmpty();

            outcome.process(exchange(camel, "http", failed(ANN, 550, "5.1.1", Blame.RECIPIENT),
                    failed(bob, 550, "5.7.1", Blame.RECIPIENT)));
        }

        assertThat(s.list()).singleElement().satisfies(x -> {
            assertThat(x.address()).isEqualTo("Ann@Remote.test");
            assertThat(x.reason()).isEqualTo("hard-bounce");
            assertThat(x.status()).isEqualTo("5.1.1");
            assertThat(x.by()).isEqualTo("3F7K2M");
        });
    }

    private Exchange exchange(DefaultCamelContext camel, String door, RecipientResult... results) {
        Envelope e = new Envelope("3F7K2M", new MailAddress("billing", "shop.test"),
                java.util.Arrays.stream(results).map(RecipientResult::recipient).toList(), null, null,
                BodyType.SEVEN_BIT, false, "192.0.2.7", null, "erp", clock.instant(), 10);
        Map<String, Object> headers = new HashMap<>();
        EnvelopeHeaders.write(e, headers);
        headers.put(DeliveryOutcome.INGRESS, door);
        headers.put(SmtpRelayConstants.REPORT, new DeliveryReport(List.of(results)));
        Exchange x = new DefaultExchange(camel);
        x.getMessage().setHeaders(headers);
        x.getMessage().setBody("Subject: x\r\n\r\nx\r\n");
        return x;
    }

    @Test
    void hubsOnOneBrokerRefuseTheSameAddressesAndARemovalBySomeOtherHubReachesThemAll() throws Exception {
        io.mailhub.queue.EmbeddedBroker broker = new io.mailhub.queue.EmbeddedBroker("artemis/broker.xml", dir, false);
        broker.start();
        try (var cf = new org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory(
                io.mailhub.queue.EmbeddedBroker.IN_VM_URL)) {
            var records = new io.mailhub.queue.IdempotencyRecords(cf,
                    io.mailhub.queue.IdempotencyRecords.SUPPRESSIONS);
            Suspensions.Records shared = Suspensions.Records.of(records::save, records::loadAll, records::loadSince);
            Suppressions hubA = new Suppressions(shared, clock, null);
            Suppressions hubB = new Suppressions(shared, clock, null);
            hubA.refresh();
            hubB.refresh();

            hubA.bounced(failed(ANN, 550, "5.1.1", Blame.RECIPIENT), "3F7K2M");
            assertThat(hubB.of(ANN.address())).as("not read yet").isNull();
            hubB.refresh(); // reads what changed since its last read
            assertThat(hubB.of(ANN.address())).isNotNull().extracting(Suppressions.Suppression::by)
                    .isEqualTo("3F7K2M");

            assertThat(hubB.remove("ann@remote.test")).isNotNull();
            hubA.refresh();
            assertThat(hubA.of(ANN.address())).as("removed by hub B").isNull();

            hubB.add("carol@remote.test", "complained", "olga");
            Suppressions restarted = new Suppressions(shared, clock, null);
            restarted.refresh();
            assertThat(restarted.list()).extracting(Suppressions.Suppression::address)
                    .containsExactly("carol@remote.test");
            assertThat(records.loadSince("suppression.", System.currentTimeMillis() + 60_000))
                    .as("nothing written in the future: the incremental read selects by time").isEmpty();
        } finally {
            broker.stop();
        }
    }
}
