package io.mailhub.ingress.smtp;

import io.mailhub.model.SmtpReply;

/** HELP (RFC 5321 section 4.1.1.8). */
final class HelpCommand implements SmtpCommand {

    private static final SmtpReply HELP = SmtpReply.of(214, "2.0.0",
            "Commands: HELO EHLO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY HELP; see RFC 5321");

    @Override
    public SmtpReply execute(SmtpSession session, String argument) {
        return HELP;
    }
}
