package io.mailhub.relay;

import java.time.Duration;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;

/** Options of the smtp-relay component; each can be set on the component or per endpoint URI. */
@UriParams
public class SmtpRelayConfiguration implements Cloneable {

    @UriParam(description = "The next hop for every domain without a transport map entry, as host:port or [host]:port."
            + " Empty means MX delivery.")
    private String smartHost = "";

    @UriParam(defaultValue = "25", description = "Port of MX hosts, and of a smart host or transport map host that names none.")
    private int port = 25;

    @UriParam(description = "The name sent in EHLO/HELO; defaults to the local host name.")
    private String heloName;

    @UriParam(description = "The ports this hub's own SMTP listeners use, comma-separated: a next hop at one of this"
            + " machine's addresses on one of them is this hub, and mail for it fails with 5.4.6 (loops back to"
            + " myself) instead of circling. A next hop that greets with heloName is taken as this hub too.")
    private String ownPorts = "";

    @UriParam(defaultValue = "30s", javaType = "java.time.Duration", description = "TCP connect timeout.")
    private Duration connectTimeout = Duration.ofSeconds(30);

    @UriParam(defaultValue = "5m", javaType = "java.time.Duration",
            description = "Timeout for the greeting and each command reply (RFC 5321 section 4.5.3.2).")
    private Duration commandTimeout = Duration.ofMinutes(5);

    @UriParam(defaultValue = "10m", javaType = "java.time.Duration",
            description = "Timeout for the reply after the end of the message content.")
    private Duration finalReplyTimeout = Duration.ofMinutes(10);

    @UriParam(defaultValue = "20", description = "Concurrent connections per destination (Postfix's default is 20).")
    private int maxConnectionsPerDestination = 20;

    @UriParam(defaultValue = "5s", javaType = "java.time.Duration",
            description = "How long an idle connection is kept for reuse before QUIT.")
    private Duration connectionIdleTime = Duration.ofSeconds(5);

    @UriParam(defaultValue = "300s", javaType = "java.time.Duration",
            description = "Maximum age of a connection that is reused (Postfix's smtp_connection_reuse_time_limit).")
    private Duration connectionMaxAge = Duration.ofSeconds(300);

    @UriParam(defaultValue = "100", description = "Maximum number of transactions over one connection.")
    private int maxTransactionsPerConnection = 100;

    @UriParam(label = "dns", description = "DNS servers for MX lookups as a comma-separated host:port list; empty means"
            + " the system's resolver configuration.")
    private String dnsServers = "";

    @UriParam(label = "dns", defaultValue = "10s", javaType = "java.time.Duration", description = "Timeout of one DNS query.")
    private Duration dnsTimeout = Duration.ofSeconds(10);

    @UriParam(label = "dns", defaultValue = "5",
            description = "Most addresses of MX hosts tried in one delivery attempt (Postfix's smtp_mx_address_limit).")
    private int maxMxAddresses = 5;

    @UriParam(description = "A transport map file: per-domain next hop and TLS policy (see the component doc). Empty: none.")
    private String transportMap = "";

    @UriParam(defaultValue = "60s", javaType = "java.time.Duration", description = "How long a host that could not be"
            + " reached (or refused to talk) is skipped before it is tried again; 0s disables it.")
    private Duration deadDestinationTime = Duration.ofSeconds(60);

    @UriParam(label = "security", defaultValue = "may", enums = "none,may,encrypt,verify", description = "TLS policy for"
            + " destinations without their own in the transport map: none, may (opportunistic STARTTLS), encrypt"
            + " (STARTTLS required, certificate not checked) or verify (STARTTLS required, certificate chain and host"
            + " name checked).")
    private String tlsPolicy = "may";

    @UriParam(label = "security", description = "A PEM file of CA certificates trusted under tls=verify. Empty: the"
            + " JDK's default trust store.")
    private String tlsTrustAnchors = "";

    @UriParam(label = "security", defaultValue = "true", description = "Whether MX delivery honours the recipient"
            + " domains' MTA-STS policies (RFC 8461): under a policy in enforce mode only the MX hosts it names, over"
            + " TLS with a verified certificate.")
    private boolean mtaSts = true;

