package io.mailhub.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailhub.model.MessageContent;
import java.nio.charset.StandardCharsets;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

class MailHeadersTest {

    private static final String MESSAGE = "Received: from a.test\r\n\tby b.test\r\nReceived: from c.test by d.test\r\n"
            + "Subject: =?UTF-8?B?R3LDvMOfZQ==?= aus Berlin\r\n\r\nReceived: from body.test\r\n";

    private static Exchange exchange(Object body) {
        Exchange e = new DefaultExchange(new DefaultCamelContext());
        e.getMessage().setBody(body);
        return e;
    }

    @Test
    void everyOccurrenceIsTestedUnfoldedAndDecodedAndTheBodyIsNot() throws Exception {
        MailHeaders h = new MailHeaders();
        Exchange policy = exchange(MessageContent.of(MESSAGE.getBytes(StandardCharsets.US_ASCII)));
        Exchange routing = exchange(MESSAGE.getBytes(StandardCharsets.US_ASCII));

        for (Exchange e : new Exchange[] {policy, routing}) {
            assertThat(h.matches(e, "received", "from a\\.test by b\\.test")).as("unfolded").isTrue();
            assertThat(h.matches(e, "Received", "from c\\.test.*")).as("not only the first").isTrue();
            assertThat(h.matches(e, "Received", ".*body\\.test.*")).as("never the body").isFalse();
            assertThat(h.matches(e, "Subject", "Grüße aus .*")).as("decoded").isTrue();
            assertThat(h.matchesRaw(e, "Subject", "=\\?UTF-8\\?B\\?.*")).as("as sent").isTrue();
            assertThat(h.count(e, "Received")).isEqualTo(2);
        }
    }
}
