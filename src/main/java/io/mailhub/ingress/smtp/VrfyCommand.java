package io.mailhub.ingress.smtp;

import io.mailhub.model.SmtpReply;

/**
 * VRFY (RFC 5321 section 3.5.3): always 252. Confirming or denying mailboxes would let anyone harvest addresses, so
 * like most public MTAs we neither confirm nor deny.
 */
final class VrfyCommand implements SmtpCommand {
    @Override
    public SmtpReply execute(SmtpSession session, String argument) {
        if (argument.isBlank()) {
            return SmtpReplies.syntax("VRFY address");
        }
        return SmtpReplies.VRFY;
    }
}
