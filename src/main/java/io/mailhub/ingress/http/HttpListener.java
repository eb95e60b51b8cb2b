package io.mailhub.ingress.http;

import io.mailhub.ingress.tls.ServerTls;
import jakarta.servlet.MultipartConfigElement;
import jakarta.servlet.http.HttpServlet;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's one HTTP server (Jetty 12, servlets): plain HTTP on {@code mailhub.http.port}, and HTTPS on
 * {@code mailhub.https.port} with the SMTP listeners' PEM pair, picked up again when the files change. Request threads
 * block (a request waits for the broker's synced write, as an SMTP session does); large uploads stream, multipart parts
 * above 256 KiB go to files under the spool directory.
 */
public final class HttpListener {

    private static final Logger LOG = LoggerFactory.getLogger(HttpListener.class);

    private final HttpSettings settings;
    private final ServerTls tls;
    private final Path spoolDirectory;
    private final ServletContextHandler context = new ServletContextHandler();
    private final java.util.List<org.eclipse.jetty.server.Handler> apps = new java.util.ArrayList<>();
    private Server server;
    private ServerConnector http;
    private ServerConnector https;
    private SslContextFactory.Server sslFactory;
    private ScheduledExecutorService tlsReload;
    private java.util.function.Predicate<java.net.InetAddress> trusted = a -> false;
    private RequestDeadline deadline;

    /**
     * @param tls the certificate for HTTPS, or {@code null} when {@code mailhub.https.port} is off
     * @param spoolDirectory where multipart parts above the memory threshold are kept while a request is read
     */
    public HttpListener(HttpSettings settings, ServerTls tls, Path spoolDirectory) {
        this.settings = settings;
        this.tls = tls;
        this.spoolDirectory = spoolDirectory;
        context.setContextPath("/");
    }

    /** Serves {@code pathSpec} (servlet syntax: {@code /api/v1/*}) with {@code servlet}; call before {@link #start}. */
    public HttpListener serve(String pathSpec, HttpServlet servlet) {
        context.addServlet(new ServletHolder(servlet), pathSpec);
        return this;
    }

    /** As {@link #serve}, for a servlet that reads multipart forms (parts spool to disk above 256 KiB). */
    public HttpListener serveMultipart(String pathSpec, HttpServlet servlet, long maxRequestSize) {
        ServletHolder holder = new ServletHolder(servlet);
        holder.getRegistration().setMultipartConfig(new MultipartConfigElement(spoolDirectory.toString(),
                maxRequestSize, maxRequestSize, 256 * 1024));
        context.addServlet(holder, pathSpec);
        return this;
    }

    /** Clients without a connection limit ({@code mailhub.relay.trusted-networks}); call before {@link #start}. */
    public HttpListener trusting(java.util.function.Predicate<java.net.InetAddress> trusted) {
        this.trusted = trusted;
        return this;
    }

    /** Serves a whole web application (the Hawtio console at /hawtio) beside the hub's servlets. */
    public HttpListener serveApp(org.eclipse.jetty.server.handler.ContextHandler app) {
        apps.add(app);
        return this;
    }

    public synchronized void start() throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(settings.maxThreads(), 8, 60_000);
        threads.setName("http");
        server = new Server(threads);
        HttpConfiguration config = new HttpConfiguration();
        config.setSendServerVersion(false);
        config.setSendXPoweredBy(false);
        http = new ServerConnector(server, new HttpConnectionFactory(config));
        http.setPort(settings.port());
        http.setIdleTimeout(settings.idleTimeout().toMillis());
        ClientConnectionLimit limit = settings.connectionsPerClient() > 0
                ? new ClientConnectionLimit(settings.connectionsPerClient(), trusted) : null;
        if (limit != null) {
            http.addBean(limit);
        }
        server.addConnector(http);
        if (tls != null && settings.httpsPort() >= 0) {
            sslFactory = new SslContextFactory.Server();
            configure(sslFactory, tls.context());
            HttpConfiguration secure = new HttpConfiguration(config);
            SecureRequestCustomizer customizer = new SecureRequestCustomizer();
            customizer.setSniHostCheck(false); // one certificate for every name the hub answers to
            secure.addCustomizer(customizer);
            https = new ServerConnector(server, sslFactory, new HttpConnectionFactory(secure));
            https.setPort(settings.httpsPort());
            https.setIdleTimeout(settings.idleTimeout().toMillis());
            if (limit != null) {
                https.addBean(limit); // one count per address over both ports
            }
            server.addConnector(https);
            tlsReload = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "https-certificate");
                t.setDaemon(true);
                return t;
            });
            tlsReload.scheduleWithFixedDelay(this::reloadCertificate, 5, 5, TimeUnit.SECONDS);
        }
        org.eclipse.jetty.server.Handler handler = context;
        if (!apps.isEmpty()) { // the longest context path wins: /hawtio goes to its web application, the rest to servlets
            org.eclipse.jetty.server.handler.ContextHandlerCollection all =
                    new org.eclipse.jetty.server.handler.ContextHandlerCollection();
            apps.forEach(all::addHandler);
            all.addHandler(context);
            handler = all;
        }
        deadline = new RequestDeadline(settings.idleTimeout(), settings.minDataRate(), limit == null ? handler
                : new OverLimitAnswer(limit, handler));
        org.eclipse.jetty.io.Connection.Listener waiting = deadline.connections();
        http.addBean(waiting);
        if (https != null) {
            https.addBean(waiting);
        }
        server.setHandler(deadline);
        server.start();
        LOG.info("HTTP listening on port {}{}", http.getLocalPort(),
                https == null ? "" : ", HTTPS on port " + https.getLocalPort() + " (" + tls.subject() + ")");
    }

    private void configure(SslContextFactory.Server factory, SSLContext context) {
        factory.setSslContext(context);
        factory.setIncludeProtocols(tls.protocols());
        factory.setIncludeCipherSuites(tls.cipherSuites());
        factory.setUseCipherSuitesOrder(true);
    }

    /** Gives new connections the renewed certificate when the PEM files changed (ServerTls keeps the old on errors). */
    private void reloadCertificate() {
        try {
            SSLContext current = tls.context();
            if (current != sslFactory.getSslContext()) {
                sslFactory.reload(f -> configure((SslContextFactory.Server) f, current));
                LOG.info("HTTPS certificate reloaded: {}", tls.subject());
            }
        } catch (Exception e) {
            LOG.error("HTTPS certificate not reloaded: {}", e.toString());
        }
    }

    public synchronized void stop() throws Exception {
        if (tlsReload != null) {
            tlsReload.shutdownNow();
        }
        if (deadline != null) {
            deadline.close();
            deadline = null;
        }
        if (server != null) {
            server.stop();
            server = null;
        }
    }

    /** The bound HTTP port (useful when started with port 0); before the start, the configured one. */
    public int port() {
        ServerConnector c = http;
        return c == null ? settings.port() : c.getLocalPort();
    }

    /** The bound HTTPS port, or -1 when HTTPS is off; before the start, the configured one. */
    public int httpsPort() {
        ServerConnector c = https;
        if (c == null) {
            return server == null && tls != null && settings.httpsPort() > 0 ? settings.httpsPort() : -1;
        }
        return c.getLocalPort();
    }
}
