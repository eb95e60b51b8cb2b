package io.mailhub.ingress.smtp;

import io.mailhub.model.SmtpReply;
import java.io.IOException;

/**
 * STARTTLS (RFC 3207). After the 220 the session forgets everything it knew: the EHLO name, and any plaintext the
 * client pipelined after the command, which is discarded unread (the CVE-2011-0411 class of command injection). The
 * client must send EHLO again over TLS.
 */
final class StartTlsCommand implements SmtpCommand {

    static final SmtpReply READY = SmtpReply.of(220, "2.0.0", "Ready to start TLS");

    @Override
    public SmtpReply execute(SmtpSession session, String argument) throws IOException {
        if (session.security().tls() == null) {
            return SmtpReplies.NOT_IMPLEMENTED;
        }
        if (!argument.isBlank()) {
            return SmtpReplies.syntax("STARTTLS");
        }
        if (session.tls()) {
            return SmtpReplies.TLS_ALREADY_ACTIVE;
        }
        if (session.helo() == null) {
            return SmtpReplies.HELO_FIRST;
        }
        if (session.transaction() != null) {
            return SmtpReplies.TRANSACTION_IN_PROGRESS;
        }
        session.startTls(READY);
        return null; // the client speaks first over TLS (EHLO)
    }
}
