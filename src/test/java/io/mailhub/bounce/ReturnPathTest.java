package io.mailhub.bounce;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailhub.model.MailAddress;
import io.mailhub.model.Recipient;
import io.mailhub.policy.DomainList;
import io.mailhub.policy.HookResult;
import io.mailhub.policy.NetworkList;
import io.mailhub.policy.PolicyChain;
import io.mailhub.policy.RelayControl;
import io.mailhub.testing.TestSessions;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReturnPathTest {

    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private final ReturnPath returnPath = new ReturnPath("bounces.shop.test", KEY);

    @Test
    void aMessagesReturnPathNamesItsQueueIdWhichTheHubReadsBack() {
        MailAddress a = returnPath.of("0KZ3X9QH2M7B4C");
        assertThat(a.toString()).matches("bounce-0kz3x9qh2m7b4c-[0-9a-z]{8}@bounces\\.shop\\.test");
        assertThat(returnPath.queueIdOf(a)).isEqualTo("0KZ3X9QH2M7B4C");
        assertThat(returnPath.queueIdOf(new MailAddress(a.localPart().toUpperCase(), "BOUNCES.shop.test")))
                .as("a server that changed the case").isEqualTo("0KZ3X9QH2M7B4C");
    }

    @Test
    void anAddressTheHubDidNotMakeNamesNoMessage() {
        MailAddress a = returnPath.of("0KZ3X9QH2M7B4C");
        String signature = a.localPart().substring(a.localPart().lastIndexOf('-') + 1);
        assertThat(returnPath.queueIdOf(new MailAddress("bounce-0kz3x9qh2m7b4d-" + signature, "bounces.shop.test")))
                .as("another queue id with the same signature").isNull();
        assertThat(returnPath.queueIdOf(new MailAddress("postmaster", "bounces.shop.test"))).isNull();
        assertThat(returnPath.queueIdOf(new MailAddress(a.localPart(), "shop.test"))).as("another domain").isNull();
        assertThat(new ReturnPath("bounces.shop.test", "another key, another hub group!!".getBytes(
                StandardCharsets.US_ASCII)).queueIdOf(a)).as("another key").isNull();
    }

    @Test
    void rcptAcceptsTheHubsReturnPathsFromAnyClientAndRefusesOtherAddressesOfTheDomain() throws Exception {
        RelayControl relay = new RelayControl(DomainList.parse("shop.test").with("bounces.shop.test"),
                NetworkList.parse("192.0.2.0/24"), "mx.shop.test");
        PolicyChain chain = new PolicyChain(List.of(), List.of(), List.of(), relay,
                List.of(new ReturnPathHook(returnPath)), List.of());
        var stranger = TestSessions.of("198.51.100.7", null, "smtp");

        HookResult ours = chain.rcpt(stranger, null, Recipient.of(returnPath.of("0KZ3X9QH2M7B4C")));
        HookResult madeUp = chain.rcpt(stranger, null, Recipient.of(new MailAddress("bounce-0kz3x9qh2m7b4c-aaaaaaaa",
                "bounces.shop.test")));
        HookResult elsewhere = chain.rcpt(stranger, null, Recipient.of(new MailAddress("ann", "remote.test")));

        assertThat(ours.kind()).isEqualTo(HookResult.Kind.ACCEPT);
        assertThat(madeUp.reply().toString()).isEqualTo("550 5.1.1 <bounce-0kz3x9qh2m7b4c-aaaaaaaa@bounces.shop.test>:"
                + " Recipient address rejected: User unknown (not a return path of this hub)");
        assertThat(elsewhere.reply().code()).as("still no open relay").isEqualTo(554);
    }
}
