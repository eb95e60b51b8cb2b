package io.mailhub.ingress.smtp;

import io.mailhub.acceptance.MailAcceptance;
import io.mailhub.model.BodyType;
import io.mailhub.model.DsnRet;
import io.mailhub.model.EsmtpParameters;
import io.mailhub.model.MailAddress;
import io.mailhub.model.SmtpPath;
import io.mailhub.model.SmtpReply;
import io.mailhub.model.SyntaxException;
import io.mailhub.model.Xtext;
import io.mailhub.policy.HookResult;
import io.mailhub.queue.MailQueue;
import java.util.Locale;

/**
 * MAIL FROM (RFC 5321 section 4.1.1.2) with the parameters we advertise: SIZE (RFC 1870), BODY (RFC 6152), RET and
 * ENVID (RFC 3461), SMTPUTF8 (RFC 6531), and AUTH (RFC 4954 section 5: accepted and ignored, as the identity a client
 * claims for a message is not trusted). On a submission listener {@link LoginRequired} stands in front of it.
 */
final class MailCommand implements SmtpCommand {

    private static final String USAGE = "MAIL FROM:<address>";

    @Override
    public SmtpReply execute(SmtpSession session, String argument) {
        if (session.helo() == null) {
            return SmtpReplies.HELO_FIRST;
        }
        if (session.transaction() != null) {
            return SmtpReplies.NESTED_MAIL;
        }
        if (!argument.regionMatches(true, 0, "FROM:", 0, 5)) {
            return SmtpReplies.syntax(USAGE);
        }
        String rest = argument.substring(5).stripLeading();
        SmtpPath.Parsed path;
        try {
            path = SmtpPath.parse(rest, true);
        } catch (SyntaxException e) {
            return SmtpReplies.BAD_SENDER;
        }
        String paramText = rest.substring(path.end());
        if (!paramText.isEmpty() && paramText.charAt(0) != ' ') {
            return SmtpReplies.BAD_SENDER;
        }
        if (!paramText.isBlank() && !session.isExtended()) {
            return SmtpReplies.PARAMETERS_NEED_EHLO;
        }
        EsmtpParameters params;
        try {
            params = EsmtpParameters.parse(paramText, true);
        } catch (SyntaxException e) {
            return SmtpReplies.badParameter(e.getMessage());
        }
        for (String key : params.asMap().keySet()) {
            if (!key.equals("SIZE") && !key.equals("BODY") && !key.equals("RET") && !key.equals("ENVID")
                    && !key.equals("SMTPUTF8") && !key.equals("AUTH")) {
                return SmtpReplies.unsupportedParameter(key);
            }
        }
        SmtpReply sizeProblem = checkSize(params.get("SIZE"), params.has("SIZE"), session.settings().maxMessageSize());
        if (sizeProblem != null) {
            return sizeProblem;
        }
        BodyType body = BodyType.SEVEN_BIT;
        if (params.has("BODY")) {
            body = params.get("BODY") == null ? null : BodyType.fromKeyword(params.get("BODY"));
            if (body == null) {
                return SmtpReplies.unsupportedParameter("BODY=" + params.get("BODY"));
            }
        }
        DsnRet ret = null;
        if (params.has("RET")) {
            String v = params.get("RET") == null ? "" : params.get("RET").toUpperCase(Locale.ROOT);
            if (!v.equals("FULL") && !v.equals("HDRS")) {
                return SmtpReplies.badParameter("RET must be FULL or HDRS");
            }
            ret = DsnRet.valueOf(v);
        }
        boolean smtputf8 = params.has("SMTPUTF8");
        if (smtputf8 && params.get("SMTPUTF8") != null) {
            return SmtpReplies.badParameter("SMTPUTF8 takes no value");
        }
        String envid = params.get("ENVID");
        if (params.has("ENVID") && (envid == null || envid.length() > 100 || !Xtext.isValid(envid, smtputf8))) {
            return SmtpReplies.badParameter("ENVID must be xtext of at most 100 characters");
        }
        MailAddress sender = path.address().orElse(null);
        if (sender != null && sender.needsUtf8() && !smtputf8) {
            return SmtpReplies.NON_ASCII_ADDRESS;
        }
        MailQueue.Readiness readiness = session.server().acceptance().readiness(declaredSize(params));
        if (readiness != MailQueue.Readiness.READY) {
            return MailAcceptance.notReady(readiness); // RFC 1870 section 6.1: 452 for "not now, maybe later"
        }
        HookResult r = session.server().policy().mail(session, sender);
        if (r.isReject()) {
            session.logReject("MAIL", r.reply(), "from=<" + (sender == null ? "" : sender) + ">");
            return r.reply();
        }
        session.begin(new Transaction(sender, ret, envid, body, smtputf8));
        return SmtpReplies.SENDER_OK;
    }

    /** The SIZE the client announced (already checked to be a number within the limit), 0 without one. */
    private static long declaredSize(EsmtpParameters params) {
        return params.get("SIZE") == null ? 0 : Long.parseLong(params.get("SIZE"));
    }

    private static SmtpReply checkSize(String value, boolean present, long max) {
        if (!present) {
            return null;
        }
        if (value == null || !value.matches("\\d{1,19}")) {
            return SmtpReplies.badParameter("SIZE must be a number of octets");
        }
        try {
            if (Long.parseLong(value) > max) {
                return SmtpReplies.MESSAGE_TOO_BIG;
            }
        } catch (NumberFormatException e) {
            return SmtpReplies.MESSAGE_TOO_BIG;
        }
        return null;
    }
}
