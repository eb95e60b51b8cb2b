package io.mailhub.cleanup;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailhub.model.MessageContent;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HeaderFieldFilterTest {

    private static String read(MessageContent c) throws Exception {
        try (InputStream in = c.openStream()) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(text.length()).as("size() is exact").isEqualTo(c.size());
            return text;
        }
    }

    @Test
    void dropsMatchingFieldsWithTheirFoldedLinesAndNothingElse() throws Exception {
        String message = "X-A: keep\r\nX-Drop: one\r\n\tfolded\r\nSubject: s\r\nX-Drop: two\r\n\r\nX-Drop: in the body\r\n";
        MessageContent c = HeaderFieldFilter.without(MessageContent.of(message.getBytes(StandardCharsets.UTF_8)),
                f -> f.startsWith("X-Drop:"));

        assertThat(read(c)).isEqualTo("X-A: keep\r\nSubject: s\r\n\r\nX-Drop: in the body\r\n");
    }

    @Test
    void withNothingToDropTheContentIsReturnedAsItIs() throws Exception {
        MessageContent original = MessageContent.of("A: b\r\n\r\nbody\r\n".getBytes(StandardCharsets.UTF_8));
        assertThat(HeaderFieldFilter.without(original, f -> false)).isSameAs(original);
    }

    @Test
    void authenticationResultsAreOursOnlyWithOurAuthservId() {
        assertThat(io.mailhub.authres.InboundAuthentication.claimsToBe(
                "Authentication-Results: (comment) MX.Example.test; spf=pass\r\n", "mx.example.test")).isTrue();
        assertThat(io.mailhub.authres.InboundAuthentication.claimsToBe(
                "Authentication-Results: mx.example.test.evil; spf=pass\r\n", "mx.example.test")).isFalse();
        assertThat(io.mailhub.authres.InboundAuthentication.claimsToBe("Subject: mx.example.test\r\n", "mx.example.test"))
                .isFalse();
    }
}
