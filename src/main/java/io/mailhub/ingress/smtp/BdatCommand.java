package io.mailhub.ingress.smtp;

import io.mailhub.model.SmtpReply;
import java.io.EOFException;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * BDAT (RFC 3030 CHUNKING): {@code BDAT size [LAST]} followed by exactly {@code size} octets, no dot-stuffing. The
 * octets are always read, even when the command is refused, so the session stays in step. The content passes the
 * same checks as DATA; a problem refuses the message at the chunk where it is found and ends the transaction.
 */
final class BdatCommand implements SmtpCommand {

    private static final Pattern ARGUMENT = Pattern.compile("(\\d{1,18})( +LAST)? *", Pattern.CASE_INSENSITIVE);

    @Override
    public SmtpReply execute(SmtpSession session, String argument) throws IOException {
        Matcher m = ARGUMENT.matcher(argument);
        if (!m.matches()) {
            // without a size we cannot know where the chunk ends: the session cannot continue in step
            session.close();
            return SmtpReply.of(501, "5.5.4", "Syntax: BDAT size [LAST]; closing connection");
        }
        long size = Long.parseLong(m.group(1));
        boolean last = m.group(2) != null;
        Transaction t = session.transaction();
        if (t == null || t.recipients.isEmpty()) {
            skip(session, size);
            if (t != null) {
                session.resetTransaction();
                return SmtpReplies.NO_VALID_RECIPIENTS;
            }
            return SmtpReplies.NEED_MAIL;
        }
        if (t.chunked == null) {
            t.chunked = new IncomingMessage(session.settings());
        }
        IncomingMessage message = t.chunked;
        read(session, message, size);
        if (message.problem() != null) {
            session.resetTransaction();
            return message.problem();
        }
        if (!last) {
            return SmtpReplies.chunkReceived(size);
        }
        t.chunked = null;
        return session.finishMessage(message);
    }

    private static void read(SmtpSession session, IncomingMessage message, long size) throws IOException {
        session.input().expectContent();
        byte[] buffer = session.dataBuffer();
        long remaining = size;
        while (remaining > 0) {
            int n = session.input().read(buffer, 0, (int) Math.min(buffer.length, remaining));
            if (n < 0) {
                throw new EOFException("connection closed in the middle of a BDAT chunk");
            }
            message.accept(buffer, 0, n);
            remaining -= n;
        }
    }

    private static void skip(SmtpSession session, long size) throws IOException {
        session.input().expectContent();
        byte[] buffer = session.dataBuffer();
        long remaining = size;
        while (remaining > 0) {
            int n = session.input().read(buffer, 0, (int) Math.min(buffer.length, remaining));
            if (n < 0) {
                throw new EOFException("connection closed in the middle of a BDAT chunk");
            }
            remaining -= n;
        }
    }
}
