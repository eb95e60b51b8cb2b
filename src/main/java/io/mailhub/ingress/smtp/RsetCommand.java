package io.mailhub.ingress.smtp;

import io.mailhub.model.SmtpReply;

/** RSET (RFC 5321 section 4.1.1.5): aborts the transaction, keeps the HELO. */
final class RsetCommand implements SmtpCommand {
    @Override
    public SmtpReply execute(SmtpSession session, String argument) {
        if (!argument.isBlank()) {
            return SmtpReplies.syntax("RSET");
        }
        session.resetTransaction();
        return SmtpReplies.OK;
    }
}
