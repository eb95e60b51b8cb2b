package io.mailhub.policy;

import io.mailhub.model.Envelope;
import io.mailhub.model.MailAddress;
import io.mailhub.model.Recipient;
import java.util.List;

/**
 * The hooks of each SMTP phase, asked in order. The first hook that accepts or rejects decides; when every hook passes,
 * the command is accepted. The SMTP listener calls it inside the session; other ingress paths call the same methods so
 * one set of rules applies to every way mail comes in.
 */
public final class PolicyChain {

    private final List<ConnectHook> connect;
    private final List<HeloHook> helo;
    private final List<MailHook> mail;
    private final RelayControl relayControl;
    private final List<RcptHook> rcpt;
    private final List<DataHook> data;
    private List<HeaderFromHook> headerFrom = List.of();

    /**
     * @param relayControl always asked first for every recipient, so no later hook can turn the hub into an open relay
     */
    public PolicyChain(
            List<ConnectHook> connect,
            List<HeloHook> helo,
            List<MailHook> mail,
            RelayControl relayControl,
            List<RcptHook> rcpt,
            List<DataHook> data) {
        this.relayControl = java.util.Objects.requireNonNull(relayControl, "relayControl");
        this.connect = List.copyOf(connect);
        this.helo = List.copyOf(helo);
        this.mail = List.copyOf(mail);
        this.rcpt = List.copyOf(rcpt);
        this.data = List.copyOf(data);
    }

    /** A chain with only the relay control, the one rule no configuration may drop. */
    public static PolicyChain of(RelayControl relayControl) {
        return new PolicyChain(List.of(), List.of(), List.of(), relayControl, List.of(), List.of());
    }

    /** This chain, also asking {@code hooks} about the From: header at end of data. */
    public PolicyChain withHeaderFrom(List<HeaderFromHook> hooks) {
        PolicyChain copy = new PolicyChain(connect, helo, mail, relayControl, rcpt, data);
        copy.headerFrom = List.copyOf(hooks);
        return copy;
    }

    /** Whether anything checks the From: header (so the listener need not read it otherwise). */
    public boolean checksHeaderFrom() {
        return !headerFrom.isEmpty();
    }

    public HookResult headerFrom(SessionFacts s, List<String> fromAddresses) {
        for (HeaderFromHook h : headerFrom) {
            HookResult r = h.headerFrom(s, fromAddresses);
            if (r.kind() != HookResult.Kind.NEXT) {
                return r;
            }
        }
        return HookResult.accept();
    }

    /** Whether the session may relay: a login or a trusted network (outbound mail, which is signed with DKIM). */
    public boolean mayRelay(SessionFacts s) {
        return relayControl.mayRelay(s);
    }

    public HookResult connect(SessionFacts s) {
        for (ConnectHook h : connect) {
            HookResult r = h.connect(s);
            if (r.kind() != HookResult.Kind.NEXT) {
                return r;
            }
        }
        return HookResult.accept();
    }

    public HookResult helo(SessionFacts s, String name) {
        for (HeloHook h : helo) {
            HookResult r = h.helo(s, name);
            if (r.kind() != HookResult.Kind.NEXT) {
                return r;
            }
        }
        return HookResult.accept();
    }

    public HookResult mail(SessionFacts s, MailAddress sender) {
        for (MailHook h : mail) {
            HookResult r = h.mail(s, sender);
            if (r.kind() != HookResult.Kind.NEXT) {
                return r;
            }
        }
        return HookResult.accept();
    }

    public HookResult rcpt(SessionFacts s, MailAddress sender, Recipient recipient) {
        HookResult relay = relayControl.rcpt(s, sender, recipient);
        if (relay.isReject()) {
            return relay;
        }
        for (RcptHook h : rcpt) {
            HookResult r = h.rcpt(s, sender, recipient);
            if (r.kind() != HookResult.Kind.NEXT) {
                return r;
            }
        }
        return HookResult.accept();
    }

    public HookResult data(SessionFacts s, Envelope envelope) {
        for (DataHook h : data) {
            HookResult r = h.data(s, envelope);
            if (r.kind() != HookResult.Kind.NEXT) {
                return r;
            }
        }
        return HookResult.accept();
    }
}
