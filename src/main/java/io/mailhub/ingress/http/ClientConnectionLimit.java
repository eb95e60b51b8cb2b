package io.mailhub.ingress.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Open HTTP connections per client address (Postfix's {@code smtpd_client_connection_count_limit}, for the HTTP
 * listener): a client outside the trusted networks with {@code limit} connections open gets its next one answered
 * {@code 429} with a problem ({@link OverLimitAnswer}) and closed, and that connection is closed after
 * {@value #OVER_LIMIT_IDLE_MS} ms without a request, so that one address cannot hold every connection or thread with
 * idle or slow requests. Counted on the network connection only (an HTTPS connection's decrypted inner connection is
 * not counted again); the answer goes on the inner one, recognised by the client's address and port.
 */
final class ClientConnectionLimit implements Connection.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(HttpListener.class);
    private static final long LOG_EVERY_NANOS = 60_000_000_000L;
    /** How long a connection over the limit may take to send its request (or its TLS handshake). */
    static final long OVER_LIMIT_IDLE_MS = 2_000;

    private final int limit;
    private final Predicate<InetAddress> exempt;
    private final Map<InetAddress, Integer> open = new ConcurrentHashMap<>();
    private final Map<Connection, InetSocketAddress> counted = new ConcurrentHashMap<>();
    private final java.util.Set<InetSocketAddress> overLimit = ConcurrentHashMap.newKeySet();
    private final Map<InetAddress, Long> lastLogged = new ConcurrentHashMap<>();

    /** @param exempt addresses without a limit (the trusted networks) */
    ClientConnectionLimit(int limit, Predicate<InetAddress> exempt) {
        this.limit = limit;
        this.exempt = exempt;
    }

    @Override
    public void onOpened(Connection connection) {
        InetSocketAddress remote = remote(connection.getEndPoint());
        if (remote == null || exempt.test(remote.getAddress())) {
            return;
        }
        InetAddress client = remote.getAddress();
        counted.put(connection, remote); // a closed end point no longer knows its address
        int n = open.merge(client, 1, Integer::sum);
        if (n > limit) {
            long now = System.nanoTime();
            Long last = lastLogged.get(client);
            if (last == null || now - last > LOG_EVERY_NANOS) {
                lastLogged.put(client, now);
                LOG.warn("refused HTTP connection from [{}]: {} connections from this address already open, answered"
                        + " 429 (mailhub.http.connections-per-client; logged at most once a minute per address)",
                        client.getHostAddress(), limit);
            }
            overLimit.add(remote);
            EndPoint e = connection.getEndPoint();
            e.setIdleTimeout(e.getIdleTimeout() > 0 ? Math.min(e.getIdleTimeout(), OVER_LIMIT_IDLE_MS)
                    : OVER_LIMIT_IDLE_MS);
        }
    }

    /** Whether the connection from {@code remote} (the client's address and port) came over the limit. */
    boolean isOverLimit(SocketAddress remote) {
        return remote instanceof InetSocketAddress a && overLimit.contains(a);
    }

    int limit() {
        return limit;
    }

    @Override
    public void onClosed(Connection connection) {
        InetSocketAddress remote = counted.remove(connection);
        if (remote == null) {
            return;
        }
        overLimit.remove(remote);
        InetAddress client = remote.getAddress();
        if (open.computeIfPresent(client, (k, n) -> n <= 1 ? null : n - 1) == null) {
            lastLogged.remove(client); // the maps hold only addresses with connections open
        }
    }

    /** The client's address and port, for a connection on the network (not a TLS connection's decrypted one). */
    private static InetSocketAddress remote(EndPoint endPoint) {
        if (!(endPoint instanceof SocketChannelEndPoint)) {
            return null;
        }
        SocketAddress remote = endPoint.getRemoteSocketAddress();
        return remote instanceof InetSocketAddress a && a.getAddress() != null ? a : null;
    }
}
