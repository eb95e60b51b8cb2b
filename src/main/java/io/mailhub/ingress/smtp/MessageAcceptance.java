package io.mailhub.ingress.smtp;

import io.mailhub.acceptance.Decision;
import io.mailhub.acceptance.Door;
import io.mailhub.acceptance.Origin;
import io.mailhub.acceptance.Submission;
import io.mailhub.model.MessageContent;
import io.mailhub.model.SmtpReply;
import java.util.Map;

/**
 * The SMTP door's hand-over to the acceptance stage: the transaction and the received content become a
 * {@link Submission} from this session's {@link Origin}, and the stage's decision is the reply to the end of data.
 */
final class MessageAcceptance {

    private MessageAcceptance() {}

    static SmtpReply accept(SmtpSession session, SmtpServer server, Transaction t, IncomingMessage message,
            MessageContent content) {
        Origin origin = new Origin(door(server.role()), session.clientAddress(), session.helo(), session.user(),
                server.acceptance().policy().mayRelay(session), session.trace());
        Submission submission = new Submission(origin, t.sender, t.recipients, t.ret, t.envid, t.body, t.smtputf8,
                content, message.headers(), Map.of(), null);
        Decision decision = server.acceptance().accept(submission);
        return decision.reply();
    }

    static Door door(ListenerRole role) {
        return switch (role) {
            case MX -> Door.SMTP;
            case SUBMISSION -> Door.SUBMISSION;
            case SMTPS -> Door.SMTPS;
        };
    }
}
