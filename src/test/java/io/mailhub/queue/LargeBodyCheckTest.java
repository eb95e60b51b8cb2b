package io.mailhub.queue;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailhub.testing.TestBroker;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.Session;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A large body read to its end is checked against the length its producer sent, as the broker recorded it. */
class LargeBodyCheckTest {

    @RegisterExtension
    final TestBroker broker = new TestBroker();

    private BytesMessage message(Long sentLength) throws Exception {
        try (Connection c = broker.cf().createConnection()) {
            BytesMessage m = c.createSession(false, Session.AUTO_ACKNOWLEDGE).createBytesMessage();
            if (sentLength != null) {
                m.setLongProperty(LargeBodyCheck.SENT_LENGTH, sentLength);
            }
            return m;
        }
    }

    @Test
    void aBodyShorterThanItsProducerSentIsCutShortAndSaysHowMuchIsLeft() throws Exception {
        assertThatThrownBy(() -> LargeBodyCheck.verify(message(1_500_000L), 147_456))
                .isInstanceOf(LargeBodyCheck.CutShort.class)
                .hasMessage("body cut short: the broker holds 147456 of the 1500000 octets sent (it failed to write the"
                        + " rest, such as on a full disk)");
    }

    @Test
    void aWholeBodyPasses() throws Exception {
        assertThatCode(() -> LargeBodyCheck.verify(message(1_500_000L), 1_500_000)).doesNotThrowAnyException();
    }

    @Test
    void aMessageWithoutTheBrokersRecordOfTheSentLengthPasses() throws Exception {
        assertThatCode(() -> LargeBodyCheck.verify(message(null), 0)).doesNotThrowAnyException();
    }
}
