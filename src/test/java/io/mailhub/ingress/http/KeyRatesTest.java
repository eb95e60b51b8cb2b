package io.mailhub.ingress.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.mailhub.auth.ApiKey;
import io.mailhub.auth.ApiKeys;
import io.mailhub.auth.SendAs;
import io.mailhub.testing.ManualClock;
import jakarta.servlet.http.HttpServletResponse;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** Messages per hour per API key: a sliding window over the last hour, and the RateLimit headers that tell it. */
class KeyRatesTest {

    private static final int LIMIT = 100;
    private static final Instant HOUR_START = Instant.parse("2026-11-29T12:00:00Z");
    private static final long SECONDS_PER_HOUR = Duration.ofHours(1).toSeconds();

    private final ManualClock clock = new ManualClock(HOUR_START);
    private final KeyRates rates = new KeyRates(clock);

    @TempDir
    Path dir;

    private static ApiKey key(String name, int perHour) throws Exception {
        return new ApiKey(name, ApiKeys.hash("mh_" + name), SendAs.parse("@shop.test"), perHour, 0, false, false);
    }

    /** Takes one message at a time until refused; returns how many went. */
    private int sendUntilRefused(ApiKey key) {
        int sent = 0;
        while (rates.take(key, 1).allowed()) {
            sent++;
            assertThat(sent).as("messages allowed").isLessThanOrEqualTo(key.messagesPerHour());
        }
        return sent;
    }

    @Test
    void messagesUpToTheLimitAreAllowedAndRemainingCountsDown() throws Exception {
        ApiKey key = key("billing", LIMIT);

        for (int i = 1; i <= LIMIT; i++) {
            KeyRates.Decision d = rates.take(key, 1);
            assertThat(d.allowed()).as("message %d", i).isTrue();
            assertThat(d.limit()).isEqualTo(LIMIT);
            assertThat(d.remaining()).isEqualTo(LIMIT - i);
        }
    }

    @Test
    void overTheLimitIsRefusedUntilEnoughOfTheHourHasSlidOutOfTheWindow() throws Exception {
        ApiKey key = key("billing", LIMIT);
        assertThat(sendUntilRefused(key)).isEqualTo(LIMIT);
        clock.advance(Duration.ofMinutes(20));

        KeyRates.Decision d = rates.take(key, 1);

        assertThat(d.allowed()).isFalse();
        assertThat(d.remaining()).isZero();
        // at 13:00 the 100 of this hour still count whole; one in a hundred has slid out 36 s later
        assertThat(d.resetSeconds()).isEqualTo(Duration.ofMinutes(40).plusSeconds(36).toSeconds());
    }

    @ParameterizedTest(name = "with {0} of the limit used in the hour before")
    @ValueSource(ints = {0, 50, 100})
    void aClientThatWaitsTheRetryAfterIsLetThroughAndNotEarlier(int usedBefore) throws Exception {
        ApiKey key = key("billing", LIMIT);
        clock.advance(Duration.ofMinutes(30));
        rates.take(key, usedBefore);
        clock.advance(Duration.ofMinutes(40)); // 12:30 and 13:10: both hours hold messages
        sendUntilRefused(key);
        KeyRates.Decision refused = rates.take(key, 1);
        assertThat(refused.allowed()).isFalse();

        clock.advance(Duration.ofSeconds(refused.resetSeconds() - 2));
        assertThat(rates.take(key, 1).allowed()).as("two seconds early").isFalse();
        clock.advance(Duration.ofSeconds(2));
        assertThat(rates.take(key, 1).allowed()).as("after Retry-After").isTrue();
    }

    @Test
    void aRefusedRequestIsNotCounted() throws Exception {
        ApiKey key = key("billing", LIMIT);
        rates.take(key, LIMIT - 1);

        assertThat(rates.take(key, 2).allowed()).isFalse();
        assertThat(rates.take(key, 2).remaining()).isEqualTo(1);
        KeyRates.Decision last = rates.take(key, 1);
        assertThat(last.allowed()).isTrue();
        assertThat(last.remaining()).isZero();
    }

    @Test
    void aBatchIsCountedAsAWhole() throws Exception {
        ApiKey key = key("billing", LIMIT);

        assertThat(rates.take(key, LIMIT + 1).allowed()).isFalse();
        KeyRates.Decision all = rates.take(key, LIMIT);
        assertThat(all.allowed()).isTrue();
        assertThat(all.remaining()).isZero();
        assertThat(rates.take(key, 1).allowed()).isFalse();
    }

    @Test
    void thePreviousHourWeighsAsMuchAsItIsStillInTheWindow() throws Exception {
        ApiKey key = key("billing", LIMIT);
        rates.take(key, LIMIT);

        clock.advance(Duration.ofHours(1));
        assertThat(rates.take(key, 1).allowed()).as("a full hour later the window still holds them all").isFalse();

        clock.advance(Duration.ofMinutes(15));
        assertThat(sendUntilRefused(key)).as("a quarter of the last hour has left the window").isEqualTo(LIMIT / 4);

        clock.advance(Duration.ofMinutes(15));
        assertThat(sendUntilRefused(key)).as("half of it has left").isEqualTo(LIMIT / 2 - LIMIT / 4);
    }

