package io.mailhub.policy;

import io.mailhub.config.SettingsReader;
import io.mailhub.model.SyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * DNS blocklists checked when a client connects to the MX listener ({@code mailhub.dnsbl.zones},
 * {@code mailhub.dnsbl.allow}).
 *
 * @param zones the blocklists, in order; empty: none
 * @param allow networks never looked up (besides {@code mailhub.relay.trusted-networks})
 */
public record DnsblSettings(List<Dnsbl.Zone> zones, NetworkList allow) {

    public static final Map<String, String> KEYS = SettingsReader.defaults(
            "mailhub.dnsbl.zones", "",
            "mailhub.dnsbl.allow", "");

    public static DnsblSettings read(SettingsReader r) {
        return new DnsblSettings(r.parse("mailhub.dnsbl.zones", DnsblSettings::zones),
                r.parse("mailhub.dnsbl.allow", NetworkList::parse));
    }

    /**
     * {@code zen.spamhaus.org=127.0.0.2-127.0.0.11, bl.example=127.0.0.2|127.0.0.4}: a zone, and optionally the
     * answers that mean "listed" (addresses and ranges joined by {@code |}); without them any 127.0.0.0/8 answer does.
     */
    static List<Dnsbl.Zone> zones(String text) throws SyntaxException {
        List<Dnsbl.Zone> zones = new ArrayList<>();
        for (String entry : text.split(",")) {
            String e = entry.strip();
            if (e.isEmpty()) {
                continue;
            }
            int eq = e.indexOf('=');
            String zone = (eq < 0 ? e : e.substring(0, eq)).strip().toLowerCase(java.util.Locale.ROOT);
            if (!zone.matches("([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z0-9-]{2,63}")) {
                throw new SyntaxException("'" + zone + "' is not a DNS zone name");
            }
            List<long[]> codes = new ArrayList<>();
            if (eq >= 0) {
                for (String code : e.substring(eq + 1).split("\\|")) {
                    String[] range = code.strip().split("-", 2);
                    long from = ipv4(range[0].strip());
                    long to = range.length == 2 ? ipv4(range[1].strip()) : from;
                    if (to < from) {
                        throw new SyntaxException("the range " + code.strip() + " of " + zone + " is empty");
                    }
                    codes.add(new long[] {from, to});
                }
            }
            zones.add(new Dnsbl.Zone(zone, List.copyOf(codes)));
        }
        return List.copyOf(zones);
    }

    static long ipv4(String text) throws SyntaxException {
        String[] p = text.split("\\.");
        if (p.length != 4) {
            throw new SyntaxException("'" + text + "' is not an IPv4 address (a blocklist answer such as 127.0.0.2)");
        }
        long v = 0;
        for (String octet : p) {
            try {
                int o = Integer.parseInt(octet);
                if (o < 0 || o > 255) {
                    throw new NumberFormatException();
                }
                v = v << 8 | o;
            } catch (NumberFormatException ex) {
                throw new SyntaxException("'" + text + "' is not an IPv4 address (a blocklist answer such as 127.0.0.2)");
            }
        }
        return v;
    }
}
