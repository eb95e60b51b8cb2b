package io.mailhub.ingress.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailhub.acceptance.MailAcceptance;
import io.mailhub.model.SmtpReply;
import io.mailhub.queue.MailQueue;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The acceptance stage answers in SMTP; the API answers the same reason with an HTTP status a client library
 * understands, a stable problem type, and the same enhanced status code.
 */
class ProblemsTest {

    @ParameterizedTest(name = "{0} {1} is {2} {3}, Retry-After {4}")
    @CsvSource({
        // permanent refusals: the client must change the request
        "553, 5.7.1, 403, sender-not-allowed,  0",
        "554, 5.7.1, 403, sender-not-allowed,  0",
        "550, 5.7.26, 403, sender-not-allowed, 0",
        "552, 5.3.4, 413, message-too-big,     0",
        "554, 5.4.6, 422, mail-loop,           0",
        "550, 5.6.0, 422, content-refused,     0",
        "553, 5.6.7, 422, content-refused,     0",
        "501, 5.1.3, 422, recipients-rejected, 0",
        "550, 5.1.1, 422, recipients-rejected, 0",
        "554, 5.5.1, 422, policy-rejected,     0",
        "550, 5.2.2, 422, policy-rejected,     0",
        "552, 5.3.1, 422, policy-rejected,     0",
        // temporary refusals: the client should try the same request again later
        "450, 4.7.1, 429, rate-limited,         60",
        "452, 4.3.1, 503, insufficient-storage, 60",
        "451, 4.3.0, 503, queue-unavailable,    30",
        "421, 4.3.2, 503, queue-unavailable,    30",
        "451, 4.7.0, 503, temporary-failure,    30",
        "450, 4.2.0, 503, temporary-failure,    30",
        "452, 4.5.3, 503, temporary-failure,    30",
    })
    void anSmtpRefusalBecomesTheHttpProblemForTheSameReason(int code, String enhanced, int status, String type,
            long retryAfter) {
        ApiProblem p = Problems.fromReply(SmtpReply.of(code, enhanced, "the reason"), null);

        assertThat(p.status).isEqualTo(status);
        assertThat(p.type).isEqualTo(type);
        assertThat(p.enhancedStatus).isEqualTo(enhanced);
        assertThat(p.retryAfter).isEqualTo(retryAfter);
        assertThat(p.detail()).isEqualTo("the reason");
        assertThat(p.errors).isEmpty();
    }

    @Test
    void aPermanentReplyWithoutAnEnhancedStatusIsAPolicyRefusalWithTheGenericStatus() {
        ApiProblem p = Problems.fromReply(SmtpReply.withoutStatus(554, List.of("go away")), null);

        assertThat(p.status).isEqualTo(422);
        assertThat(p.type).isEqualTo("policy-rejected");
        assertThat(p.enhancedStatus).isEqualTo("5.0.0");
    }

    @Test
    void aTemporaryReplyWithoutAnEnhancedStatusIsATemporaryFailureWithTheGenericStatus() {
        ApiProblem p = Problems.fromReply(SmtpReply.withoutStatus(451, List.of("later")), null);

        assertThat(p.status).isEqualTo(503);
        assertThat(p.type).isEqualTo("temporary-failure");
        assertThat(p.enhancedStatus).isEqualTo("4.0.0");
        assertThat(p.retryAfter).isPositive();
    }

    @Test
    void theReplyTextIsTheDetailAndTheFieldsMessage() {
        SmtpReply reply = new SmtpReply(553, "5.7.1", List.of("<ceo@bank.test>:", "not owned by billing-app"));

        ApiProblem p = Problems.fromReply(reply, "from");

        assertThat(p.detail()).isEqualTo("<ceo@bank.test>: not owned by billing-app");
        assertThat(p.errors).containsExactly(new ApiProblem.FieldError("from", p.detail()));
    }

    @Test
    void aFullDiskIsA503InsufficientStorageWithRetryAfter() {
        ApiProblem p = Problems.unavailable(MailAcceptance.notReady(MailQueue.Readiness.NO_ROOM));

        assertThat(p.status).isEqualTo(503);
        assertThat(p.type).isEqualTo("insufficient-storage");
        assertThat(p.enhancedStatus).isEqualTo(MailAcceptance.INSUFFICIENT_STORAGE.status());
        assertThat(p.retryAfter).isPositive();
        assertThat(p.errors).isEmpty();
    }

    @Test
    void anUnreachableQueueIsA503QueueUnavailableWithRetryAfter() {
        ApiProblem p = Problems.unavailable(MailAcceptance.notReady(MailQueue.Readiness.UNREACHABLE));

        assertThat(p.status).isEqualTo(503);
        assertThat(p.type).isEqualTo("queue-unavailable");
        assertThat(p.enhancedStatus).isEqualTo(MailAcceptance.QUEUE_UNAVAILABLE.status());
        assertThat(p.retryAfter).isPositive();
    }

    @Test
    void everyTemporaryProblemAsksForARetryAndNoPermanentOneDoes() {
        for (int code : new int[] {421, 450, 451, 452, 454}) {
            assertThat(Problems.fromReply(SmtpReply.withoutStatus(code, List.of("x")), null).retryAfter)
                    .as("%d", code).isPositive();
        }
        for (int code : new int[] {500, 501, 550, 552, 553, 554}) {
            assertThat(Problems.fromReply(SmtpReply.withoutStatus(code, List.of("x")), null).retryAfter)
                    .as("%d", code).isZero();
        }
    }
}
