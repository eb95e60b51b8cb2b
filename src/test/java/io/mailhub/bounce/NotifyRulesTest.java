package io.mailhub.bounce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailhub.model.BodyType;
import io.mailhub.model.DsnNotify;
import io.mailhub.model.Envelope;
import io.mailhub.model.MailAddress;
import io.mailhub.model.Recipient;
import io.mailhub.model.RecipientOutcome;
import io.mailhub.model.SyntaxException;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NotifyRulesTest {

    private static final MailAddress ALICE = new MailAddress("alice", "example.com");

    @ParameterizedTest(name = "NOTIFY=''{0}'', {1}, delay notices without NOTIFY: {2} -> notice: {3}")
    @CsvSource({
        "'',                failed,    false, true",
        "FAILURE,           failed,    false, true",
        "'FAILURE,DELAY',   failed,    false, true",
        "NEVER,             failed,    true,  false",
        "SUCCESS,           failed,    false, false",
        "DELAY,             failed,    false, false",
        "'',                delayed,   false, false",
        "'',                delayed,   true,  true",
        "DELAY,             delayed,   false, true",
        "'SUCCESS,DELAY',   delayed,   false, true",
        "FAILURE,           delayed,   true,  false",
        "NEVER,             delayed,   true,  false",
        "'',                delivered, false, false",
        "FAILURE,           delivered, false, false",
        "SUCCESS,           delivered, false, true",
        "NEVER,             delivered, false, false",
        "'SUCCESS,FAILURE', relayed,   false, true",
        "FAILURE,           relayed,   false, false",
        "SUCCESS,           expanded,  false, true",
    })
    void noticeFollowsNotifyForEachAction(String notify, String action, boolean delayWithoutNotify, boolean notice)
            throws SyntaxException {
        RecipientOutcome outcome = outcome(notify, action);

        assertThat(new NotifyRules(delayWithoutNotify).wantsNotice(outcome)).isEqualTo(notice);
    }

    @Test
    void nullSenderWithAFailedRecipientIsADoubleBounceWithoutANotice() throws SyntaxException {
        RecipientOutcome failed = outcome("", "failed");
        RecipientOutcome delayed = outcome("", "delayed");

        DsnDecision d = new NotifyRules(true).decide(envelope(null), List.of(failed, delayed));

        assertThat(d.verdict()).isEqualTo(DsnDecision.Verdict.DOUBLE_BOUNCE);
        assertThat(d.shouldSend()).isFalse();
        assertThat(d.reported()).containsExactly(failed);
    }

    @Test
    void nullSenderWithoutFailuresIsNotNotified() throws SyntaxException {
        DsnDecision d = new NotifyRules(true).decide(envelope(null), List.of(outcome("SUCCESS", "delivered")));

        assertThat(d.verdict()).isEqualTo(DsnDecision.Verdict.NOT_REQUESTED);
        assertThat(d.reported()).isEmpty();
    }

    @Test
    void onlyTheRecipientsThatAskedAreReported() throws SyntaxException {
        RecipientOutcome asked = outcome("FAILURE", "failed");
        RecipientOutcome never = outcome("NEVER", "failed");
        RecipientOutcome quietSuccess = outcome("", "delivered");

        DsnDecision d = new NotifyRules(false).decide(envelope(ALICE), List.of(asked, never, quietSuccess));

        assertThat(d.verdict()).isEqualTo(DsnDecision.Verdict.SEND);
        assertThat(d.reported()).containsExactly(asked);
    }

    @Test
    void nobodyAskingMeansNoNotice() throws SyntaxException {
        DsnDecision d = new NotifyRules(false).decide(envelope(ALICE), List.of(outcome("NEVER", "failed")));

        assertThat(d.verdict()).isEqualTo(DsnDecision.Verdict.NOT_REQUESTED);
        assertThat(d.kind()).isNull();
    }

    @Test
    void noticeKindIsTheMostSeriousReportedAction() throws SyntaxException {
        RecipientOutcome delivered = outcome("SUCCESS", "delivered");
        RecipientOutcome delayed = outcome("DELAY", "delayed");
        RecipientOutcome failed = outcome("", "failed");
        NotifyRules rules = new NotifyRules(false);

        assertThat(rules.decide(envelope(ALICE), List.of(delivered, delayed, failed)).kind())
                .isEqualTo(DsnKind.FAILURE);
        assertThat(rules.decide(envelope(ALICE), List.of(delivered, delayed)).kind()).isEqualTo(DsnKind.DELAY);
        assertThat(rules.decide(envelope(ALICE), List.of(delivered)).kind()).isEqualTo(DsnKind.SUCCESS);
    }

    @Test
    void unknownActionIsRejectedAsAMalformedOutcome() throws SyntaxException {
        RecipientOutcome odd = outcome("", "bounced");

        assertThatThrownBy(() -> new NotifyRules(false).wantsNotice(odd))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bounced");
    }

    private static RecipientOutcome outcome(String notify, String action) throws SyntaxException {
        Set<DsnNotify> set = notify.isEmpty() ? Set.of() : DsnNotify.parseList(notify);
        Recipient r = new Recipient(new MailAddress("bob", "example.org"), set, null);
        return new RecipientOutcome(r, action, "5.1.1", null, "test");
    }

    private static Envelope envelope(MailAddress sender) {
        return new Envelope("0J5QZ7ABCDEFGH", sender, List.of(Recipient.of(new MailAddress("bob", "example.org"))),
                null, null, BodyType.SEVEN_BIT, false, "192.0.2.10", null, null, Instant.EPOCH, 10);
    }
}
