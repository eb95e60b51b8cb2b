package io.mailhub.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The routes' endpoints tell which queues hold mail and who may read the queues they hand mail to. */
class RouteQueuesTest {

    private final DefaultCamelContext context = new DefaultCamelContext();
    private final RouteQueues queues = new RouteQueues();

    @BeforeEach
    void start() {
        context.getRegistry().bind(RouteQueues.BEAN, queues);
        context.addComponent("mailhub", new MailhubComponent());
        context.start();
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    @Test
    void aHoldQueueIsAQuarantineMailHoldIsNot() {
        context.getEndpoint("mailhub:hold?queue=quarantine.dmarc");
        context.getEndpoint("mailhub:hold");

        assertThat(queues.isQuarantine("quarantine.dmarc")).isTrue();
        assertThat(queues.isQuarantine("mail.hold")).isFalse();
        assertThat(queues.isQuarantine("erp.inbox")).isFalse();
    }

    @Test
    void theReadersAJmsEgressNamesAreTheOnlyLoginsThatMayReadItOthersAnyLoginMay() {
        context.getEndpoint("mailhub:jms?queue=erp.inbox&readers=erp, finance");
        context.getEndpoint("mailhub:jms?queue=shop.inbox");

        assertThat(queues.mayRead("erp", "erp.inbox")).isTrue();
        assertThat(queues.mayRead("finance", "erp.inbox")).isTrue();
        assertThat(queues.mayRead("shop", "erp.inbox")).isFalse();
        assertThat(queues.mayRead("shop", "shop.inbox")).as("no readers named").isTrue();
    }

    @Test
    void readersAreForJmsOnlyAndMustBeLoginNames() {
        assertThatThrownBy(() -> context.getEndpoint("mailhub:hold?queue=quarantine.x&readers=erp"))
                .hasStackTraceContaining("readers= is for mailhub:jms only");
        assertThatThrownBy(() -> context.getEndpoint("mailhub:jms?queue=erp.inbox&readers=erp,,x"))
                .hasStackTraceContaining("must be login names of mailhub.auth.users-file");
    }
}
