package io.mailhub.relay;

import static io.mailhub.relay.RelayFixtures.envelope;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailhub.testing.FakeSmtpServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The relay never delivers to this hub itself: such mail fails at once with 5.4.6, never circles. */
class LoopBackTest {

    private static final BodySource BODY = BodySource.of("Subject: x\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII));

    private FakeSmtpServer server;

    @BeforeEach
    void start() throws Exception {
        server = new FakeSmtpServer();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    private DeliveryReport deliverAs(Myself myself) throws Exception {
        try (SmtpRelay relay = new SmtpRelay(SmtpTransport.PLAIN, myself, RelayFixtures.TIMEOUTS,
                new ConnectionPool(20, Duration.ofSeconds(5), Duration.ofMinutes(5), 100), TlsClient.withDefaultTrust())) {
            return relay.deliver(new Destination("smarthost.test", server.port(), java.net.InetAddress.getLoopbackAddress()),
                    envelope("b@remote.test", "c@remote.test"), BODY);
        }
    }

    @Test
    void aNextHopOnOneOfOurOwnPortsOnThisMachineIsUsAndItsMailFailsWith546() throws Exception {
        DeliveryReport report = deliverAs(new Myself("hub.test", Set.of(server.port())));

        assertThat(report.results()).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(RecipientStatus.FAILED);
            assertThat(r.statusCode()).isEqualTo("5.4.6");
            assertThat(r.reply().toWire()).contains("mail for smarthost.test loops back to myself");
        });
        assertThat(server.commands()).as("not a single command sent to ourselves").isEmpty();
    }

    @Test
    void aNextHopThatGreetsWithOurNameIsUs() throws Exception {
        server.names("HUB.test", "other.test");

        DeliveryReport report = deliverAs(new Myself("hub.test", Set.of()));

        assertThat(report.results()).extracting(RecipientResult::statusCode).containsOnly("5.4.6");
        assertThat(server.commands()).noneMatch(c -> c.line().startsWith("MAIL"));
    }

    @Test
    void aNextHopThatAnswersEhloWithOurNameIsUs() throws Exception {
        server.names("relay.test", "hub.test");

        DeliveryReport report = deliverAs(new Myself("hub.test", Set.of()));

        assertThat(report.results()).extracting(RecipientResult::status).containsOnly(RecipientStatus.FAILED);
        assertThat(server.commands()).noneMatch(c -> c.line().startsWith("MAIL"));
    }

    @Test
    void anyOtherNextHopGetsTheMail() throws Exception {
        DeliveryReport report = deliverAs(new Myself("hub.test", Set.of(server.port() + 1)));

        assertThat(report.results()).extracting(RecipientResult::status).containsOnly(RecipientStatus.DELIVERED);
    }
}
