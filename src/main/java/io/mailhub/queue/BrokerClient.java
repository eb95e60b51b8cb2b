package io.mailhub.queue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the hub reaches its broker: the embedded one in its JVM, or an external one with the URL, the login and the
 * TLS trust of {@code mailhub.broker.*}. Every connection of the hub (intake, routes, JMS door, admin) is made from
 * here, so all of them log in and verify the broker alike.
 *
 * <p>With {@code sslEnabled=true} in the URL, the broker's certificate must lead to the CAs of
 * {@code mailhub.broker.ca-file} (else the JDK's), and its name must match the host the URL names: the hub adds
 * {@code verifyHost=true} (Artemis' client does not check the name by default) unless the URL says otherwise.
 */
public final class BrokerClient {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerClient.class);

    /** Protects nothing: the trust store holds only the public CA certificates of {@code mailhub.broker.ca-file}. */
    static final String TRUST_STORE_PASSWORD = "mailhub";

    private final String configuredUrl;
    private final String url;
    private final String user;
    private final String password;
    private final Path trustStore;

    private BrokerClient(String configuredUrl, String url, String user, String password, Path trustStore) {
        this.configuredUrl = configuredUrl;
        this.url = url;
        this.user = user;
        this.password = password;
        this.trustStore = trustStore;
    }

    /** The embedded broker, reached in the JVM without a login. */
    public static BrokerClient embedded() {
        return new BrokerClient(EmbeddedBroker.IN_VM_URL, EmbeddedBroker.IN_VM_URL, null, null, null);
    }

    /**
     * The broker of {@code settings}: embedded when it has no URL. With a CA file, its certificates are written to
     * {@code dataDir/broker-ca.p12}, the trust store the Artemis client reads.
     */
    public static BrokerClient of(QueueSettings settings, Path dataDir) throws IOException, GeneralSecurityException {
        if (settings.embedded()) {
            return embedded();
        }
        String url = settings.brokerUrl();
        Path store = null;
        if (QueueSettings.tls(url)) {
            if (settings.brokerCaFile() != null) {
                store = writeTrustStore(io.mailhub.crypto.PemFiles.certificates(settings.brokerCaFile()),
                        dataDir.resolve("broker-ca.p12"));
                url = withParam(withParam(withParam(url, "trustStorePath", store.toString()), "trustStorePassword",
                        TRUST_STORE_PASSWORD), "trustStoreType", "PKCS12");
            }
            if (!names(url, "verifyHost")) {
                url = withParam(url, "verifyHost", "true");
            }
        }
        String user = settings.brokerUser().isEmpty() ? null : settings.brokerUser();
        return new BrokerClient(settings.brokerUrl(), url, user,
                user == null ? null : password(settings.brokerPasswordFile()), store);
    }

    /** The password in {@code file}: its first line, which must not be empty. */
    static String password(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty() || lines.get(0).isEmpty()) {
            throw new IOException("file " + file + " must hold the password on its first line, and that line is"
                    + " empty");
        }
        return lines.get(0);
    }

    /** A connection factory that logs in as the configured user (connections from it ask no further). */
    public ActiveMQConnectionFactory connectionFactory() {
        ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory(url);
        if (user != null) {
            cf.setUser(user);
            cf.setPassword(password);
        }
        return cf;
    }

    /** The Artemis URL as used: the configured one plus the TLS parameters the hub adds. */
    public String url() {
        return url;
    }

    /** The user the hub logs in as, or {@code null}. */
    public String user() {
        return user;
    }

    String password() {
        return password;
    }

    public boolean isEmbedded() {
        return user == null && EmbeddedBroker.IN_VM_URL.equals(url);
    }

    /** For log lines and errors: the configured URL and the user, never the password. */
    @Override
    public String toString() {
        return configuredUrl + (user == null ? "" : " as " + user);
    }

    /**
     * Connects once at start-up. A broker that refuses the login or whose certificate the hub does not trust stops the
     * start with a message saying which settings to fix (retrying mends neither); a broker that cannot be reached is
     * logged, and the hub starts and keeps trying, as it does when the broker goes away later.
     *
     * @throws IllegalStateException when the broker refuses the login or its certificate is not trusted
     */
    public void checkLogin(ActiveMQConnectionFactory cf) {
        try (jakarta.jms.Connection c = cf.createConnection()) {
            LOG.info("connected to the broker at {}{}", this, QueueSettings.tls(url) ? " (TLS)" : "");
        } catch (JMSSecurityException e) {
            throw new IllegalStateException("the broker at " + configuredUrl + " refused the login of "
                    + (user == null ? "an anonymous client: set mailhub.broker.user and mailhub.broker.password-file"
                            : "user " + user + " (mailhub.broker.user, mailhub.broker.password-file)")
                    + ": " + e.getMessage(), e);
        } catch (JMSException e) {
            String untrusted = QueueSettings.tls(url) ? untrustedCertificate() : null;
            if (untrusted != null) {
                throw new IllegalStateException("the broker at " + configuredUrl + " presented a certificate the hub"
                        + " does not trust (mailhub.broker.ca-file, or the JDK's CAs without it; the name must match"
                        + " the URL's host): " + untrusted, e);
            }
            LOG.warn("the broker at {} cannot be reached at start-up, the hub keeps trying: {}", this, causes(e));
        }
    }

    /**
     * Why the broker's TLS certificate is refused, or {@code null} when it is not (or cannot be told): the Artemis
     * client logs a refused handshake but reports only "cannot connect", which would look like a broker that is down.
     * So the hub shakes hands itself, with the same trust and name check, with each host of the URL.
     */
    String untrustedCertificate() {
        if (names(url, "trustAll") || (names(url, "trustStorePath") && trustStore == null)) {
            return null; // the operator's own trust settings: Artemis applies them
        }
        java.util.regex.Matcher host = java.util.regex.Pattern.compile("(?:tcp|ssl)://([^:/?,()\\[\\]]+):(\\d+)")
                .matcher(url);
        while (host.find()) {
            try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) tlsContext().getSocketFactory()
                    .createSocket()) {
                socket.connect(new java.net.InetSocketAddress(host.group(1), Integer.parseInt(host.group(2))), 5000);
                socket.setSoTimeout(5000);
                if (!url.toLowerCase(Locale.ROOT).contains("verifyhost=false")) {
                    javax.net.ssl.SSLParameters p = socket.getSSLParameters();
                    p.setEndpointIdentificationAlgorithm("HTTPS");
                    socket.setSSLParameters(p);
                }
                socket.startHandshake();
            } catch (javax.net.ssl.SSLHandshakeException e) {
                return host.group(1) + ":" + host.group(2) + ": " + causes(e);
            } catch (IOException | GeneralSecurityException e) {
                // not reachable, or not TLS at all: "cannot be reached", as Artemis says
            }
        }
        return null;
    }

    private javax.net.ssl.SSLContext tlsContext() throws IOException, GeneralSecurityException {
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        KeyStore store = null;
        if (trustStore != null) {
            store = KeyStore.getInstance("PKCS12");
            try (java.io.InputStream in = Files.newInputStream(trustStore)) {
                store.load(in, TRUST_STORE_PASSWORD.toCharArray());
            }
        }
        tmf.init(store);
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    /**
     * The queues of {@code names} the broker does not have. Empty also when the broker cannot be asked (it is not
     * reachable): then the hub's own use of the queues will tell.
     */
    public List<String> missingQueues(ActiveMQConnectionFactory cf, List<String> names) {
        try (jakarta.jms.Connection c = cf.createConnection()) {
            org.apache.activemq.artemis.api.core.client.ClientSession core =
                    ((org.apache.activemq.artemis.jms.client.ActiveMQSession) c.createSession(false,
                            jakarta.jms.Session.AUTO_ACKNOWLEDGE)).getCoreSession();
            List<String> missing = new java.util.ArrayList<>();
            for (String name : names) {
                if (!core.queueQuery(org.apache.activemq.artemis.api.core.SimpleString.of(name)).isExists()) {
                    missing.add(name);
                }
            }
            return missing;
        } catch (JMSException | org.apache.activemq.artemis.api.core.ActiveMQException e) {
            LOG.debug("cannot ask the broker at {} for its queues: {}", this, causes(e));
            return List.of();
        }
    }

    /** The messages of a throwable and its causes, outermost first, for one log line. */
    static String causes(Throwable t) {
        StringBuilder s = new StringBuilder();
        for (Throwable c = t; c != null && s.length() < 1000; c = c.getCause() == c ? null : c.getCause()) {
            if (!s.isEmpty()) {
                s.append(" <- ");
            }
            s.append(c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage());
        }
        return s.toString();
    }

    static String withParam(String url, String key, String value) {
        return url + (url.indexOf('?') < 0 ? "?" : "&") + key + "=" + value;
    }

    /** Whether an Artemis URL sets the parameter {@code key} (case-insensitive). */
    static boolean names(String url, String key) {
        int q = url.indexOf('?');
        return q >= 0 && ("&" + url.substring(q + 1).toLowerCase(Locale.ROOT)).contains("&" + key.toLowerCase(
                Locale.ROOT) + "=");
    }

    private static Path writeTrustStore(List<X509Certificate> cas, Path file) throws IOException,
            GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        int i = 0;
        for (X509Certificate ca : cas) {
            store.setCertificateEntry("ca-" + i++, ca);
        }
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            store.store(out, TRUST_STORE_PASSWORD.toCharArray());
        }
        return Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
