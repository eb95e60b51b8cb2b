package io.mailhub.ingress.pickup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailhub.model.DsnNotify;
import io.mailhub.model.DsnRet;
import io.mailhub.model.Recipient;
import io.mailhub.model.SyntaxException;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ReplayEnvelopeTest {

    private static InputStream in(String s) {
        return new BufferedInputStream(new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8)));
    }

    private static String rest(InputStream in) throws Exception {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    @Test
    void envelopeLinesAreReadOffAndTheMessageIsLeftAsItWas() throws Exception {
        InputStream in = in("X-Sender: <a@erp.test> RET=HDRS ENVID=inv-7 BODY=8BITMIME\r\n"
                + "X-Receiver: <b@x.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;b@x.test\r\n"
                + "X-Receiver: c@x.test\r\n"
                + "From: a@erp.test\r\nSubject: hi\r\n\r\nbody\r\n");

        ReplayEnvelope env = ReplayEnvelope.read(in);

        assertThat(env.senderGiven()).isTrue();
        assertThat(env.sender()).hasToString("a@erp.test");
        assertThat(env.ret()).isEqualTo(DsnRet.HDRS);
        assertThat(env.envid()).isEqualTo("inv-7");
        assertThat(env.recipients()).extracting(r -> r.address().toString()).containsExactly("b@x.test", "c@x.test");
        Recipient b = env.recipients().get(0);
        assertThat(b.notifyOn()).containsExactlyInAnyOrder(DsnNotify.SUCCESS, DsnNotify.FAILURE);
        assertThat(b.orcpt()).isEqualTo("rfc822;b@x.test");
        assertThat(rest(in)).isEqualTo("From: a@erp.test\r\nSubject: hi\r\n\r\nbody\r\n");
    }

    @Test
    void exchangesOwnLinesAreSkippedAndItsOrcptWithoutATypeIsRfc822() throws Exception {
        InputStream in = in("X-CreatedBy: MSExchange15\nX-Sender: <>\nX-Receiver: <b@x.test> ORCPT=b@x.test\n"
                + "X-EndOfInjectedXHeaders: 1234\nSubject: s\n\nx\n");

        ReplayEnvelope env = ReplayEnvelope.read(in);

        assertThat(env.senderGiven()).isTrue();
        assertThat(env.sender()).isNull(); // the null sender
        assertThat(env.recipients().get(0).orcpt()).isEqualTo("rfc822;b@x.test");
        assertThat(rest(in)).startsWith("Subject: s");
    }

    @Test
    void aMessageWithoutEnvelopeLinesIsLeftWhole() throws Exception {
        InputStream in = in("From: a@erp.test\nX-Mailer: erp\n\nx\n");

        ReplayEnvelope env = ReplayEnvelope.read(in);

        assertThat(env.isEmpty()).isTrue();
        assertThat(rest(in)).isEqualTo("From: a@erp.test\nX-Mailer: erp\n\nx\n");
    }

    @Test
    void aBadEnvelopeLineIsRefusedWithItsNumberAndWhatIsWrong() {
        assertThatThrownBy(() -> ReplayEnvelope.read(in("X-Sender: <a@erp.test>\nX-Receiver: <not an address>\n")))
                .isInstanceOf(SyntaxException.class).hasMessageStartingWith("line 2 (X-Receiver): ");
        assertThatThrownBy(() -> ReplayEnvelope.read(in("X-Receiver: <b@x.test> FOO=1\n")))
                .hasMessage("line 1 (X-Receiver): unknown parameter FOO");
        assertThatThrownBy(() -> ReplayEnvelope.read(in("X-Sender: <a@erp.test> RET=ALL\n")))
                .hasMessage("line 1 (X-Sender): RET must be FULL or HDRS");
        assertThatThrownBy(() -> ReplayEnvelope.read(in("X-Sender: <a@erp.test>\nX-Sender: <b@erp.test>\n")))
                .hasMessage("line 2 (X-Sender): a second X-Sender line");
        assertThatThrownBy(() -> ReplayEnvelope.read(in("X-Receiver: <>\n")))
                .hasMessage("line 1 (X-Receiver): a recipient cannot be <>");
    }
}
