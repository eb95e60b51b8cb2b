package io.mailhub.app;

import io.mailhub.acceptance.AcceptanceSettings;
import io.mailhub.acceptance.MailAcceptance;
import io.mailhub.auth.AuthFailures;
import io.mailhub.auth.Authenticator;
import io.mailhub.auth.UsersFile;
import io.mailhub.authres.DnsjavaDns;
import io.mailhub.authres.InboundAuthentication;
import io.mailhub.auth.ApiKeys;
import io.mailhub.delivery.DeliveryEvents;
import io.mailhub.ingress.http.ApiDoor;
import io.mailhub.ingress.jms.BrokerLogins;
import io.mailhub.ingress.jms.JmsDoor;
import io.mailhub.ingress.pickup.PickupDirectory;
import io.mailhub.ingress.http.HttpListener;
import io.mailhub.ingress.smtp.ListenerRole;
import io.mailhub.ingress.smtp.ListenerSecurity;
import io.mailhub.ingress.smtp.SmtpServer;
import io.mailhub.ingress.smtp.SmtpSettings;
import io.mailhub.ingress.tls.ServerTls;
import io.mailhub.policy.PolicyChain;
import io.mailhub.policy.RateLimits;
import io.mailhub.queue.ArtemisMailQueue;
import io.mailhub.queue.BrokerClient;
import io.mailhub.queue.EmbeddedBroker;
import io.mailhub.queue.MailQueueAdmin;
import io.mailhub.queue.IdempotencyRecords;
import io.mailhub.queue.MailJmsComponent;
import io.mailhub.queue.QueueSupervisor;
import io.mailhub.queue.StorageGuard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
    /**
     * Chunk size of large messages moving between the broker and the routes (Artemis sends a large message in chunks
     * of the receiving or sending session's {@code minLargeMessageSize}). 1 MiB chunks are "humongous" objects for
     * G1 with the usual heap sizes (regions of 1-2 MiB) and start a concurrent GC cycle each; 256 KiB chunks are
     * ordinary young objects.
     */
    static final int ROUTE_CHUNK_SIZE = 256 * 1024;
    /** Octets of a message kept in memory per SMTP session before it is spooled to a file. */
    static final int SPOOL_MEMORY_THRESHOLD = 128 * 1024;

    private final MailhubSettings settings;
    private EmbeddedBroker broker;
    private StorageGuard storage;
    private ArtemisMailQueue queue;
    private QueueSupervisor supervisor;
    private io.mailhub.routing.RouteHooks hooks;
    private volatile io.mailhub.routing.RouteReloader reloader;
    private MailAcceptance acceptance;
    private HttpListener http;
    private ApiDoor api;
    private PickupDirectory pickup;
    private JmsDoor jmsDoor;
    private DeliveryEvents events;
    private MailQueueAdmin queueAdmin;
    private io.mailhub.queue.BrokerQueues brokerQueues;
    private io.mailhub.delivery.Suspensions suspensions;
    private io.mailhub.delivery.Suppressions suppressions;
    private final java.util.concurrent.atomic.AtomicBoolean suppressionsUnread =
            new java.util.concurrent.atomic.AtomicBoolean();
    private final List<SmtpServer> listeners = new ArrayList<>();
    private PolicyCounters counters;
    private java.util.concurrent.ScheduledExecutorService sweeper;
    private io.mailhub.policy.GreylistFile greylistFile;
    private io.mailhub.observe.Observability observability;
    private final OperatorWiring operators;
    private BrokerClient brokerClient;
    /** How often a hub reads the suspensions of all hubs on its broker again. */
    private static final java.time.Duration SUSPENSIONS_REFRESH = java.time.Duration.ofSeconds(5);
    private final java.util.concurrent.atomic.AtomicBoolean suspensionsUnread =
            new java.util.concurrent.atomic.AtomicBoolean();

    public MailhubRuntime(MailhubSettings settings) {
        this.settings = settings;
        this.operators = new OperatorWiring(settings);
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        Files.createDirectories(settings.dataDir);
        observability = new io.mailhub.observe.Observability(settings.metrics);
        io.micrometer.core.instrument.MeterRegistry meters = observability.registry();
        storage = new StorageGuard(settings.dataDir, settings.queue.minFreeSpace());
        boolean embedded = settings.queue.brokerUrl().isEmpty();
        if (embedded) {
            // the broker blocks its producers before the disk is full, below the level where delivery pauses
            broker = new EmbeddedBroker(settings.queue.brokerConfig(), settings.dataDir, false,
                    settings.queue.minFreeSpace() > 0 ? storage.brokerMinFree() : -1);
        }
        brokerClient = BrokerClient.of(settings.queue, settings.dataDir);
        ActiveMQConnectionFactory cf = brokerClient.connectionFactory();
        cf.setMinLargeMessageSize(LARGE_MESSAGE_THRESHOLD);
        cf.setBlockOnDurableSend(true);
        if (!embedded) {
            brokerClient.checkLogin(cf); // a refused login stops the start: no retry mends a wrong password
        }

        // The routes' connections: consumers get large messages in ROUTE_CHUNK_SIZE chunks; what the routes send on
        // (retries, notices) above that size goes to the broker as a large message too.
        ActiveMQConnectionFactory routeCf = brokerClient.connectionFactory();
        routeCf.setMinLargeMessageSize(ROUTE_CHUNK_SIZE);
        routeCf.setBlockOnDurableSend(true);
        MailJmsComponent jms = new MailJmsComponent(ROUTE_CHUNK_SIZE);
        jms.setConnectionFactory(routeCf);
        jms.setArtemisStreamingEnabled(true);
        jms.setCacheLevelName("CACHE_CONSUMER");
        // a failed exchange is logged by the route (routes/queue-errors.camel.yaml, with its trace when it is a bug);
        // the listener's own warning of the rollback would repeat it
        jms.getConfiguration().setErrorHandlerLoggingLevel(org.apache.camel.LoggingLevel.DEBUG);
        jms.getConfiguration().setErrorHandlerLogStackTrace(false);
        // Local JMS transactions on the listener's cached session. A lazily created JmsTransactionManager would open
        // a new connection per transaction (5x slower). The listener exposes its session to the thread, so sends from
        // the same route (dispatch, retries, bounces) join the consumed message's transaction.
        jms.setLazyCreateTransactionManager(false);
        context.addComponent("jms", jms);

        io.mailhub.dkim.DkimSigner signer = AcceptanceWiring.signer(settings);
        DeliveryWiring delivery = new DeliveryWiring(context, settings, meters, ownPorts(), signer,
                new io.mailhub.queue.IdempotencyRecords(cf, io.mailhub.queue.IdempotencyRecords.SUSPENSIONS));
        events = delivery.events;
        suspensions = delivery.suspensions;
        suppressions = delivery.suppressions;
        hooks = delivery.hooks;

        EmbeddedBroker ownBroker = broker;
        queue = new ArtemisMailQueue(cf, routeCf, storage, LARGE_MESSAGE_THRESHOLD,
                ownBroker == null ? () -> 0 : ownBroker::criticalErrors);
        ListenerSecurity security = security();
        RateLimits limits = new RateLimits(settings.policy.connectionsPerMinute(), settings.policy.messagesPerHour(),
                settings.policy.recipientsPerHour(), settings.policy.trustedNetworks(), Clock.systemDefaultZone());
        counters = new PolicyCounters(limits, security.failures());
        io.mailhub.policy.Greylist greylist = new io.mailhub.policy.Greylist(Clock.systemUTC());
        context.getRegistry().bind(io.mailhub.policy.Greylist.BEAN, greylist); // shared with mailhub:greylist
        greylistFile = new io.mailhub.policy.GreylistFile(settings.dataDir.resolve("greylist.tsv"), greylist);
        int known = greylistFile.load();
        if (known > 0) {
            LOG.info("greylist: {} triplets read from {}", known, greylistFile);
        }
        PolicyChain policy = AcceptanceWiring.smtpPolicy(settings, limits, security, greylist, suppressions,
                delivery.returnPath);
        context.getRegistry().bind("policyCheck", new PolicyCheck(policy));
        sweeper = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mailhub-policy-sweeper");
            t.setDaemon(true);
            return t;
        });
        sweeper.scheduleWithFixedDelay(() -> {
            limits.sweep();
            security.failures().sweep();
            greylistFile.saveQuietly();
        }, 1, 1, java.util.concurrent.TimeUnit.MINUTES);
        acceptance = AcceptanceWiring.acceptance(settings, policy, queue, security, hooks, meters, events, signer);
        SmtpServer mx = new SmtpServer(smtpSettings(ListenerRole.MX), acceptance, security);
        if (!settings.dnsbl.zones().isEmpty()) {
            mx.withConnectCheck(new io.mailhub.policy.Dnsbl(settings.dnsbl, settings.policy.trustedNetworks(),
                    new DnsjavaDns(settings.delivery.dnsServers(), Duration.ofSeconds(5))));
            LOG.info("DNS blocklists at connect on the MX listener: {}", settings.dnsbl.zones().stream()
                    .map(io.mailhub.policy.Dnsbl.Zone::name).toList());
        }
        listeners.add(mx);
        if (settings.listeners.submissionPort() >= 0) {
            listeners.add(new SmtpServer(smtpSettings(ListenerRole.SUBMISSION), acceptance,
                    security));
        }
        if (settings.listeners.smtpsPort() >= 0) {
            listeners.add(new SmtpServer(smtpSettings(ListenerRole.SMTPS), acceptance, security));
        }
        http = new HttpListener(settings.http, security.tls(), settings.dataDir.resolve("spool"))
                .trusting(settings.policy.trustedNetworks()::contains)
                .serve("/observe/health/*", new HealthServlet(context))
                .serve("/observe/metrics/*", observability.servlet());
        io.mailhub.routing.AttachmentStore attachments = io.mailhub.routing.AttachmentStore.open(
                settings.dataDir.resolve("attachments"), settings.webhook.attachmentLifetime(),
                () -> settings.webhook.attachmentBase(settings.hostname, http.port(), http.httpsPort()),
                Clock.systemUTC());
        context.getRegistry().bind(io.mailhub.routing.AttachmentStore.BEAN, attachments);
        http.serve("/api/v1/attachments/*", new io.mailhub.ingress.http.AttachmentServlet(attachments));
        sweeper.scheduleWithFixedDelay(attachments::sweep, 0, 10, java.util.concurrent.TimeUnit.MINUTES);
        for (SmtpServer listener : listeners) {
            listener.withMeters(meters);
        }
        EmbeddedBroker embeddedBroker = broker;
        brokerQueues = embeddedBroker != null ? new io.mailhub.queue.LocalQueues(embeddedBroker::server)
                : new io.mailhub.queue.RemoteQueues(brokerClient);
        queueAdmin = new MailQueueAdmin(brokerQueues);
        ApiKeys apiKeys = settings.http.apiKeysFile() == null ? null : ApiKeys.load(settings.http.apiKeysFile());
        if (apiKeys != null) {
            apiKeys.onReload(operators::auditFileReload);
        }
        if (apiKeys == null) {
            LOG.warn("no API keys file (mailhub.api.keys-file): every API call gets 401");
        }
        api = new ApiDoor(acceptance, apiKeys, security.failures(), settings.configDir.resolve("templates"),
                settings.dataDir.resolve("spool"), SPOOL_MEMORY_THRESHOLD, settings.listeners.maxLineLength(),
                queueAdmin, events, new IdempotencyRecords(cf), Clock.systemDefaultZone());
        api.withAlerts(settings.alerts).withMeters(meters).withSuppressions(
                settings.suppression.scope() == io.mailhub.delivery.SuppressionSettings.Scope.OFF ? null : suppressions)
                .serveOn(http);
        http.serve("/admin/v1/*", operators.adminApi(queueAdmin, new io.mailhub.queue.MessageRework(brokerQueues, cf),
                suspensions, suppressions, events));
        operators.serveConsole(http);
        if (settings.pickup.dir() != null) {
            pickup = new PickupDirectory(settings.pickup, api.localSubmissions(), Clock.systemDefaultZone());
        }
        io.mailhub.routing.RouteQueues routeQueues = new io.mailhub.routing.RouteQueues();
        context.getRegistry().bind(io.mailhub.routing.RouteQueues.BEAN, routeQueues);
        if (brokerQueues instanceof io.mailhub.queue.RemoteQueues remote) { // the embedded acceptor asks routeQueues
            new StandaloneQueueRights(routeQueues, remote, sweeper).start();
        }
        if (broker != null) {
            MailQueueAdmin admin = queueAdmin;
            broker.withAcceptor(settings.jms.acceptor(), settings.jms.acceptor() == null ? null
                    : new BrokerLogins(security.authenticator(), settings.jms.submitQueue(), (login, queue) ->
                            !routeQueues.isQuarantine(queue) && !admin.holdsHeldMail(queue)
                                    && routeQueues.mayRead(login, queue)),
                    List.of(settings.jms.submitQueue(), settings.jms.invalidQueue()));
            if (settings.jms.acceptor() != null) {
                broker.withPlugin(new io.mailhub.ingress.jms.ValidatedUserStamp(settings.jms.submitQueue()));
            }
            if (EmbeddedBroker.wantsTls(settings.jms.acceptor())) { // the same PEM pair as SMTP and HTTPS
                String password = java.util.UUID.randomUUID().toString();
                Path store = settings.dataDir.resolve("artemis").resolve("acceptor-tls.p12");
                Files.createDirectories(store.getParent());
                security.tls().writeKeyStore(store, password.toCharArray());
                broker.withAcceptorTls(store, password, security.tls().protocols(), security.tls().cipherSuites());
            }
        }
        jmsDoor = new JmsDoor(settings.jms, cf, api.localSubmissions(), security.authenticator());
        if (brokerQueues instanceof io.mailhub.queue.RemoteQueues remote) { // the embedded broker stamps users itself
            jmsDoor.takingOnlyWhen(remote::securityEnabled);
        }
        if (security.authenticator() == null && listeners.size() > 1) {
            LOG.warn("no users file (mailhub.auth.users-file): the submission listeners will refuse all mail (530 5.7.0)");
        }

        supervisor = new QueueSupervisor(broker, storage, context);
        if (brokerQueues instanceof io.mailhub.queue.RemoteQueues remote) { // the embedded broker's disk is the data disk
            supervisor.watching(remote::diskFull);
        }
        if (observability.enabled()) {
            EmbeddedBroker b = broker;
            new io.mailhub.queue.QueueMeters(brokerQueues, b != null ? b::isActive
                    : () -> queue.readiness(0) != io.mailhub.queue.MailQueue.Readiness.UNREACHABLE,
                    Clock.systemUTC()).withStorage(storage, supervisor::isDeliveryPaused).bindTo(meters);
            if (b != null) {
                b.withPlugin(new io.mailhub.queue.DeadLetterMeter(meters, (queueId, reason) -> events.note(
                        java.time.Instant.now(), queueId, "dead_lettered", java.util.Map.of("reason", reason))));
            }
        }
        HealthCheckRegistry health = HealthCheckRegistry.get(context);
        if (health != null) {
            for (SmtpServer listener : listeners) {
                health.register(new ListenerHealthCheck(listener.role().label(), listener));
            }
            health.register(new QueueHealthCheck(queue, broker, storage, supervisor));
            health.register(new BrokerLivenessCheck(supervisor::brokerDownFor));
            health.register(new RouteReloadCheck(() -> reloader));
        }
    }

    /** Our listeners' ports, so that the relay never delivers to this hub itself. */
    private String ownPorts() {
        return java.util.stream.IntStream.of(settings.listeners.smtpPort(), settings.listeners.submissionPort(), settings.listeners.smtpsPort())
                .filter(p -> p > 0).mapToObj(Integer::toString).collect(java.util.stream.Collectors.joining(","));
    }

    /** TLS from the configured PEM files or a self-signed pair; AUTH when a users file is configured. */
    private ListenerSecurity security() throws Exception {
        ServerTls tls = settings.tls.cert() != null
                ? ServerTls.fromPem(settings.tls.cert(), settings.tls.key())
                : ServerTls.selfSigned(settings.dataDir.resolve("tls"), settings.hostname);
        UsersFile users = settings.auth.usersFile() == null ? null : UsersFile.load(settings.auth.usersFile());
        if (users != null) {
            users.onReload(operators::auditFileReload);
        }
        Authenticator authenticator = users == null ? null : new Authenticator(users, Clock.systemDefaultZone());
        AuthFailures failures = new AuthFailures(settings.auth.maxFailures(), settings.auth.failureWindow(),
                settings.auth.lockout(), Clock.systemDefaultZone());
        InboundAuthentication inbound = settings.inbound.checks() ? new InboundAuthentication(settings.hostname,
                new DnsjavaDns(settings.delivery.dnsServers(), Duration.ofSeconds(5)), Clock.systemDefaultZone(),
                new java.util.Random()) : null;
        return new ListenerSecurity(tls, authenticator, failures, settings.auth.lockoutDelay(), inbound,
                settings.inbound.dmarcReject());
    }

    private SmtpSettings smtpSettings(ListenerRole role) {
        return settings.listeners.forRole(role, settings.hostname, settings.policy.trustedNetworks(),
                settings.acceptance.maxMessageSize(), settings.dataDir.resolve("spool"), SPOOL_MEMORY_THRESHOLD);
    }

    @Override
    public void beforeStart(BaseMainSupport main) {
        try {
            queueAdmin.register();
        } catch (Exception e) {
            LOG.warn("cannot register the queue MBean: {}", e.toString());
        }
        if (broker != null) {
            try {
                broker.start();
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the embedded broker: " + e.getMessage(), e);
            }
        }
        checkQueues();
        refreshSuspensions(); // before the routes start delivering
        sweeper.scheduleWithFixedDelay(this::refreshSuspensions, SUSPENSIONS_REFRESH.toMillis(),
                SUSPENSIONS_REFRESH.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private void refreshSuspensions() {
        readAgain(suppressions::refresh, suppressionsUnread, "suppressed recipients");
        readAgain(suspensions::refresh, suspensionsUnread, "suspended destinations");
    }

    /** What {@link #readAgain} runs: a read of records shared through the broker. */
    @FunctionalInterface
    private interface SharedRead {
        void run() throws java.io.IOException;
    }

    /** Runs {@code read}; a failure is logged once (what was read last stays), and so is the first success after it. */
    private static void readAgain(SharedRead read, java.util.concurrent.atomic.AtomicBoolean unread, String what) {
        try {
            read.run();
            if (unread.compareAndSet(true, false)) {
                LOG.info("{} read from the broker again", what);
            }
        } catch (java.io.IOException e) {
            if (unread.compareAndSet(false, true)) {
                LOG.warn("{}; the hub keeps the {} it read last", e.getMessage(), what);
            }
        }
    }

    /**
     * Stops the start when the broker lacks a queue the hub uses: a route's send to it would fail (and a core send
     * land in mail.dead, broker.xml's send-to-dla-on-no-route) at the first hold or retry, and a consumer of it would
     * wait for nothing.
     */
    private void checkQueues() {
        List<String> required = new java.util.ArrayList<>(io.mailhub.queue.QueueNames.REQUIRED);
        required.add(settings.jms.submitQueue());
        required.add(settings.jms.invalidQueue());
        List<String> missing;
        try (ActiveMQConnectionFactory cf = brokerClient.connectionFactory()) {
            missing = brokerClient.missingQueues(cf, required);
        }
        if (!missing.isEmpty()) {
            throw new IllegalStateException((broker != null ? "the embedded broker's configuration"
                    + " (mailhub.broker.config=" + settings.queue.brokerConfig() + ")" : "the broker at " + brokerClient)
                    + " has no queue " + String.join(", ", missing) + ": define them as artemis/broker.xml does (an"
                    + " address of the same name with one anycast queue)");
        }
    }

    /** Removes the spool files of transactions an earlier run did not finish (a crash). */
    private void cleanSpool() {
        Path spool = settings.dataDir.resolve("spool");
        try {
            java.nio.file.Files.createDirectories(spool);
            int stale = io.mailhub.acceptance.Spool.clean(spool);
            if (stale > 0) {
                LOG.info("removed {} spool file(s) of unfinished transactions from an earlier run", stale);
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot prepare the spool directory " + spool + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void afterStart(BaseMainSupport main) {
        if (settings.routesDir != null) {
            try {
                java.util.Properties placeholders = MailhubMain.camelProperties(settings);
                reloader = new io.mailhub.routing.RouteReloader(main.getCamelContext(), hooks, settings.routesDir,
                        files -> RoutesCommand.check(files, placeholders), Duration.ofSeconds(1))
                        .onChange(operators::auditReload).start();
            } catch (java.io.IOException e) {
                LOG.error("route files in {} will not be reloaded on change: {}", settings.routesDir, e.toString());
            }
        }
        try {
            counters.register();
        } catch (javax.management.JMException e) {
            LOG.warn("policy counters not visible over JMX: {}", e.toString());
        }
        observability.watch(main.getCamelContext()); // the routes exist now
        if (!settings.delivery.eventsEndpoint().isEmpty()) {
            String uri = settings.delivery.eventsEndpoint();
            try {
                main.getCamelContext().getEndpoint(uri); // an unknown scheme or a bad option fails the start here
            } catch (RuntimeException e) {
                throw new IllegalStateException("mailhub.events.endpoint=" + uri + ": " + e.getMessage(), e);
            }
            org.apache.camel.ProducerTemplate events = main.getCamelContext().createProducerTemplate();
            this.events.withTap(line -> events.sendBody(uri, line));
            LOG.info("every event line also goes to {}", uri);
        }
        stopWait.install();
        supervisor.start();
        cleanSpool(); // before any door opens: later, a file there belongs to a transaction in progress
        api.start();
        try {
            http.start();
        } catch (Exception e) {
            LOG.error("cannot start the HTTP listener on port {}: {}", settings.http.port(), e.getMessage());
            throw new IllegalStateException("cannot start the HTTP listener on port " + settings.http.port() + ": "
                    + e.getMessage(), e);
        }
        for (SmtpServer listener : listeners) {
            try {
                listener.start();
            } catch (Exception e) {
                String what = "the " + listener.role().label() + " listener on port " + listener.configuredPort();
                LOG.error("cannot start {}: {}", what, e.getMessage());
                throw new IllegalStateException("cannot start " + what + ": " + e.getMessage(), e);
            }
        }
        jmsDoor.start();
        if (pickup != null) {
            try {
                pickup.start();
            } catch (java.io.IOException e) {
                LOG.error("cannot open the pickup directory {}: {}", settings.pickup.dir(), e.toString());
                throw new IllegalStateException("cannot open the pickup directory " + settings.pickup.dir() + ": "
                        + e, e);
            }
        }
        started = true;
    }

    @Override
    public void beforeStop(BaseMainSupport main) {
        supervisor.close(); // no broker restarts or route resumes while the hub stops
        if (reloader != null) {
            try {
                reloader.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            jmsDoor.stop();
            if (pickup != null) {
                pickup.stop();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (SmtpServer listener : listeners) {
            try {
                listener.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            http.stop();
        } catch (Exception e) {
            LOG.warn("stopping the HTTP listener: {}", e.toString());
        }
        operators.stopped();
        // now, not after Camel stops: the JVM may exit as soon as Camel is down (its shutdown hook returns), cutting
        // short what afterStop still does
        greylistFile.saveQuietly();
    }

    @Override
    public void afterStop(BaseMainSupport main) {
        try {
            closeQueueAndBroker();
            LOG.info("stopped: queue closed, broker stopped");
        } finally {
            stopWait.done();
        }
    }

    private void closeQueueAndBroker() {
        MailQueueAdmin.unregister();
        PolicyCounters.unregister();
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
        if (greylistFile != null) {
            greylistFile.saveQuietly(); // anything the policy route changed while the routes stopped
        }
        queue.close();
        if (brokerQueues instanceof io.mailhub.queue.RemoteQueues remote) {
            remote.close();
        }
        events.close();
        observability.close();
        if (broker != null) {
            try {
                broker.stop();
            } catch (Exception e) {
                LOG.warn("stopping the embedded broker: {}", e.toString());
            }
        }
    }

    private volatile boolean started;

    /** Keeps the JVM up on SIGTERM until {@link #afterStop} has closed the queue and stopped the broker. */
    private final StopWait stopWait = new StopWait(Duration.ofSeconds(30));

    /** Whether the hub came up completely (every listener and door open). */
    /** Stops whatever a failed start had started: the doors, the Camel context, the queue and the broker. */
    void abandon(BaseMainSupport main) {
        try {
            beforeStop(main);
        } catch (RuntimeException e) {
            LOG.warn("stopping the doors after a failed start: {}", e.toString());
        }
        try {
            if (main.getCamelContext() != null) {
                main.getCamelContext().stop();
            }
        } catch (RuntimeException e) {
            LOG.warn("stopping Camel after a failed start: {}", e.toString());
        }
        try {
            afterStop(main);
        } catch (RuntimeException e) {
            LOG.warn("stopping the queue and broker after a failed start: {}", e.toString());
        }
    }

    boolean hasStarted() {
        return started;
    }

    /** The port-25-role SMTP listener, for tests that start the hub in-process. */
    public SmtpServer smtpServer() {
        return listeners.get(0);
    }

}
