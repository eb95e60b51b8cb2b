package io.mailhub.cleanup;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailhub.model.BodyType;
import io.mailhub.model.Envelope;
import io.mailhub.model.MailAddress;
import io.mailhub.model.MessageContent;
import io.mailhub.model.Recipient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessageComposerTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2024-03-01T12:00:00Z"), ZoneOffset.UTC);
    private static final String DATE = "Fri, 1 Mar 2024 12:00:00 +0000";
    private static final MessageComposer COMPOSER = new MessageComposer("mx.example.test", CLOCK);
    private static final Envelope ENVELOPE = new Envelope("01HQXYZ0000ABC", new MailAddress("alice", "example.test"),
            List.of(Recipient.of(new MailAddress("bob", "example.test"))), null, null, BodyType.SEVEN_BIT, false,
            "192.0.2.10", "client.example", null, CLOCK.instant(), -1);


    private static String compose(SessionTrace trace, String message) throws IOException {
        byte[] bytes = message.getBytes(UTF_8);
        HeaderScanner scan = new HeaderScanner(1 << 20);
        scan.update(bytes, 0, bytes.length);
        MessageContent composed = COMPOSER.compose(ENVELOPE, trace, scan, MessageContent.of(bytes));
        try (InputStream in = composed.openStream()) {
            byte[] streamed = in.readAllBytes();
            assertThat(streamed).hasSize((int) composed.size()).isEqualTo(composed.inMemory());
            return new String(streamed, UTF_8);
        }
    }

    private static String headersAddedTo(String message) throws IOException {
        String composed = compose(new SessionTrace("client.example", "192.0.2.10", true, null, null, null), message);
        assertThat(composed).endsWith(message);
        return composed.substring(0, composed.length() - message.length());
    }

    @Test
    void messageWithHeadersGetsReceivedMessageIdAndDate() throws IOException {
        String added = headersAddedTo("Subject: hi\r\n\r\nbody\r\n");

        assertThat(added).startsWith("Received: from client.example ([192.0.2.10])\r\n"
                        + "\tby mx.example.test (Mailhub) with ESMTP id 01HQXYZ0000ABC\r\n"
                        + "\tfor <bob@example.test>; " + DATE + "\r\n")
                .containsPattern("\r\nMessage-ID: <01HQXYZ0000ABC\\.[0-9a-z]+@mx\\.example\\.test>\r\n")
                .endsWith("Date: " + DATE + "\r\n");
    }

    @Test
    void messageIdAndDateOfTheMessageAreKeptWhateverTheirCase() throws IOException {
        String added = headersAddedTo("message-id: <x@client.example>\r\nDATE: " + DATE + "\r\n\r\nbody\r\n");

        assertThat(added).startsWith("Received: ").doesNotContain("Message-ID:", "Date:");
    }

    @Test
    void contentWithoutHeadersBecomesTheBodyAfterAnEmptyLine() throws IOException {
        String added = headersAddedTo("just text, no header\r\n");

        assertThat(added).endsWith("Date: " + DATE + "\r\n\r\n");
    }

    @Test
    void contentStartingWithAnEmptyLineGetsNoSecondOne() throws IOException {
        String added = headersAddedTo("\r\nbody only\r\n");

        assertThat(added).endsWith("Date: " + DATE + "\r\n");
    }

    @Test
    void heloThatCouldBreakTheCommentIsMadePrintable() throws IOException {
        String added = headersAddedTo(
                new SessionTrace("evil) (by\u0007x", "192.0.2.10", false, null, null, null), "Subject: hi\r\n\r\n");

        assertThat(added).startsWith("Received: from evil? ?by?x ([192.0.2.10])\r\n\tby mx.example.test (Mailhub) with SMTP");
    }

    @Test
    void tlsAndAuthenticationAreRecordedInTheReceivedHeader() throws IOException {
        String composed = compose(new SessionTrace("client.example", "192.0.2.10", true, "TLSv1.3", "TLS_AES_128_GCM_SHA256",
                "alice"), "Subject: hi\r\n\r\n");

        assertThat(composed).startsWith("Received: from client.example ([192.0.2.10])\r\n"
                + "\t(using TLSv1.3 with cipher TLS_AES_128_GCM_SHA256)\r\n"
                + "\t(Authenticated sender: alice)\r\n"
                + "\tby mx.example.test (Mailhub) with ESMTPSA id 01HQXYZ0000ABC\r\n");
    }

    @Test
    void unknownHeloIsWrittenAsUnknown() throws IOException {
        String composed = compose(new SessionTrace(null, "192.0.2.10", false, null, null, null), "Subject: hi\r\n\r\n");

        assertThat(composed).startsWith("Received: from unknown ([192.0.2.10])");
    }

    private static String headersAddedTo(SessionTrace trace, String message) throws IOException {
        String composed = compose(trace, message);
        assertThat(composed).endsWith(message);
        return composed.substring(0, composed.length() - message.length());
    }
}
