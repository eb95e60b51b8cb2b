package io.mailhub.ingress.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailhub.queue.EmbeddedBroker;
import io.mailhub.queue.IdempotencyRecords;
import io.mailhub.testing.ManualClock;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A monitoring notification repeated within the dedup window of its first mail makes the same message, whatever
 * interval boundary lies between; after the window it makes a new one; and the first time outlives a restart.
 */
class AlertRepeatsTest {

    private static final Duration HOUR = Duration.ofHours(1);

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-30T16:59:59.500Z"));

    @TempDir
    Path dir;

    private EmbeddedBroker broker;
    private ActiveMQConnectionFactory cf;

    /** Records in the real embedded broker with the hub's broker.xml, started for the test that asks. */
    private IdempotencyRecords brokerRecords() throws Exception {
        broker = new EmbeddedBroker("artemis/broker.xml", dir, false);
        broker.start();
        cf = new ActiveMQConnectionFactory(EmbeddedBroker.IN_VM_URL);
        return new IdempotencyRecords(cf);
    }

    @org.junit.jupiter.api.AfterEach
    void stopBroker() throws Exception {
        if (cf != null) {
            cf.close();
        }
        if (broker != null) {
            broker.stop();
        }
    }

    @Test
    void aRepeatASecondLaterAcrossAWholeHourGetsTheFirstMailsTime() throws Exception {
        AlertRepeats repeats = new AlertRepeats(null, clock);
        long first = repeats.firstMailed("n1", HOUR).first();

        clock.advance(Duration.ofSeconds(1)); // 17:00:00.500: a fixed one-hour interval would have begun anew
        assertThat(repeats.firstMailed("n1", HOUR).first()).isEqualTo(first);
        clock.advance(Duration.ofMinutes(59));
        assertThat(repeats.firstMailed("n1", HOUR).first()).isEqualTo(first);
    }

    @Test
    void aRepeatAfterTheWindowIsANewMailAndStartsANewWindow() throws Exception {
        AlertRepeats repeats = new AlertRepeats(null, clock);
        long first = repeats.firstMailed("n1", HOUR).first();

        clock.advance(HOUR);
        long second = repeats.firstMailed("n1", HOUR).first();
        assertThat(second).isEqualTo(first + HOUR.toMillis());
        clock.advance(Duration.ofMinutes(30));
        assertThat(repeats.firstMailed("n1", HOUR).first()).isEqualTo(second);
    }

    @Test
    void anotherNotificationHasItsOwnWindow() throws Exception {
        AlertRepeats repeats = new AlertRepeats(null, clock);
        long first = repeats.firstMailed("n1", HOUR).first();
        clock.advance(Duration.ofSeconds(5));

        assertThat(repeats.firstMailed("n2", HOUR).first()).isEqualTo(first + 5_000);
    }

    @Test
    void theFirstTimeIsInTheBrokerAndOutlivesARestartOfTheHub() throws Exception {
        IdempotencyRecords records = brokerRecords();
        long first = new AlertRepeats(records, clock).firstMailed("n1", HOUR).first();

        clock.advance(Duration.ofSeconds(1));
        AlertRepeats restarted = new AlertRepeats(records, clock);
        Idempotency idempotency = new Idempotency(records, clock);
        var stored = records.loadAll();
        restarted.load(stored);
        idempotency.load(stored);

        assertThat(restarted.firstMailed("n1", HOUR)).isEqualTo(new AlertRepeats.Mailed(first, null));
        assertThat(restarted.size()).isEqualTo(1);
        assertThat(idempotency.size()).as("alert records are not idempotency keys").isZero();
    }

