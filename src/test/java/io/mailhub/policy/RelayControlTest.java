package io.mailhub.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailhub.model.MailAddress;
import io.mailhub.model.Recipient;
import io.mailhub.model.SyntaxException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RelayControlTest {

    private record Facts(InetAddress clientAddress, String authUser) implements SessionFacts {
        @Override
        public String helo() {
            return "client.example";
        }

        @Override
        public boolean tls() {
            return false;
        }
    }

    private static final MailAddress SENDER = new MailAddress("alice", "example.org");

    private RelayControl relay;

    @BeforeEach
    void setUp() throws SyntaxException {
        relay = new RelayControl(DomainList.parse("example.com, .example.net"), NetworkList.parse("10.0.0.0/8"),
                "mx.example.com");
    }

    private static InetAddress ip(int a, int b, int c, int d) throws UnknownHostException {
        return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
    }

    private static SessionFacts untrusted() throws UnknownHostException {
        return new Facts(ip(192, 0, 2, 10), null);
    }

    private HookResult rcpt(SessionFacts session, String local, String domain) {
        return relay.rcpt(session, SENDER, Recipient.of(new MailAddress(local, domain)));
    }

    @Test
    void localDomainIsAcceptedFromAnyone() throws Exception {
        assertThat(rcpt(untrusted(), "bob", "example.com").kind()).isEqualTo(HookResult.Kind.NEXT);
        assertThat(rcpt(untrusted(), "bob", "lists.example.net").kind()).isEqualTo(HookResult.Kind.NEXT);
        assertThat(rcpt(untrusted(), "bob", "EXAMPLE.COM").kind()).isEqualTo(HookResult.Kind.NEXT);
    }

    @Test
    void foreignDomainFromAnUntrustedClientIsRelayAccessDenied() throws Exception {
        HookResult result = rcpt(untrusted(), "bob", "elsewhere.example");

        assertThat(result.isReject()).isTrue();
        assertThat(result.reply()).hasToString("554 5.7.1 <bob@elsewhere.example>: Relay access denied");
    }

    @Test
    void foreignDomainFromATrustedNetworkIsRelayed() throws Exception {
        assertThat(rcpt(new Facts(ip(10, 1, 2, 3), null), "bob", "elsewhere.example").isReject()).isFalse();
    }

    @Test
    void foreignDomainFromAnAuthenticatedClientIsRelayed() throws Exception {
        assertThat(rcpt(new Facts(ip(192, 0, 2, 10), "alice"), "bob", "elsewhere.example").isReject()).isFalse();
    }

    @Test
    void postmasterAtOurHostnameIsAlwaysLocal() throws Exception {
        assertThat(rcpt(untrusted(), "PostMaster", "MX.example.com").isReject()).isFalse();
        assertThat(relay.isLocal(new MailAddress("postmaster", "mx.example.com"))).isTrue();
        assertThat(relay.isLocal(new MailAddress("bob", "mx.example.com"))).isFalse();
    }

    @Test
    void addressLiteralIsNeverLocal() throws Exception {
        assertThat(relay.isLocal(new MailAddress("bob", "[10.0.0.1]"))).isFalse();
        assertThat(rcpt(untrusted(), "bob", "[192.0.2.1]").isReject()).isTrue();
    }

    @Test
    void percentHackInTheLocalPartIsNotInterpreted() throws Exception {
        assertThat(rcpt(untrusted(), "bob%elsewhere.example", "example.com").isReject()).isFalse();
        assertThat(rcpt(untrusted(), "bob%example.com", "elsewhere.example").isReject()).isTrue();
    }

    @Test
    void relayControlCannotBeOverruledByALaterHook() throws Exception {
        RcptHook acceptEverything = (session, sender, recipient) -> HookResult.accept();
        PolicyChain chain = new PolicyChain(List.of(), List.of(), List.of(), relay,
                List.of(acceptEverything), List.of());

        HookResult result = chain.rcpt(untrusted(), SENDER, Recipient.of(new MailAddress("bob", "elsewhere.example")));

        assertThat(result.isReject()).isTrue();
        assertThat(result.reply().code()).isEqualTo(554);
    }
}
