package io.mailhub.app;

import io.mailhub.cleanup.MessageComposer;
import io.mailhub.bounce.BounceStage;
import io.mailhub.bounce.DsnComposer;
import io.mailhub.bounce.NotifyRules;
import io.mailhub.delivery.DeliveryOutcome;
import io.mailhub.ingress.smtp.SmtpServer;
import io.mailhub.ingress.smtp.SmtpSettings;
import io.mailhub.policy.PolicyChain;
import io.mailhub.policy.RelayControl;
import io.mailhub.queue.ArtemisMailQueue;
import io.mailhub.queue.EmbeddedBroker;
import io.mailhub.queue.MailQueueAdmin;
import io.mailhub.queue.MailJmsComponent;
import io.mailhub.queue.StorageGuard;
import io.mailhub.relay.SmtpRelayComponent;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the hub's parts from the settings and runs them in the right order around the Camel context:
 * the broker starts before the context (whose JMS routes need it) and stops after it; the SMTP listener starts after
 * the routes and stops before them, so every message a client hands over finds the queue working.
 */
public final class MailhubRuntime extends MainListenerSupport implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(MailhubRuntime.class);

    /**
     * Bodies above this size are Artemis large messages (a file each); smaller ones go into the journal and share its
     * syncs. artemis/broker.xml's journal-buffer-size must exceed it, or the broker converts them itself.
     */
    static final int LARGE_MESSAGE_THRESHOLD = 1024 * 1024;
    /** Octets of a message kept in memory per SMTP session before it is spooled to a file. */
    static final int SPOOL_MEMORY_THRESHOLD = 128 * 1024;

    private final MailhubSettings settings;
    private EmbeddedBroker broker;
    private ArtemisMailQueue queue;
    private SmtpServer smtp;

    public MailhubRuntime(MailhubSettings settings) {
        this.settings = settings;
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        Files.createDirectories(settings.dataDir);
        boolean embedded = settings.brokerUrl.isEmpty();
        if (embedded) {
            broker = new EmbeddedBroker(settings.brokerConfig, settings.dataDir, false);
        }
        ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory(embedded ? EmbeddedBroker.IN_VM_URL : settings.brokerUrl);
        cf.setMinLargeMessageSize(LARGE_MESSAGE_THRESHOLD);
        cf.setBlockOnDurableSend(true);

        MailJmsComponent jms = new MailJmsComponent(LARGE_MESSAGE_THRESHOLD);
        jms.setConnectionFactory(cf);
        jms.setArtemisStreamingEnabled(true);
        jms.setCacheLevelName("CACHE_CONSUMER");
        // Local JMS transactions on the listener's cached session. A lazily created JmsTransactionManager would open
        // a new connection per transaction (5x slower). The listener exposes its session to the thread, so sends from
        // the same route (dispatch, retries, bounces) join the consumed message's transaction.
        jms.setLazyCreateTransactionManager(false);
        context.addComponent("jms", jms);

        SmtpRelayComponent relay = new SmtpRelayComponent();
        relay.getConfiguration().setHeloName(settings.hostname);
        relay.getConfiguration().setPort(settings.relayPort);
        relay.getConfiguration().setDnsServers(settings.dnsServers);
        relay.getConfiguration().setDeadDestinationTime(settings.deadDestinationTime);
        relay.getConfiguration().setTlsPolicy(settings.relayTls);
        relay.getConfiguration().setMaxConnectionsPerDestination(settings.relayDestinationConcurrency);
        if (settings.relayTlsTrustAnchors != null) {
            relay.getConfiguration().setTlsTrustAnchors(settings.relayTlsTrustAnchors.toString());
        }
        if (settings.transportMap != null) {
            relay.getConfiguration().setTransportMap(settings.transportMap.toString());
        }
        context.addComponent("smtp-relay", relay);

        context.getRegistry().bind("deliveryOutcome",
                new DeliveryOutcome(settings.retrySchedule, settings.retryMaxLifetime, settings.retryDelayWarning,
                        Clock.systemDefaultZone()));
        context.getRegistry().bind("bounceStage", new BounceStage(
                new DsnComposer(settings.hostname, settings.maxMessageSize, settings.bounceTemplates, Clock.systemDefaultZone()),
                new NotifyRules(settings.retryDelayWarning != null), Clock.systemDefaultZone()));

        queue = new ArtemisMailQueue(cf, new StorageGuard(settings.dataDir, settings.queueMinFreeSpace),
                LARGE_MESSAGE_THRESHOLD);
        PolicyChain policy = PolicyChain.of(new RelayControl(settings.localDomains, settings.trustedNetworks, settings.hostname));
        smtp = new SmtpServer(smtpSettings(), policy, queue, new MessageComposer(settings.hostname, Clock.systemDefaultZone()));

        HealthCheckRegistry health = HealthCheckRegistry.get(context);
        if (health != null) {
            health.register(new ListenerHealthCheck("smtp", smtp));
            health.register(new QueueHealthCheck(queue, broker));
        }
    }

    private SmtpSettings smtpSettings() {
        return new SmtpSettings(settings.hostname, null, settings.smtpPort, settings.smtpMaxConnections,
                settings.smtpIdleTimeout, settings.maxMessageSize, settings.smtpMaxRecipients, settings.smtpMaxLineLength,
                settings.dataDir.resolve("spool"), SPOOL_MEMORY_THRESHOLD, 20, Duration.ofSeconds(10));
    }

    @Override
    public void beforeStart(BaseMainSupport main) {
        if (broker != null) {
            try {
                broker.start();
                new MailQueueAdmin(broker.server()).register();
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the embedded broker: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void afterStart(BaseMainSupport main) {
        try {
            smtp.start();
        } catch (Exception e) {
            LOG.error("cannot start the SMTP listener on port {}: {}", settings.smtpPort, e.getMessage());
            throw new IllegalStateException("cannot start the SMTP listener on port " + settings.smtpPort, e);
        }
    }

    @Override
    public void beforeStop(BaseMainSupport main) {
        try {
            smtp.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void afterStop(BaseMainSupport main) {
        MailQueueAdmin.unregister();
        queue.close();
        if (broker != null) {
            try {
                broker.stop();
            } catch (Exception e) {
                LOG.warn("stopping the embedded broker: {}", e.toString());
            }
        }
    }

    /** The SMTP listener, for tests that start the hub in-process. */
    public SmtpServer smtpServer() {
        return smtp;
    }
}
