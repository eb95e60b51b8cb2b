package io.mailhub.relay;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/** Opens the connection to a next hop (TCP, or a local Unix domain socket): the seam between the relay and the network. */
public interface SmtpTransport {

    Socket connect(Destination destination, int timeoutMillis) throws IOException;

    /** Plain TCP sockets, resolving the host with the system resolver; Unix domain sockets for {@code unix:} hops. */
    SmtpTransport PLAIN = (destination, timeoutMillis) -> {
        if (destination.socket() != null) {
            return UnixSocket.connect(destination.socket());
        }
        Socket socket = new Socket();
        try {
            socket.connect(destination.address() != null
                    ? new InetSocketAddress(destination.address(), destination.port())
                    : new InetSocketAddress(destination.host(), destination.port()), timeoutMillis);
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    };
}
