package io.mailhub.relay;

import io.mailhub.model.SyntaxException;
import java.net.InetAddress;
import java.nio.file.Path;

/**
 * Where to connect: a host name or address literal and a port, and for an MX host the address DNS gave us (so the
 * connection goes exactly there, while the name is used for greetings, logs, SNI and certificate checks). Written
 * {@code host:port}, {@code [host]:port} or {@code [2001:db8::1]:port} (Postfix's relayhost notation).
 *
 * @param address the address to connect to, or {@code null} to resolve {@code host} with the system resolver
 * @param mxPreference the MX preference when the host came from an MX lookup, else {@code null}: where the host came
 *     from, for the event log, not where to connect, so it takes no part in {@link #equals} (pooled connections and
 *     dead marks are shared by equal host, port and address)
 * @param socket a Unix domain socket to connect to instead of host and port (an LMTP server on this machine,
 *     {@link #unix}), else {@code null}
 */
public record Destination(String host, int port, InetAddress address, Integer mxPreference, Path socket) {

    /** The name a local socket's server goes by in greetings, logs and reports (Postfix says the same). */
    static final String LOCAL_HOST = "localhost";

    public Destination {
        if (host.isEmpty() || port < 1 || port > 65535) {
            throw new IllegalArgumentException("bad destination " + host + ":" + port);
        }
        if (socket != null && !socket.isAbsolute()) {
            throw new IllegalArgumentException("a socket path must be absolute: " + socket);
        }
    }

    public Destination(String host, int port, InetAddress address, Integer mxPreference) {
        this(host, port, address, mxPreference, null);
    }

    public Destination(String host, int port, InetAddress address) {
        this(host, port, address, null);
    }

    /**
     * A server on this machine behind the Unix domain socket {@code path}, written {@code unix:/path} (Postfix'
     * {@code lmtp:unix:/path}; a relative path is refused, as the hub has no queue directory to resolve it in).
     */
    public static Destination unix(String path) throws SyntaxException {
        if (path.isEmpty() || !path.startsWith("/") || path.chars().anyMatch(c -> c < 0x21 || c == 0x7f)) {
            throw new SyntaxException("'unix:" + path + "' needs an absolute path to the socket (unix:/run/dovecot/lmtp)");
        }
        return new Destination(LOCAL_HOST, TransportMap.NextHopSpec.LMTP_PORT, null, null, Path.of(path));
    }

    public Destination(String host, int port) {
        this(host, port, null);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Destination d && host.equals(d.host) && port == d.port
                && java.util.Objects.equals(address, d.address) && java.util.Objects.equals(socket, d.socket);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(host, port, address, socket);
    }

    public static Destination parse(String text, int defaultPort) throws SyntaxException {
        String s = text.trim();
        String host;
        String portText = null;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw new SyntaxException("'" + text + "' lacks ']'");
            }
            host = s.substring(1, close);
            String rest = s.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new SyntaxException("'" + text + "' is not host:port");
                }
                portText = rest.substring(1);
            }
        } else {
            int colon = s.lastIndexOf(':');
            if (colon >= 0 && s.indexOf(':') == colon) {
                host = s.substring(0, colon);
                portText = s.substring(colon + 1);
            } else {
                host = s;
            }
        }
        if (host.isEmpty() || !host.matches("[A-Za-z0-9.:_-]+")) {
            throw new SyntaxException("'" + text + "' has no valid host");
        }
        int port = defaultPort;
        if (portText != null) {
            try {
                port = Integer.parseInt(portText);
            } catch (NumberFormatException e) {
                throw new SyntaxException("'" + text + "' has a bad port");
            }
            if (port < 1 || port > 65535) {
                throw new SyntaxException("'" + text + "' has a port outside 1..65535");
            }
        }
        return new Destination(host, port);
    }

    @Override
    public String toString() {
        if (socket != null) {
            return "unix:" + socket;
        }
        String name = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return address == null ? name + ":" + port : name + "[" + address.getHostAddress() + "]:" + port;
    }
}
