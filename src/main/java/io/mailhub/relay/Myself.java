package io.mailhub.relay;

import io.mailhub.model.Ascii;
import io.mailhub.model.SmtpReply;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Set;

/**
 * This hub as a next hop would see it, so that the relay never delivers to itself (Postfix's "mail for X loops back to
 * myself"): its name, sent in EHLO and expected in the greeting and EHLO reply of a server that is this hub, and the
 * ports it listens on, which at one of this machine's addresses are this hub.
 *
 * @param name the EHLO name (our host name)
 * @param ports the ports of our own SMTP listeners; empty when the relay does not know them
 */
record Myself(String name, Set<Integer> ports) {

    Myself {
        ports = Set.copyOf(ports);
    }

    /** Whether a connection to {@code remote} reached one of our own listeners. */
    boolean isAt(InetSocketAddress remote) {
        if (!ports.contains(remote.getPort())) {
            return false;
        }
        InetAddress a = remote.getAddress();
        if (a.isLoopbackAddress() || a.isAnyLocalAddress()) {
            return true;
        }
        try {
            return NetworkInterface.getByInetAddress(a) != null;
        } catch (SocketException e) {
            return false;
        }
    }

    /**
     * Whether a greeting or EHLO reply names us (RFC 5321 section 4.1.1.1 and 4.2: the first word after the code is
     * the server's name): a server that calls itself by our name is us, or behaves as if it were.
     */
    boolean isNamedIn(SmtpReply reply) {
        String first = reply.lines().isEmpty() ? "" : reply.lines().get(0).strip();
        int space = first.indexOf(' ');
        String word = space < 0 ? first : first.substring(0, space);
        return Ascii.equalsIgnoreCase(word, name);
    }
}
