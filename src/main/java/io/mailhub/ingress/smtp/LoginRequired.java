package io.mailhub.ingress.smtp;

import io.mailhub.model.SmtpReply;
import java.io.IOException;

/**
 * The submission rule as a wrapper around MAIL (RFC 6409 section 4.3, RFC 8314): on a listener whose role requires
 * a login, a client that has not logged in gets {@code 530 5.7.0} (asking for STARTTLS first when the connection is
 * still plaintext) and the wrapped command never runs. On the MX listener it passes straight through.
 */
final class LoginRequired implements SmtpCommand {

    private final SmtpCommand command;

    LoginRequired(SmtpCommand command) {
        this.command = command;
    }

    @Override
    public SmtpReply execute(SmtpSession session, String argument) throws IOException {
        if (session.helo() != null && session.settings().role().authRequired() && session.authUser() == null) {
            return session.tls() ? SmtpReplies.AUTH_REQUIRED : SmtpReplies.STARTTLS_FIRST;
        }
        return command.execute(session, argument);
    }
}
