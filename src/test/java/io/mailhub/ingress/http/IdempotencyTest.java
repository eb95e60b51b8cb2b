package io.mailhub.ingress.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.mailhub.auth.ApiKey;
import io.mailhub.auth.ApiKeys;
import io.mailhub.auth.SendAs;
import io.mailhub.testing.ManualClock;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Idempotency-Key in memory (no broker): the first final answer is given again for 24 hours, another body with the
 * same key is 422, a request still in flight is 409, and answers that ask for a retry are not kept.
 */
class IdempotencyTest {

    private static final String LOCATION = "/api/v1/messages/Q1";
    private static final String ANSWER = "{\"id\":\"Q1\"}";

    private final ManualClock clock = new ManualClock(Instant.parse("2026-11-29T12:00:00Z"));
    private final Idempotency idempotency = new Idempotency(null, clock);
    private final ApiKey billing = key("billing");
    private final ApiKey crm = key("crm");

    private static ApiKey key(String name) {
        try {
            return new ApiKey(name, ApiKeys.hash("mh_" + name), SendAs.parse("@shop.test"), 0, 0, false, false);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sha256(String body) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(body.getBytes(UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static final byte[] BODY = sha256("{\"to\":\"a@x.test\",\"text\":\"hi\"}");
    private static final byte[] OTHER_BODY = sha256("{\"to\":\"b@x.test\",\"text\":\"hi\"}");

    private ApiProblem refusalOf(ApiKey key, String idempotencyKey, byte[] hash) {
        try {
            idempotency.begin(key, idempotencyKey, hash);
        } catch (ApiProblem p) {
            return p;
        }
        return fail("the request went on");
    }

    /** Begins and completes a request with {@code status}. */
    private void answered(ApiKey key, String idempotencyKey, byte[] hash, int status) throws ApiProblem {
        Idempotency.Begin b = idempotency.begin(key, idempotencyKey, hash);
        assertThat(b.replay()).isNull();
        idempotency.complete(b.scope(), hash, status, status < 300 ? ANSWER : "{\"status\":" + status + "}",
                status < 300 ? LOCATION : null);
    }

    @Test
    void aNewKeyGoesOnWithAScopeOfTheApiKeyAndTheIdempotencyKey() throws Exception {
        Idempotency.Begin b = idempotency.begin(billing, "order-17", BODY);

        assertThat(b.replay()).isNull();
        assertThat(b.scope()).isEqualTo(billing.name() + "\0" + "order-17");
    }

    @Test
    void aRepeatedRequestGetsTheStoredAnswerAgain() throws Exception {
        answered(billing, "order-17", BODY, 202);

        Idempotency.Record r = idempotency.begin(billing, "order-17", BODY).replay();

        assertThat(r).isNotNull();
        assertThat(r.done()).isTrue();
        assertThat(r.status()).isEqualTo(202);
        assertThat(r.body()).isEqualTo(ANSWER);
        assertThat(r.location()).isEqualTo(LOCATION);
        assertThat(idempotency.begin(billing, "order-17", BODY).replay()).as("and again").isEqualTo(r);
    }

    @Test
    void aFinalRefusalIsGivenAgainToo() throws Exception {
        answered(billing, "order-17", BODY, 422);

        Idempotency.Record r = idempotency.begin(billing, "order-17", BODY).replay();

        assertThat(r.status()).isEqualTo(422);
        assertThat(r.body()).isEqualTo("{\"status\":422}");
        assertThat(r.location()).isNull();
    }

    @Test
    void theSameKeyWithAnotherBodyIsA422() throws Exception {
        answered(billing, "order-17", BODY, 202);

        ApiProblem p = refusalOf(billing, "order-17", OTHER_BODY);

        assertThat(p.status).isEqualTo(422);
        assertThat(p.type).isEqualTo("idempotency-key-reused");
        assertThat(p.enhancedStatus).isEqualTo("5.5.0");
        assertThat(idempotency.begin(billing, "order-17", BODY).replay()).as("the first answer stays").isNotNull();
    }

    @Test
    void aSecondRequestWhileTheFirstIsInFlightIsA409() throws Exception {
        Idempotency.Begin first = idempotency.begin(billing, "order-17", BODY);

        ApiProblem p = refusalOf(billing, "order-17", BODY);

        assertThat(p.status).isEqualTo(409);
        assertThat(p.type).isEqualTo("idempotency-in-flight");
        assertThat(p.enhancedStatus).isEqualTo("4.5.0");
        assertThat(p.retryAfter).isPositive();
        assertThat(refusalOf(billing, "order-17", OTHER_BODY).status).as("whatever its body").isEqualTo(409);

        idempotency.complete(first.scope(), BODY, 202, ANSWER, LOCATION);
        assertThat(idempotency.begin(billing, "order-17", BODY).replay().status()).isEqualTo(202);
    }

    @Test
    void answersThatAskForARetryAreNotKeptSoTheNextAttemptGoesOn() throws Exception {
        for (int status : new int[] {409, 429, 500, 503, 408}) {
            String key = "attempt-" + status;
            answered(billing, key, BODY, status);

            Idempotency.Begin again = idempotency.begin(billing, key, BODY);

            assertThat(again.replay()).as("after %d", status).isNull();
            idempotency.complete(again.scope(), BODY, 202, ANSWER, LOCATION);
            assertThat(idempotency.begin(billing, key, BODY).replay().status()).as("after %d", status).isEqualTo(202);
        }
    }

    @Test
    void onlyAnswersThatEndARequestAreFinal() {
        assertThat(Idempotency.isFinal(200)).isTrue();
        assertThat(Idempotency.isFinal(202)).isTrue();
        assertThat(Idempotency.isFinal(400)).isTrue();
        assertThat(Idempotency.isFinal(403)).isTrue();
        assertThat(Idempotency.isFinal(413)).isTrue();
        assertThat(Idempotency.isFinal(422)).isTrue();
        assertThat(Idempotency.isFinal(408)).isFalse();
        assertThat(Idempotency.isFinal(409)).isFalse();
        assertThat(Idempotency.isFinal(429)).isFalse();
        assertThat(Idempotency.isFinal(500)).isFalse();
        assertThat(Idempotency.isFinal(503)).isFalse();
    }

    @Test
    void aKeyOfUpTo256CharactersIsTakenAndALongerOneIsA400() throws Exception {
        String longest = "k".repeat(Idempotency.MAX_KEY);

        assertThat(idempotency.begin(billing, longest, BODY).replay()).isNull();

        ApiProblem p = refusalOf(billing, longest + "k", BODY);
        assertThat(p.status).isEqualTo(400);
        assertThat(p.type).isEqualTo("invalid-request");
        assertThat(p.enhancedStatus).isEqualTo("5.5.2");
        assertThat(p.errors).singleElement().satisfies(e -> {
            assertThat(e.field()).isEqualTo("Idempotency-Key");
            assertThat(e.message()).contains(Integer.toString(Idempotency.MAX_KEY));
        });
    }

    @Test
    void anEmptyKeyIsA400() {
        ApiProblem p = refusalOf(billing, "", BODY);

        assertThat(p.status).isEqualTo(400);
        assertThat(p.errors).extracting(ApiProblem.FieldError::field).containsExactly("Idempotency-Key");
    }

    @Test
    void anAnswerIsKeptFor24HoursAndThenForgotten() throws Exception {
        answered(billing, "order-17", BODY, 202);

        clock.advance(Idempotency.KEEP.minusSeconds(1));
        assertThat(idempotency.begin(billing, "order-17", BODY).replay()).as("just before 24 hours").isNotNull();

        clock.advance(Duration.ofSeconds(2));
        Idempotency.Begin later = idempotency.begin(billing, "order-17", OTHER_BODY);
        assertThat(later.replay()).as("after 24 hours, even with another body").isNull();
    }

    @Test
    void theKeepingTimeCountsFromTheAnswer() throws Exception {
        Idempotency.Begin b = idempotency.begin(billing, "slow", BODY);
        clock.advance(Duration.ofHours(2));
        idempotency.complete(b.scope(), BODY, 202, ANSWER, LOCATION);

        clock.advance(Idempotency.KEEP.minusMinutes(1));

        assertThat(idempotency.begin(billing, "slow", BODY).replay()).isNotNull();
    }

    @Test
    void theSameIdempotencyKeyUnderTwoApiKeysIsTwoIndependentRequests() throws Exception {
        answered(billing, "order-17", BODY, 202);
        idempotency.begin(billing, "in-flight", BODY);

        Idempotency.Begin crmReused = idempotency.begin(crm, "order-17", OTHER_BODY);
        Idempotency.Begin crmInFlight = idempotency.begin(crm, "in-flight", OTHER_BODY);

        assertThat(crmReused.replay()).as("neither replayed nor 422").isNull();
        assertThat(crmInFlight.replay()).as("not 409").isNull();
        idempotency.complete(crmReused.scope(), OTHER_BODY, 422, "{}", null);
        assertThat(idempotency.begin(billing, "order-17", BODY).replay().status()).isEqualTo(202);
        assertThat(idempotency.begin(crm, "order-17", OTHER_BODY).replay().status()).isEqualTo(422);
    }

    @Test
    void expiredRecordsAreDroppedFromMemory() throws Exception {
        for (int i = 0; i < 3; i++) {
            answered(billing, "order-" + i, BODY, 202);
        }
        assertThat(idempotency.size()).isEqualTo(3);
        clock.advance(Duration.ofHours(25));

        idempotency.begin(billing, "order-new", BODY);

        assertThat(idempotency.size()).as("only the new request's record").isEqualTo(1);
    }

    @Test
    void aRepeatedRequestMakesTheSameQueueIdsAndAnotherBodyOtherOnes() throws Exception {
        Idempotency.Begin first = idempotency.begin(billing, "order-1", BODY);
        idempotency.complete(first.scope(), BODY, 503, null, null); // not kept: the next attempt goes on
        Idempotency.Begin again = idempotency.begin(billing, "order-1", BODY);
        Idempotency elsewhere = new Idempotency(null, clock); // another hub that has not seen the first
        Idempotency.Begin otherBody = elsewhere.begin(billing, "order-1", OTHER_BODY);

        assertThat(again.queueId(0)).isEqualTo(first.queueId(0)).isNotEqualTo(first.queueId(1));
        assertThat(otherBody.queueId(0)).isNotEqualTo(first.queueId(0));
    }
}
