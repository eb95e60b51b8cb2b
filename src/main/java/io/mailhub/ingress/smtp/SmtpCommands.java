package io.mailhub.ingress.smtp;

import java.util.Map;

/** The verbs the listener knows. Commands are stateless; session state lives in {@link SmtpSession}. */
final class SmtpCommands {

    private static final SmtpCommand NOT_IMPLEMENTED = (session, argument) -> SmtpReplies.NOT_IMPLEMENTED;

    private static final Map<String, SmtpCommand> COMMANDS = Map.ofEntries(
            Map.entry("HELO", new HeloCommand(false)),
            Map.entry("EHLO", new HeloCommand(true)),
            Map.entry("MAIL", new LoginRequired(new MailCommand())),
            Map.entry("RCPT", new RcptCommand()),
            Map.entry("DATA", new DataCommand()),
            Map.entry("BDAT", new BdatCommand()),
            Map.entry("RSET", new RsetCommand()),
            Map.entry("NOOP", (session, argument) -> SmtpReplies.OK),
            Map.entry("QUIT", new QuitCommand()),
            Map.entry("VRFY", new VrfyCommand()),
            Map.entry("HELP", new HelpCommand()),
            // known verbs we do not offer: 502, not 500 (RFC 5321 section 4.2.4)
            Map.entry("EXPN", NOT_IMPLEMENTED),
            Map.entry("TURN", NOT_IMPLEMENTED),
            Map.entry("ETRN", NOT_IMPLEMENTED),
            Map.entry("STARTTLS", new StartTlsCommand()),
            Map.entry("AUTH", new AuthCommand()));

    private SmtpCommands() {}

    static SmtpCommand get(String verb) {
        return COMMANDS.get(verb);
    }
}
