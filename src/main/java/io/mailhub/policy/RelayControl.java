package io.mailhub.policy;

import io.mailhub.model.Ascii;
import io.mailhub.model.MailAddress;
import io.mailhub.model.Recipient;
import io.mailhub.model.SmtpReply;

/**
 * Never an open relay (RFC 5321 section 3.9, RFC 2505): a recipient in a local domain is accepted from anyone; any
 * other recipient only from a trusted network or an authenticated client. Everything else gets
 * {@code 554 5.7.1 Relay access denied}, the reply Postfix's {@code reject_unauth_destination} gives.
 *
 * <p>The decision uses the domain after the last '@' of the mailbox as parsed by {@code SmtpPath}: source routes are
 * already stripped, and a '%' or '!' in the local part is never interpreted, so address tricks cannot smuggle a
 * foreign destination past a local domain.
 */
public final class RelayControl implements RcptHook {

    private final DomainList localDomains;
    private final NetworkList trustedNetworks;
    private final String hostname;

    /**
     * @param hostname our own name: {@code postmaster@hostname} is always local, since RFC 5321 section 4.5.1 requires
     *     accepting mail for the postmaster
     */
    public RelayControl(DomainList localDomains, NetworkList trustedNetworks, String hostname) {
        this.localDomains = localDomains;
        this.trustedNetworks = trustedNetworks;
        this.hostname = Ascii.toLowerCase(hostname);
    }

    @Override
    public HookResult rcpt(SessionFacts session, MailAddress sender, Recipient recipient) {
        if (isLocal(recipient.address()) || mayRelay(session)) {
            return HookResult.next();
        }
        return HookResult.reject(SmtpReply.of(554, "5.7.1", "<" + recipient.address() + ">: Relay access denied"));
    }

    public boolean isLocal(MailAddress address) {
        if (address.isAddressLiteral()) {
            return false;
        }
        // keys, not spellings: a look-alike (KELVIN SIGN for K, LONG S for s) is either mapped to the real name by
        // the canonical form, or stays a different name; it never matches by a looser comparison than routing uses
        return localDomains.contains(address.domainKey())
                || (Ascii.equalsIgnoreCase(address.localPart(), "postmaster") && address.domainKey().equals(hostname));
    }

    public boolean mayRelay(SessionFacts session) {
        return session.authUser() != null || trustedNetworks.contains(session.clientAddress());
    }
}
