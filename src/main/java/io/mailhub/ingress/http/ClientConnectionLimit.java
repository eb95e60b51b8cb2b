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
 * listener): a client outside the trusted networks with {@code limit} connections open has the next one closed at
 * once, before it is read, so that one address cannot hold every connection or thread with idle or slow requests.
 * Counted on the network connection only (an HTTPS connection's decrypted inner connection is not counted again).
 */
final class ClientConnectionLimit implements Connection.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(HttpListener.class);
    private static final long LOG_EVERY_NANOS = 60_000_000_000L;

    private final int limit;
    private final Predicate<InetAddress> exempt;
    private final Map<InetAddress, Integer> open = new ConcurrentHashMap<>();
    private final Map<Connection, InetAddress> counted = new ConcurrentHashMap<>();
    private final Map<InetAddress, Long> lastLogged = new ConcurrentHashMap<>();

    /** @param exempt addresses without a limit (the trusted networks) */
    ClientConnectionLimit(int limit, Predicate<InetAddress> exempt) {
        this.limit = limit;
        this.exempt = exempt;
    }

    @Override
    public void onOpened(Connection connection) {
        InetAddress client = client(connection.getEndPoint());
        if (client == null || exempt.test(client)) {
            return;
        }
        counted.put(connection, client); // a closed end point no longer knows its address
        int n = open.merge(client, 1, Integer::sum);
        if (n > limit) {
            long now = System.nanoTime();
            Long last = lastLogged.get(client);
            if (last == null || now - last > LOG_EVERY_NANOS) {
                lastLogged.put(client, now);
                LOG.warn("refused HTTP connection from [{}]: {} connections from this address already open"
                        + " (mailhub.http.connections-per-client; logged at most once a minute per address)",
                        client.getHostAddress(), limit);
            }
            connection.getEndPoint().close();
        }
    }

    @Override
    public void onClosed(Connection connection) {
        InetAddress client = counted.remove(connection);
        if (client != null && open.computeIfPresent(client, (k, n) -> n <= 1 ? null : n - 1) == null) {
            lastLogged.remove(client); // the maps hold only addresses with connections open
        }
    }

    /** The client's address, for a connection on the network (not for a TLS connection's decrypted inner one). */
    private static InetAddress client(EndPoint endPoint) {
        if (!(endPoint instanceof SocketChannelEndPoint)) {
            return null;
        }
        SocketAddress remote = endPoint.getRemoteSocketAddress();
        return remote instanceof InetSocketAddress a ? a.getAddress() : null;
    }
}