    @Test
    void afterTwoQuietHoursTheWholeLimitIsBack() throws Exception {
        ApiKey key = key("billing", LIMIT);
        rates.take(key, LIMIT);

        clock.advance(Duration.ofHours(2));

        assertThat(sendUntilRefused(key)).isEqualTo(LIMIT);
    }

    @Test
    void eachKeyHasItsOwnWindow() throws Exception {
        ApiKey billing = key("billing", LIMIT);
        ApiKey crm = key("crm", LIMIT);
        rates.take(billing, LIMIT);

        assertThat(rates.take(billing, 1).allowed()).isFalse();
        assertThat(rates.take(crm, 1).remaining()).isEqualTo(LIMIT - 1);
    }

    @Test
    void aKeyWithoutALimitIsNeverRefused() throws Exception {
        ApiKey key = key("unlimited", 0);

        KeyRates.Decision d = rates.take(key, 1_000_000);

        assertThat(d.allowed()).isTrue();
        assertThat(d.limit()).isZero();
    }

    @Test
    void theResetIsRoundedUpToAWholeSecond() throws Exception {
        ApiKey key = key("billing", LIMIT);
        clock.advance(Duration.ofHours(1).minusMillis(999));

        assertThat(rates.take(key, 1).resetSeconds()).isEqualTo(1);
        clock.advance(Duration.ofMillis(999));
        assertThat(rates.take(key, 1).resetSeconds()).isEqualTo(SECONDS_PER_HOUR);
    }

    // ---- the RateLimit headers, as the door sets them

    private ApiDoor door() throws Exception {
        return TestDoors.door(clock, dir, null);
    }

    /** A response that keeps only its headers (all the door's rate code touches). */
    private static HttpServletResponse response(Map<String, String> headers) {
        return (HttpServletResponse) Proxy.newProxyInstance(HttpServletResponse.class.getClassLoader(),
                new Class<?>[] {HttpServletResponse.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "setHeader" -> headers.put((String) args[0], (String) args[1]);
                    case "toString" -> "response " + headers;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void everyAllowedRequestTellsTheLimitWhatIsLeftAndWhenTheWindowMoves() throws Exception {
        ApiDoor door = door();
        ApiKey key = key("billing", LIMIT);
        Map<String, String> headers = new LinkedHashMap<>();
        clock.advance(Duration.ofMinutes(45));

        door.takeRate(key, 3, response(headers));

        assertThat(headers).containsExactly(Map.entry("RateLimit-Limit", Integer.toString(LIMIT)),
                Map.entry("RateLimit-Remaining", Integer.toString(LIMIT - 3)),
                Map.entry("RateLimit-Reset", Long.toString(Duration.ofMinutes(15).toSeconds())));
    }

    @Test
    void overTheRateIsA429WithRetryAfterUntilTheResetAndTheHeadersStillSet() throws Exception {
        ApiDoor door = door();
        ApiKey key = key("billing", LIMIT);
        door.takeRate(key, LIMIT, response(new LinkedHashMap<>()));
        clock.advance(Duration.ofMinutes(50));
        Map<String, String> headers = new LinkedHashMap<>();

        try {
            door.takeRate(key, 1, response(headers));
            fail("allowed over the limit");
        } catch (ApiProblem p) {
            assertThat(p.status).isEqualTo(429);
            assertThat(p.type).isEqualTo("rate-limited");
            assertThat(p.enhancedStatus).isEqualTo("4.7.1");
            // 10 minutes to the next hour, then 36 s until one of the 100 has slid out of the window
            assertThat(p.retryAfter).isEqualTo(Duration.ofMinutes(10).plusSeconds(36).toSeconds());
            assertThat(p.detail()).contains("billing").contains(Integer.toString(LIMIT));
        }
        assertThat(headers).containsEntry("RateLimit-Remaining", "0")
                .containsEntry("RateLimit-Reset", Long.toString(Duration.ofMinutes(10).plusSeconds(36).toSeconds()));
    }

    @Test
    void aRequestOfMoreMessagesThanTheKeysRateIsRefusedForGoodNotAskedToWait() throws Exception {
        ApiDoor door = door();
        ApiKey key = key("billing", LIMIT);

        try {
            door.takeRate(key, LIMIT + 1, response(new LinkedHashMap<>()));
            fail("allowed over the limit");
        } catch (ApiProblem p) {
            assertThat(p.status).isEqualTo(422);
            assertThat(p.type).isEqualTo("over-rate-limit");
            assertThat(p.enhancedStatus).isEqualTo("5.5.3");
            assertThat(p.retryAfter).isZero();
            assertThat(p.detail()).contains(Integer.toString(LIMIT + 1)).contains("billing").contains("split it");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        door.takeRate(key, LIMIT, response(headers)); // the refused request used none of the key's share
        assertThat(headers).containsEntry("RateLimit-Remaining", "0");
    }

    @Test
    void aKeyWithoutALimitGetsNoRateLimitHeaders() throws Exception {
        Map<String, String> headers = new LinkedHashMap<>();

        door().takeRate(key("unlimited", 0), 5, response(headers));

        assertThat(headers).isEmpty();
    }
}
