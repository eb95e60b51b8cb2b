package io.mailhub.ingress.smtp;

import io.mailhub.model.SmtpReply;

/** QUIT (RFC 5321 section 4.1.1.10): answer 221 and close; an unfinished transaction is discarded. */
final class QuitCommand implements SmtpCommand {
    @Override
    public SmtpReply execute(SmtpSession session, String argument) {
        if (!argument.isBlank()) {
            return SmtpReplies.syntax("QUIT");
        }
        session.resetTransaction();
        session.close();
        return SmtpReplies.BYE;
    }
}
