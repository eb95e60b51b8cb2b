package io.mailhub.ingress.smtp;

import io.mailhub.acceptance.AcceptanceSettings;
import io.mailhub.acceptance.MailAcceptance;
import io.mailhub.cleanup.MessageComposer;
import io.mailhub.model.SmtpReply;
import io.mailhub.policy.PolicyChain;
import io.mailhub.queue.MailQueue;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SMTP listener: accepts connections and runs one {@link SmtpSession} per connection on its own thread, up to
 * {@code maxConnections}, and up to {@code connectionsPerClient} from one client address outside the trusted networks;
 * one more is answered {@code 421 4.7.0} and closed (RFC 5321 section 3.8). A watchdog ends sessions whose reply
 * writes stall (a client that stops reading).
 *
 * <p>Blocking I/O with a thread per session keeps each session a plain sequential program; a session spends its life
 * waiting for the client or for the broker's synced write, and the broker batches the writes of concurrent sessions
 * into one disk sync. See docs/adr/0001-own-smtp-intake.md.
 */
public final class SmtpServer {

    private static final Logger LOG = LoggerFactory.getLogger("io.mailhub.ingress");

    private final SmtpSettings settings;
    private final MailAcceptance acceptance;
    private final ListenerSecurity security;
    private final Set<SmtpSession> sessions = ConcurrentHashMap.newKeySet();
    private final Map<InetAddress, Integer> perClient = new ConcurrentHashMap<>();
    private final AtomicInteger threadCount = new AtomicInteger();
    private ServerSocket serverSocket;
    private ExecutorService executor;
    private Thread acceptor;
    private ScheduledExecutorService watchdog;
    private volatile boolean stopping;
    private volatile SmtpMeters meters;

    /** A listener without TLS and AUTH over its own acceptance stage (tests of the plain protocol). */
    public SmtpServer(SmtpSettings settings, PolicyChain policy, MailQueue queue, MessageComposer composer) {
        this(settings, policy, queue, composer, ListenerSecurity.none());
    }

    /** A listener over its own acceptance stage with the default hop limit (tests). */
    public SmtpServer(SmtpSettings settings, PolicyChain policy, MailQueue queue, MessageComposer composer,
            ListenerSecurity security) {
        this(settings, new MailAcceptance(new AcceptanceSettings(settings.hostname(), settings.maxMessageSize(), 50),
                policy, queue, composer, security.inbound(), security.dmarcReject(), Clock.systemUTC()), security);
    }

    /** A listener handing every message to the hub's acceptance stage. */
    public SmtpServer(SmtpSettings settings, MailAcceptance acceptance, ListenerSecurity security) {
        if (settings.role().implicitTls() && security.tls() == null) {
            throw new IllegalArgumentException("an implicit-TLS listener needs a certificate");
        }
        this.settings = settings;
        this.acceptance = acceptance;
        this.security = security;
    }

    /** Counts this listener's connections, sessions, TLS handshakes, login failures and refusals in {@code registry}. */
    public SmtpServer withMeters(io.micrometer.core.instrument.MeterRegistry registry) {
        this.meters = new SmtpMeters(registry, settings.role().label(), sessions::size);
        return this;
    }

    SmtpMeters meters() {
        SmtpMeters m = meters;
        if (m == null) {
            m = SmtpMeters.none(settings.role().label());
            meters = m;
        }
        return m;
    }

    /** Binds the port and starts accepting (the runtime has removed spool files of an earlier run before). */
    public synchronized void start() throws IOException {
        Files.createDirectories(settings.spoolDirectory());
        serverSocket = new ServerSocket();
        serverSocket.setReuseAddress(true);
        serverSocket.bind(new InetSocketAddress(settings.bindAddress(), settings.port()), 256);
        executor = new ThreadPoolExecutor(0, settings.maxConnections(), 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                r -> {
                    Thread t = new Thread(r, settings.role().label() + "-" + threadCount.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        stopping = false;
        acceptor = new Thread(this::acceptLoop, settings.role().label() + "-acceptor");
        acceptor.start();
        watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, settings.role().label() + "-watchdog");
            t.setDaemon(true);
            return t;
        });
        watchdog.scheduleWithFixedDelay(this::endStalledWrites, 1, 1, TimeUnit.SECONDS);
        LOG.info("SMTP ({}) listening on {} as {} (max {} connections, messages up to {} octets{}{})",
                settings.role().label(), serverSocket.getLocalSocketAddress(), settings.hostname(),
                settings.maxConnections(), settings.maxMessageSize(),
                security.tls() == null ? ", no TLS" : settings.role().implicitTls() ? ", implicit TLS" : ", STARTTLS",
                security.authenticator() == null ? ", no AUTH" : ", AUTH");
    }

    /** The port from the settings (0: any free one). */
    public int configuredPort() {
        return settings.port();
    }

    /** The bound port (useful when started with port 0). */
    public int port() {
        return serverSocket.getLocalPort();
    }

