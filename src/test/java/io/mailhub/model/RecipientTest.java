package io.mailhub.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

class RecipientTest {

    private static final MailAddress BOB = new MailAddress("bob", "example.org");

    @Test
    void recipientWithoutDsnParametersIsWrittenAsABarePath() {
        assertThat(Recipient.of(BOB).toLine()).isEqualTo("<bob@example.org>");
    }

    @Test
    void recipientWithDsnParametersIsWrittenInRcptSyntax() {
        Recipient r = new Recipient(BOB, Set.of(DsnNotify.FAILURE), "rfc822;bob@example.org");

        assertThat(r.toLine()).isEqualTo("<bob@example.org> NOTIFY=FAILURE ORCPT=rfc822;bob@example.org");
    }

    @Test
    void lineRoundTripKeepsAddressNotifyAndOrcpt() throws SyntaxException {
        Recipient r = new Recipient(BOB, Set.of(DsnNotify.SUCCESS, DsnNotify.DELAY), "rfc822;bob+2Bx@example.org");

        assertThat(Recipient.fromLine(r.toLine())).isEqualTo(r);
    }

    @Test
    void lineRoundTripKeepsQuotedAndNonAsciiAddresses() throws SyntaxException {
        Recipient quoted = Recipient.of(new MailAddress("\"john doe\"", "example.org"));
        Recipient utf8 = new Recipient(new MailAddress("jösé", "exämple.org"), Set.of(DsnNotify.NEVER), null);

        assertThat(Recipient.fromLine(quoted.toLine())).isEqualTo(quoted);
        assertThat(Recipient.fromLine(utf8.toLine())).isEqualTo(utf8);
    }

    @Test
    void nullPathIsNotARecipient() {
        assertThatThrownBy(() -> Recipient.fromLine("<>"))
                .isInstanceOf(SyntaxException.class)
                .hasMessageContaining("cannot be <>");
    }

    @Test
    void withoutNotifyTheSenderHearsOfFailureAndDelayOnly() {
        Recipient r = Recipient.of(BOB);

        assertThat(r.wants(DsnNotify.FAILURE)).isTrue();
        assertThat(r.wants(DsnNotify.DELAY)).isTrue();
        assertThat(r.wants(DsnNotify.SUCCESS)).isFalse();
    }

    @Test
    void notifyNeverSilencesEveryNotification() {
        Recipient r = new Recipient(BOB, Set.of(DsnNotify.NEVER), null);

        assertThat(r.wants(DsnNotify.FAILURE)).isFalse();
        assertThat(r.wants(DsnNotify.DELAY)).isFalse();
        assertThat(r.wants(DsnNotify.SUCCESS)).isFalse();
    }

    @Test
    void explicitNotifyListIsFollowedExactly() {
        Recipient r = new Recipient(BOB, Set.of(DsnNotify.SUCCESS), null);

        assertThat(r.wants(DsnNotify.SUCCESS)).isTrue();
        assertThat(r.wants(DsnNotify.FAILURE)).isFalse();
    }
}
