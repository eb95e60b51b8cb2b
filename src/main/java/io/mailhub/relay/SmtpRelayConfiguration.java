package io.mailhub.relay;

import java.time.Duration;
import org.apache.camel.RuntimeCamelException;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;

/** Options of the smtp-relay component; each can be set on the component or per endpoint URI. */
@UriParams
public class SmtpRelayConfiguration implements Cloneable {

    @UriParam(description = "The next hop as host:port or [host]:port. Empty means MX delivery (not yet available).")
    private String smartHost = "";

    @UriParam(defaultValue = "25", description = "Port used when the smart host gives none.")
    private int port = 25;

    @UriParam(description = "The name sent in EHLO/HELO; defaults to the local host name.")
    private String heloName;

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

    @Metadata(autowired = true, description = "The transport that opens connections; tests replace it.")
    private SmtpTransport transport = SmtpTransport.PLAIN;

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

    public SmtpTransport getTransport() {
        return transport;
    }

    /** The transport that opens connections; tests replace it. */
    public void setTransport(SmtpTransport transport) {
        this.transport = transport;
    }
}
