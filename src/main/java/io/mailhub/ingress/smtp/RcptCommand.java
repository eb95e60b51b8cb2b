package io.mailhub.ingress.smtp;

import io.mailhub.model.EsmtpParameters;
import io.mailhub.model.MailAddress;
import io.mailhub.model.Recipient;
import io.mailhub.model.SmtpPath;
import io.mailhub.model.SmtpReply;
import io.mailhub.model.SyntaxException;
import io.mailhub.policy.HookResult;

/** RCPT TO (RFC 5321 section 4.1.1.3) with the DSN parameters NOTIFY and ORCPT (RFC 3461 section 4). */
final class RcptCommand implements SmtpCommand {

    private static final String USAGE = "RCPT TO:<address>";

    @Override
    public SmtpReply execute(SmtpSession session, String argument) {
        Transaction t = session.transaction();
        if (t == null) {
            return SmtpReplies.NEED_MAIL;
        }
        if (t.chunked != null) {
            return SmtpReply.of(503, "5.5.1", "Error: RCPT not allowed after BDAT");
        }
        if (!argument.regionMatches(true, 0, "TO:", 0, 3)) {
            return SmtpReplies.syntax(USAGE);
        }
        String rest = argument.substring(3).stripLeading();
        MailAddress address;
        int end;
        if (rest.regionMatches(true, 0, "<postmaster>", 0, 12)) {
            // RFC 5321 section 4.5.1: "Postmaster" without a domain must be accepted
            address = new MailAddress("postmaster", session.settings().hostname());
            end = 12;
        } else {
            try {
                SmtpPath.Parsed path = SmtpPath.parse(rest, true);
                if (path.address().isEmpty()) {
                    return SmtpReplies.BAD_RECIPIENT;
                }
                address = path.address().get();
                end = path.end();
            } catch (SyntaxException e) {
                return SmtpReplies.BAD_RECIPIENT;
            }
        }
        String paramText = rest.substring(end);
        if (!paramText.isEmpty() && paramText.charAt(0) != ' ') {
            return SmtpReplies.BAD_RECIPIENT;
        }
        if (!paramText.isBlank() && !session.isExtended()) {
            return SmtpReplies.PARAMETERS_NEED_EHLO;
        }
        Recipient recipient;
        try {
            recipient = Recipient.withParameters(address, EsmtpParameters.parse(paramText, true), t.smtputf8);
        } catch (SyntaxException e) {
            return SmtpReplies.badParameter(e.getMessage());
        } catch (UnsupportedOperationException e) {
            return SmtpReplies.unsupportedParameter(e.getMessage());
        }
        if (address.needsUtf8() && !t.smtputf8) {
            return SmtpReplies.NON_ASCII_ADDRESS;
        }
        if (t.recipients.size() >= session.settings().maxRecipients()) {
            return SmtpReplies.TOO_MANY_RECIPIENTS;
        }
        HookResult r = session.server().policy().rcpt(session, t.sender, recipient);
        if (r.isReject()) {
            session.logReject("RCPT", r.reply(), "from=<" + (t.sender == null ? "" : t.sender) + "> to=<" + address + ">");
            return r.reply();
        }
        t.addRecipient(recipient);
        return SmtpReplies.RECIPIENT_OK;
    }
}
