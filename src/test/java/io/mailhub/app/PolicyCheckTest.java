package io.mailhub.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailhub.model.BodyType;
import io.mailhub.model.Envelope;
import io.mailhub.model.EnvelopeHeaders;
import io.mailhub.model.MailAddress;
import io.mailhub.model.Recipient;
import io.mailhub.policy.DomainList;
import io.mailhub.policy.NetworkList;
import io.mailhub.policy.PolicyChain;
import io.mailhub.policy.RelayControl;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/** The listeners' relay rule applied from a route, as another ingress path would use it. */
class PolicyCheckTest {

    private static Map<String, Object> envelope(String client, String authUser, String recipient) {
        Envelope e = new Envelope("Q1", new MailAddress("erp", "factory.test"),
                List.of(Recipient.of(new MailAddress(recipient.split("@")[0], recipient.split("@")[1]))), null, null,
                BodyType.SEVEN_BIT, false, client, null, authUser, Instant.now(), -1);
        Map<String, Object> headers = new HashMap<>();
        EnvelopeHeaders.write(e, headers);
        return headers;
    }

    @Test
    void aRouteGetsTheSameRelayDecisionAsTheSmtpListener() throws Exception {
        PolicyChain policy = PolicyChain.of(new RelayControl(DomainList.parse("hub.test"),
                NetworkList.parse("10.0.0.0/8"), "hub.test"));
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.getRegistry().bind("policyCheck", new PolicyCheck(policy));
            camel.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from("direct:in").process("policyCheck").setBody(constant("passed"));
                }
            });
            camel.start();
            var template = camel.createProducerTemplate();

            assertThat(template.requestBodyAndHeaders("direct:in", "", envelope("192.0.2.1", null, "bob@hub.test")))
                    .isEqualTo("passed");
            assertThat(template.requestBodyAndHeaders("direct:in", "", envelope("10.1.1.1", null, "bob@remote.test")))
                    .isEqualTo("passed");
            assertThat(template.requestBodyAndHeaders("direct:in", "", envelope("192.0.2.1", "alice", "bob@remote.test")))
                    .isEqualTo("passed");

            try {
                template.requestBodyAndHeaders("direct:in", "", envelope("192.0.2.1", null, "bob@remote.test"));
                throw new AssertionError("relaying from an untrusted client was not refused");
            } catch (CamelExecutionException e) {
                assertThat(e.getCause()).isInstanceOf(PolicyCheck.PolicyRejectedException.class);
                assertThat(((PolicyCheck.PolicyRejectedException) e.getCause()).reply().toString())
                        .isEqualTo("554 5.7.1 <bob@remote.test>: Relay access denied");
            }
        }
    }
}
