package io.mailhub.policy;

import io.mailhub.authres.Dns;
import io.mailhub.model.SmtpReply;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DNS blocklists at connect (RFC 5782), for the MX listener: the client's address reversed under each zone; an answer
 * among the zone's listed codes refuses the connection with {@code 554 5.7.1} and the zone's TXT text, as Postfix's
 * {@code reject_rbl_client} does. Trusted and allowed networks are never looked up. A lookup that fails (timeout,
 * SERVFAIL) lets the client in and is logged: a blocklist outage must not stop mail. Answers are cached for their TTL
 * by the resolver.
 */
public final class Dnsbl implements ConnectHook {

    private static final Logger LOG = LoggerFactory.getLogger("io.mailhub.policy");

    /**
     * A blocklist.
     *
     * @param name the zone, such as {@code zen.spamhaus.org}
     * @param codes the answers that mean "listed" as IPv4 ranges; empty: any answer in 127.0.0.0/8
     */
    public record Zone(String name, List<long[]> codes) {

        boolean lists(InetAddress answer) {
            if (!(answer instanceof Inet4Address)) {
                return false;
            }
            byte[] b = answer.getAddress();
            long v = (b[0] & 0xffL) << 24 | (b[1] & 0xffL) << 16 | (b[2] & 0xffL) << 8 | (b[3] & 0xffL);
            if (codes.isEmpty()) {
                return (b[0] & 0xff) == 127;
            }
            return codes.stream().anyMatch(r -> v >= r[0] && v <= r[1]);
        }
    }

    private final List<Zone> zones;
    private final NetworkList exempt;
    private final NetworkList allow;
    private final Dns dns;

    public Dnsbl(DnsblSettings settings, NetworkList trusted, Dns dns) {
        this.zones = settings.zones();
        this.exempt = trusted;
        this.allow = settings.allow();
        this.dns = dns;
    }

    @Override
    public HookResult connect(SessionFacts session) {
        InetAddress client = session.clientAddress();
        if (exempt.contains(client) || allow.contains(client)) {
            return HookResult.next();
        }
        String reversed = reversed(client);
        for (Zone z : zones) {
            String name = reversed + "." + z.name();
            try {
                List<InetAddress> answers = dns.addresses(name);
                InetAddress hit = answers.stream().filter(z::lists).findFirst().orElse(null);
                if (hit == null) {
                    continue;
                }
                List<String> txt = dns.txt(name);
                String why = txt.isEmpty() ? "" : ": " + txt.get(0);
                LOG.info("NOQUEUE: [{}] listed in {} ({}){}", client.getHostAddress(), z.name(),
                        hit.getHostAddress(), why);
                return HookResult.reject(SmtpReply.of(554, "5.7.1", "Service unavailable; client ["
                        + client.getHostAddress() + "] blocked using " + z.name() + why));
            } catch (Dns.DnsFailure e) {
                LOG.warn("[{}]: blocklist {} not answering ({}); the client is let in", client.getHostAddress(),
                        z.name(), e.getMessage());
            }
        }
        return HookResult.next();
    }

    /** {@code 2.0.0.127} for 127.0.0.2; nibbles for IPv6 (RFC 5782 section 2.4). */
    static String reversed(InetAddress a) {
        byte[] b = a.getAddress();
        StringBuilder sb = new StringBuilder();
        if (a instanceof Inet6Address) {
            for (int i = b.length - 1; i >= 0; i--) {
                sb.append(Character.forDigit(b[i] & 0xf, 16)).append('.')
                        .append(Character.forDigit((b[i] >> 4) & 0xf, 16)).append('.');
            }
        } else {
            for (int i = b.length - 1; i >= 0; i--) {
                sb.append(b[i] & 0xff).append('.');
            }
        }
        return sb.substring(0, sb.length() - 1);
    }
}
