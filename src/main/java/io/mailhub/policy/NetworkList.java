package io.mailhub.policy;

import io.mailhub.model.SyntaxException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * A list of networks in CIDR notation ({@code 127.0.0.0/8, ::1/128, 192.0.2.7}), IPv4 and IPv6. An IPv4-mapped IPv6
 * client address ({@code ::ffff:192.0.2.7}) matches the IPv4 networks.
 */
public final class NetworkList {

    private record Network(byte[] address, int prefix) {
        boolean contains(byte[] candidate) {
            if (candidate.length != address.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (candidate[i] != address[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (candidate[full] & mask) == (address[full] & mask);
        }
    }

    private final List<Network> networks;
    private final String text;

    private NetworkList(List<Network> networks, String text) {
        this.networks = List.copyOf(networks);
        this.text = text;
    }

    /** The list that contains no address. */
    public static NetworkList empty() {
        return new NetworkList(List.of(), "");
    }

    /** Parses a comma- or space-separated list; an empty text is an empty list. */
    public static NetworkList parse(String text) throws SyntaxException {
        List<Network> list = new ArrayList<>();
        for (String item : text.trim().split("[,\\s]+")) {
            if (!item.isEmpty()) {
                list.add(network(item));
            }
        }
        return new NetworkList(list, text.trim());
    }

    private static Network network(String item) throws SyntaxException {
        int slash = item.indexOf('/');
        String host = slash < 0 ? item : item.substring(0, slash);
        if (!host.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
            throw new SyntaxException("'" + item + "' is not a network (expected CIDR such as 10.0.0.0/8 or ::1/128)");
        }
        if (host.indexOf(':') < 0 && !io.mailhub.model.SmtpPath.isIpv4(host)) {
            // checked before InetAddress, which would look up a text such as 300.0.0.0 in the DNS
            throw new SyntaxException("'" + item + "' is not a full IPv4 address");
        }
        byte[] address;
        try {
            address = InetAddress.getByName(host).getAddress();
        } catch (UnknownHostException e) {
            throw new SyntaxException("'" + item + "' is not a network address");
        }
        int max = address.length * 8;
        int prefix = max;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(item.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new SyntaxException("'" + item + "' has a bad prefix length");
            }
            if (prefix < 0 || prefix > max) {
                throw new SyntaxException("'" + item + "' has a prefix length outside 0.." + max);
            }
        }
        return new Network(address, prefix);
    }

    public boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        byte[] v4 = mappedIpv4(bytes);
        for (Network n : networks) {
            if (n.contains(bytes) || (v4 != null && n.contains(v4))) {
                return true;
            }
        }
        return false;
    }

    private static byte[] mappedIpv4(byte[] b) {
        if (b.length != 16) {
            return null;
        }
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return null;
            }
        }
        if (b[10] != (byte) 0xff || b[11] != (byte) 0xff) {
            return null;
        }
        return new byte[] {b[12], b[13], b[14], b[15]};
    }

    @Override
    public String toString() {
        return text;
    }
}
