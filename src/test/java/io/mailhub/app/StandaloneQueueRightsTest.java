package io.mailhub.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailhub.queue.EmbeddedBroker;
import io.mailhub.queue.RemoteQueues;
import io.mailhub.routing.MailhubComponent;
import io.mailhub.routing.RouteQueues;
import io.mailhub.testing.TestBroker;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Collectors;
import org.apache.activemq.artemis.core.security.CheckType;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The routes' rules for their queues, given to a broker the hub reaches as a standalone one (a real broker with the
 * packaged broker.xml, through management messages): what the broker then holds as its security settings.
 */
class StandaloneQueueRightsTest {

    @RegisterExtension
    final TestBroker broker = new TestBroker();

    private RemoteQueues remote;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final DefaultCamelContext context = new DefaultCamelContext();
    private final RouteQueues routes = new RouteQueues();
    private StandaloneQueueRights rights;

    @BeforeEach
    void start() throws Exception {
        remote = new RemoteQueues(EmbeddedBroker.IN_VM_URL);
        context.getRegistry().bind(RouteQueues.BEAN, routes);
        context.addComponent("mailhub", new MailhubComponent());
        context.start();
        rights = new StandaloneQueueRights(routes, remote, timer).start();
    }

    @AfterEach
    void stop() throws Exception {
        context.stop();
        timer.shutdownNow();
        remote.close();
    }

    /** The roles the broker lets do {@code type} on {@code address}. */
    private Set<String> roles(String address, CheckType type) {
        return broker.broker().server().getSecurityRepository().getMatch(address).stream().filter(type::hasRole)
                .map(Role::getName).collect(Collectors.toSet());
    }

    @Test
    void aQueueWithNamedReadersMayBeReadByTheHubsAndThoseRolesOnlyAndWrittenByTheHubsOnly() {
        context.getEndpoint("mailhub:jms?queue=erp.inbox&readers=erp,finance");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(roles("erp.inbox", CheckType.CONSUME)).containsExactlyInAnyOrder("mailhub", "erp", "finance"));
        assertThat(roles("erp.inbox", CheckType.BROWSE)).containsExactlyInAnyOrder("mailhub", "erp", "finance");
        assertThat(roles("erp.inbox", CheckType.SEND)).containsExactly("mailhub");
        assertThat(roles("erp.inbox", CheckType.CREATE_DURABLE_QUEUE)).containsExactly("mailhub");
        assertThat(roles("erp.inbox", CheckType.MANAGE)).containsExactly("mailhub");
        assertThat(roles("shop.inbox", CheckType.CONSUME)).as("broker.xml's # for other queues")
                .containsExactlyInAnyOrder("mailhub", "mailhub-submit");
    }

    @Test
    void aQueueARouteHoldsMailInMayBeReadByTheHubsOnlyWhateverItsName() {
        context.getEndpoint("mailhub:hold?queue=held.suspicious");

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(roles("held.suspicious", CheckType.CONSUME)).containsExactly("mailhub"));
        assertThat(roles("held.suspicious", CheckType.BROWSE)).containsExactly("mailhub");
    }

    @Test
    void aSettingTheBrokerLostIsAddedAgainAtTheNextCheck() throws Exception {
        context.getEndpoint("mailhub:jms?queue=erp.inbox&readers=erp");
        await().atMost(Duration.ofSeconds(10)).until(() -> roles("erp.inbox", CheckType.CONSUME).contains("erp"));
        assertThat(remote.readers("erp.inbox")).containsExactly("erp", "mailhub");

        broker.broker().server().getSecurityRepository().removeMatch("erp.inbox"); // as a broker.xml reload does
        assertThat(roles("erp.inbox", CheckType.CONSUME)).contains("mailhub-submit");
        rights.check();

        assertThat(roles("erp.inbox", CheckType.CONSUME)).containsExactlyInAnyOrder("mailhub", "erp");
    }

    @Test
    void theSettingsAreStoredByTheBrokerAndOutliveItsRestart() throws Exception {
        context.getEndpoint("mailhub:jms?queue=erp.inbox&readers=erp");
        await().atMost(Duration.ofSeconds(10)).until(() -> roles("erp.inbox", CheckType.CONSUME).contains("erp"));

        broker.restart();

        assertThat(roles("erp.inbox", CheckType.CONSUME)).containsExactlyInAnyOrder("mailhub", "erp");
    }
}
