package io.mailhub.relay.dns;

import java.net.InetAddress;
import java.util.List;
import java.util.Locale;

/**
 * One mail exchanger and the addresses to connect to.
 *
 * @param name the host name, lower case and without a trailing dot; for an implicit MX (RFC 5321 section 5.1), the
 *     domain itself
 * @param preference the MX preference (lower is tried first); 0 for an implicit MX
 * @param addresses never empty: the IPv4 (A) addresses first, then the IPv6 (AAAA) ones, each family in the order the
 *     DNS server sent them. IPv4 comes first because it works on every host, while many containers and hosts have an
 *     IPv6 address but no IPv6 route, and would wait for a connect timeout on each MX before falling back.
 */
public record MxHost(String name, int preference, List<InetAddress> addresses) {

    public MxHost {
        if (name.isEmpty() || name.endsWith(".") || !name.equals(name.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("host name must be lower case without a trailing dot: '" + name + "'");
        }
        if (preference < 0 || preference > 65535) {
            throw new IllegalArgumentException("MX preference outside 0..65535: " + preference);
        }
        addresses = List.copyOf(addresses);
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("mail exchanger " + name + " has no address");
        }
    }

    /** Postfix's log notation: {@code mx1.example.com[192.0.2.1, 2001:db8::1] (10)}. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(name).append('[');
        for (int i = 0; i < addresses.size(); i++) {
            s.append(i == 0 ? "" : ", ").append(addresses.get(i).getHostAddress());
        }
        return s.append("] (").append(preference).append(')').toString();
    }
}