    @Test
    void theDoorKeepsFirstMailTimesInTheirOwnQueueAndStillHonoursThoseAnOlderHubLeftAmongTheIdempotencyRecords()
            throws Exception {
        IdempotencyRecords records = brokerRecords();
        long legacy = new AlertRepeats(records, clock).firstMailed("old", HOUR).first(); // hub.idempotency, as before
        clock.advance(Duration.ofMinutes(1));

        ApiDoor door = TestDoors.door(clock, dir, records);
        door.start();
        long first = door.alertRepeats.firstMailed("new", HOUR).first();

        assertThat(door.alertRepeats.firstMailed("old", HOUR).first()).as("a repeat within its window").isEqualTo(legacy);
        assertThat(records.in(IdempotencyRecords.ALERTS).loadAll()).containsOnlyKeys("alert.new");
        assertThat(records.in(IdempotencyRecords.ALERTS).find("alert.new")).contains("\"first\":" + first);
        assertThat(records.loadAll()).as("the API's records stay apart").containsOnlyKeys("alert.old");
    }

    @Test
    void aRepeatThatReachesAnotherHubOnTheSameBrokerGetsTheFirstHubsTimeAndAnswer() throws Exception {
        IdempotencyRecords records = brokerRecords();
        AlertRepeats hubA = new AlertRepeats(records, clock);
        AlertRepeats hubB = new AlertRepeats(records, clock);
        hubB.load(records.loadAll()); // hub B started before the first mail: it read no record of it
        long first = hubA.firstMailed("n1", HOUR).first();
        hubA.answered("n1", first, HOUR, "{\"id\":\"Q1\"}");

        clock.advance(Duration.ofMinutes(5));

        assertThat(hubB.firstMailed("n1", HOUR)).isEqualTo(new AlertRepeats.Mailed(first, "{\"id\":\"Q1\"}"));
        assertThat(hubB.firstMailed("n2", HOUR).first()).as("an unknown one is a first mail").isEqualTo(clock.millis());
    }

    @Test
    void aFirstMailWhoseTimeCannotBeStoredIsRefusedForNow() {
        ConnectionFactory down = (ConnectionFactory) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ConnectionFactory.class}, (proxy, method, args) -> {
                    throw new JMSException("broker down");
                });
        AlertRepeats repeats = new AlertRepeats(new IdempotencyRecords(down), clock);

        assertThatThrownBy(() -> repeats.firstMailed("n1", HOUR).first()).isInstanceOfSatisfying(ApiProblem.class, p -> {
            assertThat(p.status).isEqualTo(503);
            assertThat(p.enhancedStatus).isEqualTo("4.3.0");
        });
        assertThat(repeats.size()).as("nothing remembered that is not stored").isZero();
    }

    @Test
    void aRepeatAfterTheFirstMailWasQueuedGetsItsAnswerAlsoAfterARestart() throws Exception {
        IdempotencyRecords records = brokerRecords();
        AlertRepeats repeats = new AlertRepeats(records, clock);
        long first = repeats.firstMailed("n1", HOUR).first();
        repeats.answered("n1", first, HOUR, "{\"id\":\"Q1\"}");
        clock.advance(Duration.ofMinutes(10));

        assertThat(repeats.firstMailed("n1", HOUR).answer()).isEqualTo("{\"id\":\"Q1\"}");
        AlertRepeats restarted = new AlertRepeats(records, clock);
        restarted.load(records.loadAll());
        assertThat(restarted.firstMailed("n1", HOUR)).isEqualTo(new AlertRepeats.Mailed(first, "{\"id\":\"Q1\"}"));
    }

    @Test
    void theAnswerOfAnEarlierWindowDoesNotReplaceALaterFirstMail() throws Exception {
        AlertRepeats repeats = new AlertRepeats(null, clock);
        long first = repeats.firstMailed("n1", HOUR).first();
        clock.advance(HOUR);
        long second = repeats.firstMailed("n1", HOUR).first();

        repeats.answered("n1", first, HOUR, "{\"id\":\"old\"}");

        assertThat(repeats.firstMailed("n1", HOUR)).isEqualTo(new AlertRepeats.Mailed(second, null));
    }
}
