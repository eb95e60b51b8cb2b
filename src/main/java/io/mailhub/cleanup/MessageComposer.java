package io.mailhub.cleanup;

import io.mailhub.dkim.DkimSigner;
import io.mailhub.model.Envelope;
import io.mailhub.model.MessageContent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The cleanup step (Postfix's cleanup(8)): prepends our Received header and adds Message-ID and Date when the message
 * lacks them (RFC 5322 section 3.6; RFC 5321 section 6.4 lets the submission server add them). Every other header is
 * left exactly as received. When the content does not start with a header field, an empty line is inserted so the
 * original text stays the body.
 */
public final class MessageComposer {

    private static final DateTimeFormatter RFC5322 = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ENGLISH);

    private final String hostname;
    private final Clock clock;
    private final DkimSigner signer;

    public MessageComposer(String hostname, Clock clock) {
        this(hostname, clock, null);
    }

    /** @param signer signs outbound mail (see {@link #sign}), or {@code null} for no DKIM */
    public MessageComposer(String hostname, Clock clock, DkimSigner signer) {
        this.hostname = hostname;
        this.clock = clock;
        this.signer = signer;
    }

    /**
     * Adds DKIM signatures to a composed outbound message (from a logged-in user or a trusted network) when the key
     * table has keys for its From: domain; otherwise returns it unchanged. Mail relayed into the hub from elsewhere is
     * never signed (it is not ours).
     */
    public MessageContent sign(MessageContent composed) throws IOException {
        return signed(composed).content();
    }

    /** As {@link #sign}, saying with which domain and selectors it signed, if it did. */
    public DkimSigner.Signed signed(MessageContent composed) throws IOException {
        return signer == null ? DkimSigner.Signed.not(composed) : signer.signed(composed);
    }

    public MessageContent compose(Envelope envelope, SessionTrace trace, HeaderScanner scan, MessageContent content) {
        return compose(envelope, trace, scan, content, newMessageId(envelope.queueId()));
    }

    /** A new Message-ID (without angle brackets) for a message that lacks one: {@code QUEUEID.RANDOM@hostname}. */
    public String newMessageId(String queueId) {
        return queueId + '.' + Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36) + '@' + hostname;
    }

    /** As {@link #compose(Envelope, SessionTrace, HeaderScanner, MessageContent)}, adding {@code messageId} if needed. */
    public MessageContent compose(Envelope envelope, SessionTrace trace, HeaderScanner scan, MessageContent content,
            String messageId) {
        String date = RFC5322.format(ZonedDateTime.now(clock));
        StringBuilder prefix = new StringBuilder(256);
        appendReceived(prefix, envelope, trace, date);
        if (!scan.hasMessageId()) {
            prefix.append("Message-ID: <").append(messageId).append(">\r\n");
        }
        if (!scan.hasDate()) {
            prefix.append("Date: ").append(date).append("\r\n");
        }
        if (!scan.firstLineIsHeader() && content.size() > 0 && !startsWithEmptyLine(content)) {
            prefix.append("\r\n");
        }
        return MessageContent.prefixed(prefix.toString().getBytes(StandardCharsets.UTF_8), content);
    }

    /** The Received header (RFC 5321 section 4.4), folded, ending in CRLF. */
    void appendReceived(StringBuilder sb, Envelope envelope, SessionTrace trace, String date) {
        sb.append("Received: from ").append(trace.clientHelo() == null ? "unknown" : printable(trace.clientHelo()))
                .append(" ([").append(trace.clientAddress()).append("])");
        if (trace.tlsProtocol() != null) {
            sb.append("\r\n\t(using ").append(trace.tlsProtocol()).append(" with cipher ").append(trace.tlsCipher())
                    .append(')');
        }
        if (trace.authUser() != null) {
            sb.append("\r\n\t(Authenticated sender: ").append(printable(trace.authUser())).append(')');
        }
        sb.append("\r\n\tby ").append(hostname).append(" (Mailhub) with ").append(trace.protocol()).append(" id ")
                .append(envelope.queueId());
        if (envelope.recipients().size() == 1) {
            sb.append("\r\n\tfor <").append(envelope.recipients().get(0).address()).append('>');
        }
        sb.append("; ").append(date).append("\r\n");
    }

    private static boolean startsWithEmptyLine(MessageContent content) {
        try (InputStream in = content.openStream()) {
            return in.read() == '\r' && in.read() == '\n';
        } catch (IOException e) {
            return false;
        }
    }

    /** Keeps visible ASCII and spaces; anything else (controls, parentheses that would unbalance a comment) becomes '?'. */
    static String printable(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(c >= 32 && c < 127 && c != '(' && c != ')' && c != '\\' ? c : '?');
        }
        return sb.toString();
    }

    /** Our prefix followed by the received content; reading it never copies the content into memory. */
}
