package io.mailhub.queue;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.activemq.artemis.core.config.FileDeploymentManager;
import org.apache.activemq.artemis.core.config.impl.FileConfiguration;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.nativo.jlibaio.LibaioContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker inside the hub's JVM, used when {@code mailhub.broker.url} is empty. It reads the same
 * {@code artemis/broker.xml} a standalone broker uses; the hub then places all broker directories under
 * {@code mailhub.data.dir/artemis} and, unless asked otherwise, keeps only the in-VM acceptor, so an embedded broker
 * opens no network port.
 */
public final class EmbeddedBroker {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedBroker.class);

    /** The in-VM connector URL clients use to reach this broker. */
    public static final String IN_VM_URL = "vm://0";

    private final String configUrl;
    private final Path dataDirectory;
    private final boolean keepNetworkAcceptors;
    private final long minDiskFree;
    private String acceptor;
    private String acceptorTls = "";
    private org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManager securityManager;
    private java.util.List<String> extraQueues = java.util.List.of();
    private final java.util.List<org.apache.activemq.artemis.core.server.plugin.ActiveMQServerBasePlugin> plugins =
            new java.util.ArrayList<>();
    private volatile EmbeddedActiveMQ broker;
    private volatile boolean stopped = true;
    private volatile String criticalError;
    private final java.util.concurrent.atomic.AtomicLong criticalErrors = new java.util.concurrent.atomic.AtomicLong();

    /**
     * @param configUrl a URL of a broker.xml ({@code file:/etc/mailhub/broker.xml}), an absolute file path, or a
     *     classpath resource name (the packaged {@code artemis/broker.xml})
     * @param dataDirectory the hub's data directory; the broker uses its {@code artemis} subdirectory
     * @param keepNetworkAcceptors whether to keep the TCP acceptors of broker.xml (so other hubs can share this broker)
     */
    public EmbeddedBroker(String configUrl, Path dataDirectory, boolean keepNetworkAcceptors) {
        this(configUrl, dataDirectory, keepNetworkAcceptors, -1);
    }

    /**
     * @param minDiskFree the free space on the data disk below which the broker blocks its producers (Artemis'
     *     {@code min-disk-free}, which takes priority over {@code max-disk-usage}); -1 keeps broker.xml's limits
     */
    public EmbeddedBroker(String configUrl, Path dataDirectory, boolean keepNetworkAcceptors, long minDiskFree) {
        this.configUrl = configUrl.startsWith("/") ? Path.of(configUrl).toUri().toString() : configUrl;
        this.dataDirectory = dataDirectory;
        this.keepNetworkAcceptors = keepNetworkAcceptors;
        this.minDiskFree = minDiskFree;
    }

    /**
     * Opens a network acceptor for external producers (the JMS door): CORE, AMQP and STOMP on one port, with security
     * on (every network user must pass {@code securityManager}; the broker puts the validated user on each message).
     *
     * @param url {@code tcp://host:port}, or {@code null}: none
     * @param queues anycast queues the broker must have (created when missing: the submit and invalid queues)
     */
    public synchronized EmbeddedBroker withAcceptor(String url,
            org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManager securityManager,
            java.util.List<String> queues) {
        this.acceptor = url;
        this.securityManager = securityManager;
        this.extraQueues = java.util.List.copyOf(queues);
        return this;
    }

    /** A broker plugin for the next start (the JMS door's stamp of the sending login). */
    public synchronized EmbeddedBroker withPlugin(
            org.apache.activemq.artemis.core.server.plugin.ActiveMQServerBasePlugin plugin) {
        plugins.add(plugin);
        return this;
    }

    /**
     * TLS for the network acceptor: TLS 1.3 and 1.2 with the key pair in {@code keyStore} (PKCS#12), for an acceptor
     * URL with {@code sslEnabled=true}.
     */
    public synchronized EmbeddedBroker withAcceptorTls(Path keyStore, String password, String[] protocols,
            String[] cipherSuites) {
        this.acceptorTls = "&keyStorePath=" + keyStore + "&keyStorePassword=" + password + "&keyStoreType=PKCS12"
                + "&enabledProtocols=" + String.join(",", protocols) + "&enabledCipherSuites="
                + String.join(",", cipherSuites);
        return this;
    }

    /** Whether an acceptor URL asks for TLS ({@code sslEnabled=true}). */
    public static boolean wantsTls(String acceptorUrl) {
        return acceptorUrl != null && acceptorUrl.replace(";", "&").replace("?", "&").toLowerCase(java.util.Locale.ROOT)
                .contains("&sslenabled=true");
    }

    public synchronized void start() throws Exception {
        FileConfiguration config = new FileConfiguration();
        FileDeploymentManager deployment = new FileDeploymentManager(configUrl);
        deployment.addDeployable(config);
        deployment.readConfiguration();

        Path dir = dataDirectory.resolve("artemis");
        Files.createDirectories(dir);
        config.setBrokerInstance(dir.toFile());
        config.setJournalDirectory(dir.resolve("journal").toString());
        config.setBindingsDirectory(dir.resolve("bindings").toString());
        config.setLargeMessagesDirectory(dir.resolve("large-messages").toString());
        config.setPagingDirectory(dir.resolve("paging").toString());
        config.setNodeManagerLockDirectory(dir.toString());
        if (!keepNetworkAcceptors) {
            config.getAcceptorConfigurations().removeIf(a -> !a.getFactoryClassName().contains("InVM"));
        }
        config.setJMXManagementEnabled(true);
        if (acceptor != null) {
            config.addAcceptorConfiguration("external", acceptor + (acceptor.contains("?") ? "&" : "?")
                    + "protocols=CORE,AMQP,STOMP" + (wantsTls(acceptor) ? acceptorTls : ""));
            config.setSecurityEnabled(true);
            config.setPopulateValidatedUser(true);
        }
        plugins.forEach(config::registerBrokerPlugin);
        if (minDiskFree >= 0) {
            config.setMinDiskFree(minDiskFree);
            config.registerBrokerPlugin(new LowDiskSendRefusal(dir, minDiskFree));
        }
        // The configuration is read once from the classpath (inside the jar): there is no file to watch for changes.
        config.setConfigurationFileRefreshPeriod(-1);

        broker = new EmbeddedActiveMQ();
        broker.setConfiguration(config);
        broker.setMbeanServer(ManagementFactory.getPlatformMBeanServer());
        if (securityManager != null) {
            broker.setSecurityManager(securityManager);
        }
        broker.start();
        for (String q : extraQueues) {
            org.apache.activemq.artemis.api.core.SimpleString name =
                    org.apache.activemq.artemis.api.core.SimpleString.of(q);
            if (broker.getActiveMQServer().locateQueue(name) == null) {
                broker.getActiveMQServer().createQueue(org.apache.activemq.artemis.api.core.QueueConfiguration.of(q)
                        .setRoutingType(org.apache.activemq.artemis.api.core.RoutingType.ANYCAST).setDurable(true)
                        .setAutoCreateAddress(true));
            }
        }
        criticalError = null;
        broker.getActiveMQServer().registerIOCriticalErrorListener((code, message, file) -> {
            criticalErrors.incrementAndGet(); // first: Artemis calls this in the thread whose write failed
            criticalError = message + (file == null ? "" : " (" + file + ")");
            LOG.error("the embedded broker stops after a critical I/O error: {}; the hub restarts it once the data disk"
                    + " has room again", criticalError);
        });
        stopped = false;
        LOG.info("embedded Artemis broker started (journal {} in {}{}{})", config.getJournalType(), dir,
                minDiskFree >= 0 ? ", refuses producers below " + minDiskFree + " octets free" : "",
                acceptor == null ? "" : ", external producers on " + acceptor.replaceAll("\\?.*", "")
                        + (wantsTls(acceptor) ? " (TLS)" : ""));
        String advice = journalAdvice(config.getJournalType(), System.getProperty("os.name", ""),
                config.getJournalType() == JournalType.NIO && linux() && LibaioContext.isLoaded());
        if (advice != null) {
            LOG.info(advice);
        }
    }

    private static boolean linux() {
        return System.getProperty("os.name", "").startsWith("Linux");
    }

    /**
     * What to do about a journal that fell back to NIO on Linux, where broker.xml asks for ASYNCIO (Artemis falls back
     * when it cannot load its native library, or when the file system has no O_DIRECT, such as tmpfs); {@code null}
     * when there is nothing to do.
     *
     * @param nativeLoaded whether Artemis' native library (and so libaio) is loaded
     */
    static String journalAdvice(JournalType type, String osName, boolean nativeLoaded) {
        if (type != JournalType.NIO || !osName.startsWith("Linux")) {
            return null;
        }
        if (nativeLoaded) {
            return "the broker journal is NIO because its file system does not support ASYNCIO (O_DIRECT; tmpfs does"
                    + " not): put mailhub.data.dir on ext4 or xfs for the faster journal";
        }
        return "the broker journal is NIO: for the faster ASYNCIO journal install libaio (Debian: libaio1) and start"
                + " Java with -Djava.library.path=DIR, DIR holding libartemis-native-64.so from the jar (unzip -j"
                + " mailhub.jar lib/linux-x86_64/libartemis-native-64.so -d DIR); see docs/operations.md, \"The"
                + " broker journal\"";
    }

    /**
     * Starts the broker again after it stopped by itself (Artemis shuts down on a critical I/O error such as a full
     * disk): the old server is stopped for good, a new one reads the same configuration and journal. Clients reconnect
     * on their own (the hub's mail queue at its next use, the routes' listener containers within seconds).
     */
    public synchronized void restart() throws Exception {
        if (broker != null) {
            try {
                broker.stop();
            } catch (Exception e) {
                LOG.debug("stopping the failed broker: {}", e.toString());
            }
            broker = null;
        }
        start();
    }

    /** Whether the broker is meant to run but does not: it stopped by itself. */
    public boolean hasFailed() {
        return !stopped && !isActive();
    }

    /**
     * How many critical I/O errors the broker met since this object was made (over restarts). A store that sees this
     * change while it runs cannot trust its acknowledgement (ADR 0032).
     */
    public long criticalErrors() {
        return criticalErrors.get();
    }

    /** The critical I/O error that stopped the broker, or {@code null}. */
    public String criticalError() {
        return criticalError;
    }

    /** The running broker server, for management (queue operations); {@code null} when stopped. */
    public synchronized org.apache.activemq.artemis.core.server.ActiveMQServer server() {
        return broker == null ? null : broker.getActiveMQServer();
    }

    public boolean isActive() {
        EmbeddedActiveMQ b = broker;
        return b != null && b.getActiveMQServer() != null && b.getActiveMQServer().isActive();
    }

    public synchronized void stop() throws Exception {
        stopped = true;
        if (broker != null) {
            broker.stop();
            broker = null;
            LOG.info("embedded Artemis broker stopped");
        }
    }
}
