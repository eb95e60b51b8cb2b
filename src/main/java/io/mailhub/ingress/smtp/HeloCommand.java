package io.mailhub.ingress.smtp;

import io.mailhub.model.SmtpReply;
import io.mailhub.policy.HookResult;
import java.util.ArrayList;
import java.util.List;

/**
 * HELO and EHLO (RFC 5321 section 4.1.1.1): resets the session and, for EHLO, lists the extensions. STARTTLS is
 * offered until TLS is on; AUTH only once it is, so no password ever crosses the network in plaintext.
 */
final class HeloCommand implements SmtpCommand {

    private final boolean extended;

    HeloCommand(boolean extended) {
        this.extended = extended;
    }

    @Override
    public SmtpReply execute(SmtpSession session, String argument) {
        String name = argument.trim();
        if (name.isEmpty() || name.indexOf(' ') >= 0) {
            return SmtpReplies.syntax(extended ? "EHLO hostname" : "HELO hostname");
        }
        HookResult r = session.server().policy().helo(session, name);
        if (r.isReject()) {
            return r.reply();
        }
        session.greeted(name, extended);
        String hostname = session.settings().hostname();
        if (!extended) {
            return SmtpReply.withoutStatus(250, List.of(hostname));
        }
        List<String> lines = new ArrayList<>();
        lines.add(hostname);
        lines.add("PIPELINING");
        lines.add("SIZE " + session.settings().maxMessageSize());
        lines.add("8BITMIME");
        lines.add("ENHANCEDSTATUSCODES");
        lines.add("SMTPUTF8");
        lines.add("CHUNKING");
        lines.add("DSN");
        if (session.security().tls() != null && !session.tls()) {
            lines.add("STARTTLS");
        }
        if (session.security().authenticator() != null && session.tls()) {
            lines.add("AUTH PLAIN LOGIN"); // only over TLS (Postfix's smtpd_tls_auth_only)
        }
        return SmtpReply.withoutStatus(250, lines);
    }
}
