package io.mailhub.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SmtpReplyTest {

    @Test
    void oneLineReplyCarriesCodeStatusAndText() {
        assertThat(SmtpReply.of(250, "2.1.0", "Sender ok").toWire()).isEqualTo("250 2.1.0 Sender ok\r\n");
    }

    @Test
    void multiLineReplyUsesDashContinuationAndStatusOnEveryLine() {
        SmtpReply reply = new SmtpReply(550, "5.7.1", List.of("first", "second", "last"));

        assertThat(reply.toWire()).isEqualTo("550-5.7.1 first\r\n550-5.7.1 second\r\n550 5.7.1 last\r\n");
    }

    @Test
    void ehloStyleReplyWithoutStatusContinuesWithDash() {
        SmtpReply reply = SmtpReply.withoutStatus(250, List.of("mx.example.com", "PIPELINING", "DSN"));

        assertThat(reply.toWire()).isEqualTo("250-mx.example.com\r\n250-PIPELINING\r\n250 DSN\r\n");
    }

    @Test
    void toStringIsOneLineForLogs() {
        SmtpReply reply = new SmtpReply(550, "5.1.1", List.of("No such", "user"));

        assertThat(reply).hasToString("550 5.1.1 No such user");
    }

    @Test
    void codeOutsideTwoHundredToFiveNinetyNineIsRefused() {
        assertThatThrownBy(() -> SmtpReply.of(199, null, "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SmtpReply.of(600, null, "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void statusMustBeWellFormedAndOfTheSameClassAsTheCode() {
        assertThatThrownBy(() -> SmtpReply.of(250, "2.0", "x")).hasMessageContaining("not an enhanced status code");
        assertThatThrownBy(() -> SmtpReply.of(250, "5.0.0", "x")).hasMessageContaining("does not match");
        assertThat(SmtpReply.of(354, "2.0.0", "go ahead").status()).isEqualTo("2.0.0");
    }

    @Test
    void replyTextCannotInjectALineEnd() {
        assertThatThrownBy(() -> SmtpReply.of(250, "2.0.0", "ok\r\n250 fake"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("CR or LF");
        assertThatThrownBy(() -> SmtpReply.withoutStatus(250, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void codeClassIsReported() {
        assertThat(SmtpReply.of(250, null, "x").isPositiveCompletion()).isTrue();
        assertThat(SmtpReply.of(354, null, "x").isPositiveIntermediate()).isTrue();
        assertThat(SmtpReply.of(451, null, "x").isTransientFailure()).isTrue();
        assertThat(SmtpReply.of(550, null, "x").isPermanentFailure()).isTrue();
        assertThat(SmtpReply.of(550, null, "x").isTransientFailure()).isFalse();
    }

    @Test
    void statusPrefixIsTakenOnlyWhenItMatchesTheCodeClass() {
        assertThat(SmtpReply.statusPrefix(550, "5.1.1 No such user")).isEqualTo("5.1.1");
        assertThat(SmtpReply.statusPrefix(550, "4.1.1 odd")).isNull();
        assertThat(SmtpReply.statusPrefix(250, "Ok")).isNull();
        assertThat(SmtpReply.statusPrefix(250, "2.0.0")).isEqualTo("2.0.0");
    }
}
