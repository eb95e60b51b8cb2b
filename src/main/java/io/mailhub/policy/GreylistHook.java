package io.mailhub.policy;

import io.mailhub.model.MailAddress;
import io.mailhub.model.Recipient;
import io.mailhub.model.SmtpReply;
import java.util.List;

/**
 * Greylisting at RCPT, as Postgrey does it behind Postfix: a recipient whose triplet (client network, sender,
 * recipient) is new is refused with {@code 451 4.7.1} before the client sends its message. Logged-in clients and
 * trusted networks pass.
 */
public final class GreylistHook implements RcptHook {

    private final Greylist greylist;
    private final Greylist.Timing timing;
    private final NetworkList trusted;

    public GreylistHook(Greylist greylist, Greylist.Timing timing, NetworkList trusted) {
        this.greylist = greylist;
        this.timing = timing;
        this.trusted = trusted;
    }

    @Override
    public HookResult rcpt(SessionFacts session, MailAddress sender, Recipient recipient) {
        if (session.authUser() != null || session.clientAddress() == null || trusted.contains(session.clientAddress())) {
            return HookResult.next();
        }
        Greylist.Outcome o = greylist.attempt(session.clientAddress().getHostAddress(),
                sender == null ? "" : sender.toString(), List.of(recipient.address().toString()), timing);
        return o.pass() ? HookResult.next() : HookResult.reject(SmtpReply.of(451, "4.7.1",
                "Greylisted, try again in " + o.retryInSeconds() + " seconds"));
    }
}
