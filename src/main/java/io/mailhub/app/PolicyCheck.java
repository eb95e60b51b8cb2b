package io.mailhub.app;

import io.mailhub.model.Envelope;
import io.mailhub.model.EnvelopeHeaders;
import io.mailhub.model.Recipient;
import io.mailhub.model.SmtpReply;
import io.mailhub.policy.HookResult;
import io.mailhub.policy.PolicyChain;
import io.mailhub.policy.SessionFacts;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/**
 * The SMTP listeners' sender and relay rules for routes ({@code ref: policyCheck}), so mail that comes in another way
 * (HTTP, JMS, pickup) meets the same rules: the envelope headers of the exchange are checked like MAIL FROM and each
 * RCPT TO, with the client address and login from the headers. The first rejection stops the exchange with a
 * {@link PolicyRejectedException} carrying the SMTP reply (code and enhanced status), which an ingress maps to its own
 * error (an HTTP problem, a dead-lettered JMS message).
 */
public final class PolicyCheck implements Processor {

    /** A message the policy refused, with the reply the SMTP listener would have given. */
    public static final class PolicyRejectedException extends Exception {
        private final transient SmtpReply reply;

        public PolicyRejectedException(SmtpReply reply) {
            super(reply.toString());
            this.reply = reply;
        }

        public SmtpReply reply() {
            return reply;
        }
    }

    private final PolicyChain policy;

    public PolicyCheck(PolicyChain policy) {
        this.policy = policy;
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Envelope envelope = EnvelopeHeaders.read(exchange.getMessage()::getHeader);
        SessionFacts facts = facts(envelope);
        check(policy.mail(facts, envelope.sender()));
        for (Recipient r : envelope.recipients()) {
            check(policy.rcpt(facts, envelope.sender(), r));
        }
    }

    private static void check(HookResult r) throws PolicyRejectedException {
        if (r.isReject()) {
            throw new PolicyRejectedException(r.reply());
        }
    }

    private static SessionFacts facts(Envelope e) throws UnknownHostException {
        String text = e.clientAddress();
        boolean literal = text != null && (text.indexOf(':') >= 0 || io.mailhub.model.SmtpPath.isIpv4(text));
        InetAddress client = InetAddress.getByName(literal ? text : "0.0.0.0"); // never a name lookup
        return new SessionFacts() {
            @Override
            public InetAddress clientAddress() {
                return client;
            }

            @Override
            public String helo() {
                return e.clientHelo();
            }

            @Override
            public String authUser() {
                return e.authUser();
            }

            @Override
            public boolean tls() {
                return false;
            }
        };
    }
}
