package io.mailhub.ingress.http;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A deadline for each request's arrival, as the SMTP listener has one for each command line: a connection waiting for
 * a request (since it opened, TLS handshake included, or since its last answer) is closed once it has waited
 * {@code mailhub.http.idle-timeout}, however many bytes of a request header it received meanwhile. Jetty's idle timeout
 * alone restarts with every byte, so a client sending one header byte just under every timeout kept its connection
 * for hours. A request body, while it is read, has the deadline {@code mailhub.http.idle-timeout} plus one second for
 * every {@code mailhub.http.min-data-rate} octets read (Postfix's {@code smtpd_min_data_rate}, as for SMTP content);
 * the rest of a request's handling (processing, writing the answer) is left to the idle timeout.
 *
 * <p>Connections are known by the client's address and port: the network connection opens and closes them
 * ({@link #connections()}), the request (on the inner connection, for HTTPS) marks them busy and waiting again.
 * A sweeper looks once a second.
 */
final class RequestDeadline extends Handler.Wrapper implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpListener.class);

    /** A request body being read: since when (System.nanoTime) and how many octets so far. */
    private static final class Body {
        final long since = System.nanoTime();
        volatile long octets;
        volatile boolean done;
    }

    /** A connection, and since when (System.nanoTime) it waits for a request; {@code BUSY} while one is handled. */
    private static final class Waiting {
        static final long BUSY = Long.MIN_VALUE;
        final Connection connection;
        volatile long since;
        volatile Body body;

        Waiting(Connection connection, long since) {
            this.connection = connection;
            this.since = since;
        }
    }

    private final long deadlineNanos;
    private final long minDataRate;
    private final Map<InetSocketAddress, Waiting> open = new ConcurrentHashMap<>();
    private final Map<Connection, InetSocketAddress> remotes = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper;

    /** @param minDataRate octets per second of a body that extend its deadline by a second; 0: bodies have none */
    RequestDeadline(Duration deadline, long minDataRate, Handler next) {
        super(next);
        this.deadlineNanos = deadline.toNanos();
        this.minDataRate = minDataRate;
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "http-request-deadline");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(100, Math.min(1000, deadline.toMillis() / 4));
        sweeper.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    /** The connectors' listener (a bean of each connector; the handler itself is the server's). */
    Connection.Listener connections() {
        return new Connection.Listener() {
            @Override
            public void onOpened(Connection connection) {
                EndPoint e = connection.getEndPoint();
                if (e instanceof SocketChannelEndPoint && e.getRemoteSocketAddress() instanceof InetSocketAddress r) {
                    remotes.put(connection, r); // a closed end point no longer knows its address
                    open.put(r, new Waiting(connection, System.nanoTime()));
                }
            }

            @Override
            public void onClosed(Connection connection) {
                InetSocketAddress remote = remotes.remove(connection);
                if (remote != null) {
                    open.remove(remote);
                }
            }
        };
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        Waiting w = waiting(request.getConnectionMetaData().getRemoteSocketAddress());
        if (w == null) {
            return super.handle(request, response, callback);
        }
        w.since = Waiting.BUSY;
        Request counted = request;
        w.body = null;
        if (minDataRate > 0 && hasBody(request)) {
            Body body = new Body();
            w.body = body;
            counted = new Request.Wrapper(request) {
                @Override
                public Content.Chunk read() {
                    Content.Chunk c = super.read();
                    if (c != null) {
                        body.octets += c.remaining();
                        body.done |= c.isLast() || Content.Chunk.isFailure(c);
                    }
                    return c;
                }
            };
        }
        // waiting again before the answer completes: Jetty may take a pipelined request at once, which marks it busy
        Callback again = Callback.from(() -> {
            w.body = null;
            w.since = System.nanoTime();
        }, callback);
        boolean handled;
        try {
            handled = super.handle(counted, response, again);
        } catch (Exception | Error e) {
            w.since = System.nanoTime();
            throw e;
        }
        if (!handled) {
            w.since = System.nanoTime(); // Jetty answers 404 itself
        }
        return handled;
    }

    private static boolean hasBody(Request request) {
        return request.getLength() > 0 || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
    }

    private Waiting waiting(SocketAddress remote) {
        return remote instanceof InetSocketAddress a ? open.get(a) : null;
    }

    private void sweep() {
        long now = System.nanoTime();
        open.forEach((remote, w) -> {
            long since = w.since;
            Body body = w.body;
            if (!w.connection.getEndPoint().isOpen()) {
                return;
            }
            if (since != Waiting.BUSY && now - since > deadlineNanos) {
                LOG.info("closed HTTP connection from [{}]: no complete request within {} s of waiting for one"
                        + " (mailhub.http.idle-timeout)", remote.getAddress().getHostAddress(),
                        TimeUnit.NANOSECONDS.toSeconds(deadlineNanos));
                w.connection.getEndPoint().close();
            } else if (since == Waiting.BUSY && body != null && !body.done
                    && now - body.since > deadlineNanos + body.octets * 1_000_000_000L / minDataRate) {
                LOG.info("closed HTTP connection from [{}]: request body too slow, {} octets in {} s"
                        + " (mailhub.http.min-data-rate {} octets/s after mailhub.http.idle-timeout)",
                        remote.getAddress().getHostAddress(), body.octets,
                        TimeUnit.NANOSECONDS.toSeconds(now - body.since), minDataRate);
                w.connection.getEndPoint().close();
            }
        });
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }
}
