package io.mailhub.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EnvelopeHeadersTest {

    private static final Instant ARRIVAL = Instant.parse("2024-03-01T12:34:56.789Z");

    private static Envelope fullEnvelope() {
        return new Envelope(
                "01HQXYZ0000ABC",
                new MailAddress("alice", "example.com"),
                List.of(new Recipient(new MailAddress("bob", "example.org"), Set.of(DsnNotify.SUCCESS, DsnNotify.FAILURE),
                                "rfc822;bob@example.org"),
                        Recipient.of(new MailAddress("\"carol x\"", "example.net"))),
                DsnRet.HDRS,
                "env+2Bid",
                BodyType.EIGHT_BIT_MIME,
                true,
                "192.0.2.10",
                "client.example.com",
                "alice-login",
                ARRIVAL,
                4711);
    }

    @Test
    void writtenEnvelopeReadsBackEqual() throws SyntaxException {
        Envelope envelope = fullEnvelope();
        Map<String, Object> headers = new HashMap<>();

        EnvelopeHeaders.write(envelope, headers);

        assertThat(EnvelopeHeaders.read(headers::get)).isEqualTo(envelope);
    }

    @Test
    void nullSenderAndUnsetOptionalFieldsSurviveTheRoundTrip() throws SyntaxException {
        Envelope envelope = new Envelope("01HQXYZ0000ABD", null, List.of(Recipient.of(new MailAddress("b", "example.org"))),
                null, null, BodyType.SEVEN_BIT, false, null, null, null, ARRIVAL, -1);
        Map<String, Object> headers = new HashMap<>();

        EnvelopeHeaders.write(envelope, headers);

        assertThat(headers).doesNotContainKeys(EnvelopeHeaders.RET, EnvelopeHeaders.ENVID, EnvelopeHeaders.CLIENT_ADDRESS,
                EnvelopeHeaders.CLIENT_HELO, EnvelopeHeaders.AUTH_USER);
        assertThat(headers).containsEntry(EnvelopeHeaders.SENDER, "");
        assertThat(EnvelopeHeaders.read(headers::get)).isEqualTo(envelope);
    }

    @Test
    void recipientsTravelOnePerLineInRcptSyntax() {
        Map<String, Object> headers = new HashMap<>();

        EnvelopeHeaders.write(fullEnvelope(), headers);

        assertThat(headers.get(EnvelopeHeaders.RECIPIENTS).toString().split("\n")).hasSize(2)
                .allSatisfy(line -> assertThat(line).startsWith("<"));
    }

    @Test
    void valuesGivenAsStringsAreReadToo() throws SyntaxException {
        Map<String, Object> headers = new HashMap<>();
        EnvelopeHeaders.write(fullEnvelope(), headers);
        headers.replaceAll((k, v) -> v.toString());

        assertThat(EnvelopeHeaders.read(headers::get)).isEqualTo(fullEnvelope());
    }

    @Test
    void messageWithoutEnvelopeHeadersIsRejectedNamingThem() {
        Map<String, Object> headers = new HashMap<>();
        headers.put(EnvelopeHeaders.QUEUE_ID, "01HQXYZ0000ABC");

        assertThatThrownBy(() -> EnvelopeHeaders.read(headers::get))
                .isInstanceOf(SyntaxException.class)
                .hasMessageContaining(EnvelopeHeaders.SENDER)
                .hasMessageContaining(EnvelopeHeaders.RECIPIENTS);
    }

    @Test
    void unknownBodyOrRetValueIsRejected() {
        Map<String, Object> headers = new HashMap<>();
        EnvelopeHeaders.write(fullEnvelope(), headers);
        headers.put(EnvelopeHeaders.BODY, "BINARYMIME");

        assertThatThrownBy(() -> EnvelopeHeaders.read(headers::get))
                .isInstanceOf(SyntaxException.class)
                .hasMessageContaining(EnvelopeHeaders.BODY);

        headers.put(EnvelopeHeaders.BODY, "7BIT");
        headers.put(EnvelopeHeaders.RET, "SOME");
        assertThatThrownBy(() -> EnvelopeHeaders.read(headers::get))
                .isInstanceOf(SyntaxException.class)
                .hasMessageContaining(EnvelopeHeaders.RET);
    }

    @Test
    void headerNamesAreJmsIdentifiersWithoutTheCamelPrefix() {
        List<String> names = List.of(EnvelopeHeaders.QUEUE_ID, EnvelopeHeaders.SENDER, EnvelopeHeaders.RECIPIENTS,
                EnvelopeHeaders.RET, EnvelopeHeaders.ENVID, EnvelopeHeaders.BODY, EnvelopeHeaders.SMTPUTF8,
                EnvelopeHeaders.CLIENT_ADDRESS, EnvelopeHeaders.CLIENT_HELO, EnvelopeHeaders.AUTH_USER,
                EnvelopeHeaders.ARRIVAL, EnvelopeHeaders.SIZE, EnvelopeHeaders.ATTEMPT);

        assertThat(names).allSatisfy(n -> assertThat(n).matches("[A-Za-z][A-Za-z0-9]*").doesNotStartWith("Camel"));
        assertThat(Set.copyOf(names)).hasSameSizeAs(names);
    }
}
