package io.mailhub.relay.dns;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Parses the DNS server setting: a comma-separated list of {@code address:port} entries, e.g.
 * {@code 127.0.0.1:5353, [::1]:53, 192.0.2.53}. The port defaults to 53; an IPv6 address with a port is written in
 * brackets. Servers are given as addresses, never names (a name would need DNS to find DNS).
 */
public final class DnsServers {

    static final int DEFAULT_PORT = 53;

    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

    private DnsServers() {}

    /** Returns the servers in the order written; empty for an empty or blank setting. */
    public static List<InetSocketAddress> parse(String setting) {
        List<InetSocketAddress> servers = new ArrayList<>();
        if (setting == null || setting.isBlank()) {
            return servers;
        }
        for (String entry : setting.split(",", -1)) {
            servers.add(parseEntry(entry.trim(), setting));
        }
        return servers;
    }

    private static InetSocketAddress parseEntry(String entry, String setting) {
        if (entry.isEmpty()) {
            throw bad(entry, "empty entry in '" + setting + "'");
        }
        String host;
        String port = null;
        if (entry.startsWith("[")) {
            int close = entry.indexOf(']');
            if (close < 0) {
                throw bad(entry, "lacks ']'");
            }
            host = entry.substring(1, close);
            String rest = entry.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw bad(entry, "expected ':port' after ']'");
                }
                port = rest.substring(1);
            }
            if (host.indexOf(':') < 0) {
                throw bad(entry, "only IPv6 addresses go in brackets");
            }
        } else if (entry.indexOf(':') != entry.lastIndexOf(':')) {
            host = entry; // a bare IPv6 address, default port
        } else {
            int colon = entry.indexOf(':');
            host = colon < 0 ? entry : entry.substring(0, colon);
            port = colon < 0 ? null : entry.substring(colon + 1);
        }
        return new InetSocketAddress(address(host, entry), port(port, entry));
    }

    private static InetAddress address(String host, String entry) {
        if (host.indexOf(':') < 0) {
            var m = IPV4.matcher(host);
            if (!m.matches()) {
                throw bad(entry, "'" + host + "' is not an IP address (give DNS servers as addresses, not names)");
            }
            for (int i = 1; i <= 4; i++) {
                if (Integer.parseInt(m.group(i)) > 255) {
                    throw bad(entry, "'" + host + "' is not an IPv4 address");
                }
            }
        } else if (!host.matches("[0-9A-Fa-f:.]+")) {
            throw bad(entry, "'" + host + "' is not an IPv6 address");
        }
        try {
            // a literal, never looked up: brackets make Java parse an IPv6 literal or fail
            return InetAddress.getByName(host.indexOf(':') < 0 ? host : "[" + host + "]");
        } catch (UnknownHostException e) {
            throw bad(entry, "'" + host + "' is not an IP address");
        }
    }

    private static int port(String text, String entry) {
        if (text == null) {
            return DEFAULT_PORT;
        }
        try {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw bad(entry, "port '" + text + "' is not a number in 1..65535");
    }

    private static IllegalArgumentException bad(String entry, String why) {
        return new IllegalArgumentException("bad DNS server '" + entry + "': " + why);
    }
}