    public boolean isRunning() {
        return serverSocket != null && !serverSocket.isClosed() && !stopping;
    }

    public int activeSessions() {
        return sessions.size();
    }

    private void acceptLoop() {
        while (!stopping) {
            Socket socket;
            try {
                socket = serverSocket.accept();
            } catch (IOException e) {
                if (!stopping) {
                    LOG.error("SMTP accept failed", e);
                }
                return;
            }
            startSession(socket);
        }
    }

    /**
     * Runs a session on a new connection, or answers 421 and closes it: over the connection limits, or when the
     * listener is stopping (a connection accepted just before {@link #stop()} closed the listening socket).
     */
    void startSession(Socket socket) {
        InetAddress client = socket.getInetAddress();
        meters().connected();
        if (stopping) {
            refuse(socket, SmtpReplies.shuttingDown(settings.hostname()), "the listener is stopping");
            return;
        }
        if (sessions.size() >= settings.maxConnections()) {
            refuse(socket, SmtpReplies.tooManyConnections(settings.hostname()), sessions.size()
                    + " sessions already open");
            return;
        }
        if (!admit(client)) {
            refuse(socket, SmtpReplies.tooManyConnectionsFrom(settings.hostname(), client.getHostAddress()),
                    settings.connectionsPerClient() + " sessions from this address already open");
            return;
        }
        SmtpSession session = new SmtpSession(this, socket);
        sessions.add(session);
        try {
            executor.execute(session);
        } catch (RejectedExecutionException e) {
            // stop() shut the pool down since the check above, or every thread is still busy (a session that just
            // ended leaves the session count before its thread is free again)
            sessionEnded(session);
            refuse(socket, stopping ? SmtpReplies.shuttingDown(settings.hostname())
                    : SmtpReplies.tooManyConnections(settings.hostname()), "no session thread free");
        }
    }

    /** Counts a new session of {@code client}; false when that would exceed the per-client limit. */
    private boolean admit(InetAddress client) {
        int limit = settings.connectionsPerClient();
        if (limit <= 0 || settings.trustedNetworks().contains(client)) {
            return true;
        }
        boolean[] admitted = {false};
        perClient.compute(client, (k, n) -> {
            int open = n == null ? 0 : n;
            admitted[0] = open < limit;
            return admitted[0] ? open + 1 : n;
        });
        return admitted[0];
    }

    private void release(InetAddress client) {
        perClient.computeIfPresent(client, (k, n) -> n <= 1 ? null : n - 1);
    }

    private void endStalledWrites() {
        long now = System.nanoTime();
        for (SmtpSession s : sessions) {
            if (s.endIfWriteStalled(now)) {
                LOG.debug("ended a session whose client stopped reading");
            }
        }
    }

    private void refuse(Socket socket, SmtpReply reply, String why) {
        try (socket) {
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            meters().replied(reply);
            out.write(reply.toWire().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            LOG.warn("refused connection from [{}]: {}", socket.getInetAddress().getHostAddress(), why);
        } catch (IOException e) {
            LOG.debug("could not refuse connection politely: {}", e.toString());
        }
    }

    /**
     * Stops accepting, tells idle sessions 421 and lets sessions in a transaction finish within the grace period;
     * anything still open after it is cut off (those clients were never told 250, so nothing is lost).
     */
    public synchronized void stop() throws InterruptedException {
        if (serverSocket == null) {
            return;
        }
        stopping = true;
        try {
            serverSocket.close();
        } catch (IOException e) {
            LOG.debug("closing the listener: {}", e.toString());
        }
        sessions.forEach(SmtpSession::interruptIfIdle);
        watchdog.shutdownNow();
        executor.shutdown();
        if (!executor.awaitTermination(settings.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)) {
            LOG.warn("{} SMTP session(s) still busy after {}; closing them", sessions.size(), settings.shutdownGrace());
            sessions.forEach(SmtpSession::forceClose);
            executor.awaitTermination(5, TimeUnit.SECONDS);
        }
        acceptor.join(5000);
        serverSocket = null;
        LOG.info("SMTP ({}) listener stopped", settings.role().label());
    }

    // ---- for sessions ----

    SmtpSettings settings() {
        return settings;
    }

    PolicyChain policy() {
        return acceptance.policy();
    }

    private volatile io.mailhub.policy.ConnectHook connectCheck;

    /** A check of this listener only, after the shared connect hooks (the MX listener's DNS blocklists). */
    public SmtpServer withConnectCheck(io.mailhub.policy.ConnectHook check) {
        this.connectCheck = check;
        return this;
    }

    io.mailhub.policy.ConnectHook connectCheck() {
        return connectCheck;
    }

    MailAcceptance acceptance() {
        return acceptance;
    }

    ListenerSecurity security() {
        return security;
    }

    public ListenerRole role() {
        return settings.role();
    }

    boolean isStopping() {
        return stopping;
    }

    void sessionEnded(SmtpSession session) {
        if (sessions.remove(session)) {
            release(session.clientAddress());
        }
    }
}
