package io.mailhub.ingress.smtp;

import io.mailhub.model.SmtpReply;
import java.io.IOException;

/**
 * One SMTP verb. The session reads a command line, looks up the verb and calls {@link #execute}; the returned reply
 * is written (and flushed once no pipelined input is waiting). Commands that exchange more than one reply (DATA, BDAT)
 * write the intermediate ones through the session.
 */
interface SmtpCommand {

    /**
     * @param argument the text after the verb and one space, possibly empty
     * @return the reply to send
     */
    SmtpReply execute(SmtpSession session, String argument) throws IOException;
}