    @UriParam(label = "security", defaultValue = "443", description = "The HTTPS port MTA-STS policies are fetched"
            + " from; tests use another.")
    private int mtaStsPort = 443;

    @UriParam(label = "security", description = "A file where fetched MTA-STS policies are kept across restarts;"
            + " empty: memory only.")
    private String mtaStsCacheFile = "";

    @Metadata(autowired = true, description = "The MX resolver; by default dnsjava with dnsServers. Tests replace it.")
    private io.mailhub.relay.dns.MxResolver mxResolver;

    @Metadata(autowired = true, description = "The transport that opens connections; tests replace it.")
    private SmtpTransport transport = SmtpTransport.PLAIN;

    @Metadata(description = "Where the relay counts attempts and connect failures (Micrometer); none: not counted.")
    private io.micrometer.core.instrument.MeterRegistry meterRegistry;

    public SmtpRelayConfiguration copy() {
        try {
            return (SmtpRelayConfiguration) clone();
        } catch (CloneNotSupportedException e) {
            throw new RuntimeCamelException(e);
        }
    }

    Timeouts timeouts() {
        return new Timeouts(connectTimeout, commandTimeout, finalReplyTimeout);
    }

    public String getSmartHost() {
        return smartHost;
    }

    /** The next hop as host:port or [host]:port; empty means MX delivery. */
    public void setSmartHost(String smartHost) {
        this.smartHost = smartHost == null ? "" : smartHost.trim();
    }

    public int getPort() {
        return port;
    }

    /** Port used when the smart host gives none (default 25). */
    public void setPort(int port) {
        this.port = port;
    }

    public String getOwnPorts() {
        return ownPorts;
    }

    public void setOwnPorts(String ownPorts) {
        this.ownPorts = ownPorts;
    }

    /** {@link #getOwnPorts()} as numbers; a word that is not a port is an error. */
    java.util.Set<Integer> ownPorts() {
        java.util.Set<Integer> ports = new java.util.HashSet<>();
        for (String p : ownPorts.split("[,\\s]+")) {
            if (!p.isEmpty()) {
                try {
                    ports.add(Integer.parseInt(p));
                } catch (NumberFormatException e) {
                    throw new RuntimeCamelException("ownPorts: '" + p + "' is not a port number");
                }
            }
        }
        return ports;
    }

    public String getHeloName() {
        return heloName;
    }

    /** The name sent in EHLO/HELO. */
    public void setHeloName(String heloName) {
        this.heloName = heloName;
    }

    public Duration getConnectTimeout() {
        return connectTimeout;
    }

