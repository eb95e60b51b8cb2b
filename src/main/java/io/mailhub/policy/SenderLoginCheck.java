package io.mailhub.policy;

import io.mailhub.auth.Principal;
import io.mailhub.model.MailAddress;
import io.mailhub.model.SmtpReply;
import java.util.List;
import java.util.function.Function;

/**
 * A logged-in user may send only as the addresses and domains the users file gives them (Postfix's
 * {@code reject_sender_login_mismatch}): anything else in MAIL FROM gets
 * {@code 553 5.7.1 Sender address rejected: not owned by user}. The null sender is allowed. Sessions without a login
 * are not this rule's business (relay control and the listener's AUTH requirement handle them).
 */
public final class SenderLoginCheck implements MailHook, HeaderFromHook {

    private final Function<String, ? extends Principal> users;

    /** @param users finds a user by login name ({@code null} when unknown, e.g. removed from the file since login) */
    public SenderLoginCheck(Function<String, ? extends Principal> users) {
        this.users = users;
    }

    /** The session's principal: the one the door holds (an API key), else the user of that login name. */
    private Principal principal(SessionFacts session, String login) {
        return session.principal() != null ? session.principal() : users.apply(login);
    }

    @Override
    public HookResult mail(SessionFacts session, MailAddress sender) {
        String login = session.authUser();
        if (login == null) {
            return HookResult.next();
        }
        Principal user = principal(session, login);
        if (user != null && user.maySendAs(sender)) {
            return HookResult.next();
        }
        return HookResult.reject(notOwned(sender, login));
    }

    /**
     * The From: header too (when configured): every address in it must belong to the logged-in user, else
     * {@code 553 5.7.1} at end of data. A message without a From: address passes here (other checks may object).
     */
    @Override
    public HookResult headerFrom(SessionFacts session, List<String> fromAddresses) {
        String login = session.authUser();
        if (login == null) {
            return HookResult.next();
        }
        Principal user = principal(session, login);
        for (String address : fromAddresses) {
            int at = address.lastIndexOf('@');
            MailAddress parsed = at > 0 && at < address.length() - 1
                    ? new MailAddress(address.substring(0, at), address.substring(at + 1)) : null;
            if (parsed == null || user == null || !user.maySendAs(parsed)) {
                return HookResult.reject(SmtpReply.of(553, "5.7.1", "From: <" + address
                        + "> rejected: not owned by user " + login));
            }
        }
        return HookResult.next();
    }

    static SmtpReply notOwned(MailAddress sender, String login) {
        return SmtpReply.of(553, "5.7.1", "<" + sender + ">: Sender address rejected: not owned by user " + login);
    }
}
