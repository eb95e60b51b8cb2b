package io.mailhub.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RecipientOutcomeTest {

    private static final Recipient BOB =
            new Recipient(new MailAddress("bob", "example.org"), Set.of(DsnNotify.FAILURE), "rfc822;bob@example.org");

    @Test
    void outcomeLineRoundTripKeepsEveryField() throws SyntaxException {
        RecipientOutcome o = new RecipientOutcome(BOB, "failed", "5.1.1", "mx.example.org", "550 5.1.1 No such user");

        assertThat(RecipientOutcome.fromLine(o.toLine())).isEqualTo(o);
    }

    @Test
    void missingRemoteMtaIsWrittenAsDashAndReadBackAsNull() throws SyntaxException {
        RecipientOutcome o = new RecipientOutcome(BOB, "delayed", "4.4.1", null, "connection refused");

        assertThat(o.toLine()).contains("\t-\t");
        assertThat(RecipientOutcome.fromLine(o.toLine())).isEqualTo(o);
    }

    @Test
    void tabsAndLineEndsInTheDiagnosticBecomeSpaces() throws SyntaxException {
        RecipientOutcome o = new RecipientOutcome(BOB, "failed", "5.0.0", "mx.example.org", "550 first\r\nsecond\tthird");

        RecipientOutcome back = RecipientOutcome.fromLine(o.toLine());

        assertThat(o.toLine()).doesNotContain("\r", "\n");
        assertThat(back.diagnostic()).isEqualTo("550 first  second third");
    }

    @Test
    void emptyDiagnosticSurvivesTheRoundTrip() throws SyntaxException {
        RecipientOutcome o = new RecipientOutcome(BOB, "delivered", "2.0.0", "mx.example.org", "");

        assertThat(RecipientOutcome.fromLine(o.toLine())).isEqualTo(o);
    }

    @Test
    void severalOutcomesRoundTripAsLines() throws SyntaxException {
        List<RecipientOutcome> outcomes = List.of(
                new RecipientOutcome(BOB, "failed", "5.1.1", "mx.example.org", "550 5.1.1 No such user"),
                new RecipientOutcome(Recipient.of(new MailAddress("carol", "example.net")), "delayed", "4.4.1", null,
                        "timeout"));

        assertThat(RecipientOutcome.fromLines(RecipientOutcome.toLines(outcomes))).isEqualTo(outcomes);
    }

    @Test
    void absentOrBlankHeaderHasNoOutcomes() throws SyntaxException {
        assertThat(RecipientOutcome.fromLines(null)).isEmpty();
        assertThat(RecipientOutcome.fromLines("\n \n")).isEmpty();
    }

    @Test
    void lineWithTooFewFieldsIsRejected() {
        assertThatThrownBy(() -> RecipientOutcome.fromLine("<bob@example.org>\tfailed\t5.1.1"))
                .isInstanceOf(SyntaxException.class)
                .hasMessageContaining("5 fields");
    }
}
