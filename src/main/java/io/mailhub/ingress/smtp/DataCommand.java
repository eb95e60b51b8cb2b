package io.mailhub.ingress.smtp;

import io.mailhub.model.SmtpReply;
import java.io.IOException;

/**
 * DATA (RFC 5321 section 4.1.1.4): 354, then the content up to CRLF.CRLF, then the verdict. The whole content is read
 * even when it is refused early, so the reply stays in step with the client.
 */
final class DataCommand implements SmtpCommand {

    @Override
    public SmtpReply execute(SmtpSession session, String argument) throws IOException {
        Transaction t = session.transaction();
        if (t == null) {
            return SmtpReplies.NEED_MAIL;
        }
        if (t.chunked != null) {
            return SmtpReplies.DATA_AFTER_BDAT;
        }
        if (t.recipients.isEmpty()) {
            return SmtpReplies.NO_VALID_RECIPIENTS; // RFC 2920 section 3.1: 554 when no recipient was accepted
        }
        if (!argument.isBlank()) {
            return SmtpReplies.syntax("DATA");
        }
        session.replyNow(SmtpReplies.START_DATA);
        session.input().expectContent();
        IncomingMessage message = new IncomingMessage(session.settings());
        DotDecoder decoder = new DotDecoder(session.input());
        byte[] buffer = session.dataBuffer();
        try {
            int n;
            while ((n = decoder.read(buffer, 0, buffer.length)) >= 0) {
                message.accept(buffer, 0, n);
            }
        } catch (IOException | RuntimeException e) {
            message.discard();
            throw e;
        }
        return session.finishMessage(message);
    }
}