    /** TCP connect timeout (default 30s). */
    public void setConnectTimeout(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public Duration getCommandTimeout() {
        return commandTimeout;
    }

    /** Timeout for the greeting and each command reply (default 5m). */
    public void setCommandTimeout(Duration commandTimeout) {
        this.commandTimeout = commandTimeout;
    }

    public Duration getFinalReplyTimeout() {
        return finalReplyTimeout;
    }

    /** Timeout for the reply after the end of the content (default 10m). */
    public void setFinalReplyTimeout(Duration finalReplyTimeout) {
        this.finalReplyTimeout = finalReplyTimeout;
    }

    public int getMaxConnectionsPerDestination() {
        return maxConnectionsPerDestination;
    }

    /** Concurrent connections per destination (default 20). */
    public void setMaxConnectionsPerDestination(int maxConnectionsPerDestination) {
        this.maxConnectionsPerDestination = maxConnectionsPerDestination;
    }

    public Duration getConnectionIdleTime() {
        return connectionIdleTime;
    }

    /** How long an idle connection is kept for reuse (default 5s). */
    public void setConnectionIdleTime(Duration connectionIdleTime) {
        this.connectionIdleTime = connectionIdleTime;
    }

    public Duration getConnectionMaxAge() {
        return connectionMaxAge;
    }

    /** Maximum age of a reused connection (default 300s). */
    public void setConnectionMaxAge(Duration connectionMaxAge) {
        this.connectionMaxAge = connectionMaxAge;
    }

    public int getMaxTransactionsPerConnection() {
        return maxTransactionsPerConnection;
    }

    /** Maximum transactions over one connection (default 100). */
    public void setMaxTransactionsPerConnection(int maxTransactionsPerConnection) {
        this.maxTransactionsPerConnection = maxTransactionsPerConnection;
    }

    public String getDnsServers() {
        return dnsServers;
    }

    /** DNS servers for MX lookups as a comma-separated host:port list; empty means the system's configuration. */
    public void setDnsServers(String dnsServers) {
        this.dnsServers = dnsServers == null ? "" : dnsServers;
    }

    public Duration getDnsTimeout() {
        return dnsTimeout;
    }

    /** Timeout of one DNS query. */
    public void setDnsTimeout(Duration dnsTimeout) {
        this.dnsTimeout = dnsTimeout;
    }

    public int getMaxMxAddresses() {
        return maxMxAddresses;
    }

    /** Most addresses of MX hosts tried in one delivery attempt. */
    public void setMaxMxAddresses(int maxMxAddresses) {
        this.maxMxAddresses = maxMxAddresses;
    }

    public String getTransportMap() {
        return transportMap;
    }

    /** A transport map file; empty for none. */
    public void setTransportMap(String transportMap) {
        this.transportMap = transportMap == null ? "" : transportMap;
    }

    public Duration getDeadDestinationTime() {
        return deadDestinationTime;
    }

    /** How long an unreachable host is skipped; 0s disables it. */
    public void setDeadDestinationTime(Duration deadDestinationTime) {
        this.deadDestinationTime = deadDestinationTime;
    }

    public io.mailhub.relay.dns.MxResolver getMxResolver() {
        return mxResolver;
    }

    /** The MX resolver; by default dnsjava with {@link #setDnsServers}. */
    public void setMxResolver(io.mailhub.relay.dns.MxResolver mxResolver) {
        this.mxResolver = mxResolver;
    }

    public io.micrometer.core.instrument.MeterRegistry getMeterRegistry() {
        return meterRegistry;
    }

    /** Where {@code mailhub_delivery_attempt_duration_seconds} and {@code mailhub_relay_connect_failures_total} go. */
    public void setMeterRegistry(io.micrometer.core.instrument.MeterRegistry meterRegistry) {
        this.meterRegistry = meterRegistry;
    }

    public SmtpTransport getTransport() {
        return transport;
    }

    /** The transport that opens connections; tests replace it. */
    public void setTransport(SmtpTransport transport) {
        this.transport = transport;
    }

    public String getTlsPolicy() {
        return tlsPolicy;
    }

    /** none, may, encrypt or verify; the default for destinations the transport map says nothing about. */
    public void setTlsPolicy(String tlsPolicy) {
        this.tlsPolicy = TlsPolicy.parse(tlsPolicy).text();
    }

    public boolean isMtaSts() {
        return mtaSts;
    }

    /** Whether MX delivery honours MTA-STS policies. */
    public void setMtaSts(boolean mtaSts) {
        this.mtaSts = mtaSts;
    }

    public String getMtaStsCacheFile() {
        return mtaStsCacheFile;
    }

    /** Where fetched MTA-STS policies are kept across restarts; empty for memory only. */
    public void setMtaStsCacheFile(String mtaStsCacheFile) {
        this.mtaStsCacheFile = mtaStsCacheFile == null ? "" : mtaStsCacheFile;
    }

    public int getMtaStsPort() {
        return mtaStsPort;
    }

    /** The HTTPS port MTA-STS policies are fetched from (443). */
    public void setMtaStsPort(int mtaStsPort) {
        this.mtaStsPort = mtaStsPort;
    }

    public String getTlsTrustAnchors() {
        return tlsTrustAnchors;
    }

    /** A PEM file of trusted CA certificates for tls=verify; empty for the JDK's default trust store. */
    public void setTlsTrustAnchors(String tlsTrustAnchors) {
        this.tlsTrustAnchors = tlsTrustAnchors == null ? "" : tlsTrustAnchors;
    }
}
