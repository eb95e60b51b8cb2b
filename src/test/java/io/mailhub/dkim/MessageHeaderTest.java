package io.mailhub.dkim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MessageHeaderTest {

    @Test
    void fromAddressesAreFoundWithAndWithoutDisplayNamesAndComments() {
        assertThat(MessageHeader.fromAddresses(List.of("From: Alice <alice@Example.TEST>\r\n")))
                .containsExactly("alice@example.test");
        assertThat(MessageHeader.fromAddresses(List.of("From: \"Doe, John\" <john@a.test>,\r\n <jane@B.test>\r\n")))
                .containsExactly("john@a.test", "jane@b.test");
        assertThat(MessageHeader.fromAddresses(List.of("From: bob@b.test (Bob), carol@c.test\r\n")))
                .containsExactly("bob@b.test", "carol@c.test");
        assertThat(MessageHeader.fromAddresses(List.of("Subject: none\r\n"))).isEmpty();
    }
}
