package io.mailhub.filter;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailhub.model.BodyType;
import io.mailhub.model.Envelope;
import io.mailhub.model.MailAddress;
import io.mailhub.model.MessageContent;
import io.mailhub.model.Recipient;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SpamCheckTest {

    private static final Envelope ENVELOPE = new Envelope("Q1", new MailAddress("a", "client.test"),
            List.of(Recipient.of(new MailAddress("b", "hub.test"))), null, null, BodyType.SEVEN_BIT, false,
            "192.0.2.7", "client.test", null, Instant.now(), 10);

    private static SpamCheck.Outcome check(SpamFilter filter, String reject, String quarantine, boolean tempfail)
            throws Exception {
        SpamSettings settings = new SpamSettings(URI.create("http://127.0.0.1:1"), Duration.ofSeconds(1),
                SpamSettings.score(reject), SpamSettings.score(quarantine), tempfail);
        return new SpamCheck(filter, settings).check(ENVELOPE, MessageContent.of(
                "Subject: x\r\n\r\nx\r\n".getBytes(StandardCharsets.US_ASCII)));
    }

    private static SpamFilter answering(double score, String action, String... symbols) {
        return new SpamFilter() {
            @Override
            public SpamVerdict check(Envelope envelope, MessageContent content) {
                return new SpamVerdict(score, 15, action, List.of(symbols));
            }

            @Override
            public String name() {
                return "rspamd";
            }
        };
    }

    @Test
    void theFiltersRejectActionRefusesAndOtherActionsAreMarked() throws Exception {
        assertThat(check(answering(15, "reject", "GTUBE"), "", "", false).refusal().toString())
                .isEqualTo("550 5.7.1 Message refused as spam");

        SpamCheck.Outcome marked = check(answering(7.5, "add header", "BAYES_SPAM", "R_DKIM_NA"), "", "", false);
        assertThat(marked.refusal()).isNull();
        assertThat(marked.fields()).containsExactly("X-Spam-Status: Yes, score=7.50 required=15.00"
                + " tests=BAYES_SPAM,R_DKIM_NA filter=rspamd", "X-Spam-Action: add header");
        assertThat(marked.annotations()).containsEntry("MailhubSpamScore", "7.50")
                .containsEntry("MailhubSpamAction", "add header").doesNotContainKey("MailhubHold");

        assertThat(check(answering(-0.1, "no action"), "", "", false).fields().get(0))
                .startsWith("X-Spam-Status: No, score=-0.10");
    }

    @Test
    void ownThresholdsRejectAndQuarantineByScore() throws Exception {
        assertThat(check(answering(9, "add header"), "8", "", false).refusal()).isNotNull();
        assertThat(check(answering(15, "reject"), "20", "", false).refusal()).as("our threshold, not the action")
                .isNull();
        SpamCheck.Outcome held = check(answering(6, "add header"), "", "5", false);
        assertThat(held.refusal()).isNull();
        assertThat(held.annotations()).containsEntry("MailhubHold", "mail.hold");
    }

    @Test
    void aFilterThatDoesNotAnswerNeverHoldsMailUp() throws Exception {
        SpamFilter down = new SpamFilter() {
            @Override
            public SpamVerdict check(Envelope envelope, MessageContent content) throws IOException {
                throw new IOException("rspamd did not answer within 1000 ms");
            }

            @Override
            public String name() {
                return "rspamd";
            }
        };

        SpamCheck.Outcome accepted = check(down, "", "", false);
        assertThat(accepted.refusal()).isNull();
        assertThat(accepted.fields()).containsExactly("X-Spam-Status: Unchecked (rspamd unavailable)");
        assertThat(accepted.annotations()).containsEntry("MailhubSpamAction", "unchecked");
        assertThat(check(down, "", "", true).refusal().toString())
                .isEqualTo("451 4.7.1 Spam filter unavailable, try again later");
    }

    @Test
    void rspamdsAnswerIsReadAndANonsenseAnswerIsNoVerdict() throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        SpamVerdict v = RspamdClient.parse(json.readTree("{\"is_skipped\":true,\"score\":15.0,\"required_score\":15.0,"
                + "\"action\":\"reject\",\"symbols\":{\"GTUBE\":{\"name\":\"GTUBE\",\"score\":0.0}}}"));
        assertThat(v).isEqualTo(new SpamVerdict(15, 15, "reject", List.of("GTUBE")));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RspamdClient.parse(json.readTree("{\"error\":1}")))
                .isInstanceOf(IOException.class).hasMessageContaining("no score or action");
    }
}
