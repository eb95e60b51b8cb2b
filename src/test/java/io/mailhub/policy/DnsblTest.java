package io.mailhub.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailhub.authres.Dns;
import io.mailhub.model.SyntaxException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DnsblTest {

    /** A resolver that answers from a map, records the names asked, and fails for names under "down.test". */
    static final class FakeDns implements Dns {
        final Map<String, String> a;
        final Map<String, String> txt;
        final List<String> asked = new ArrayList<>();

        FakeDns(Map<String, String> a, Map<String, String> txt) {
            this.a = a;
            this.txt = txt;
        }

        @Override
        public List<String> txt(String name) {
            return txt.containsKey(name) ? List.of(txt.get(name)) : List.of();
        }

        @Override
        public List<InetAddress> addresses(String name) throws DnsFailure {
            asked.add(name);
            if (name.endsWith(".down.test")) {
                throw new DnsFailure("timed out");
            }
            try {
                return a.containsKey(name) ? List.of(InetAddress.getByName(a.get(name))) : List.of();
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public List<String> mx(String name) {
            return List.of();
        }
    }

    private static SessionFacts client(String ip) throws Exception {
        InetAddress a = InetAddress.getByName(ip);
        return new SessionFacts() {
            @Override
            public InetAddress clientAddress() {
                return a;
            }

            @Override
            public String helo() {
                return null;
            }

            @Override
            public String authUser() {
                return null;
            }

            @Override
            public boolean tls() {
                return false;
            }
        };
    }

    private static Dnsbl dnsbl(String zones, String allow, FakeDns dns) throws SyntaxException {
        return new Dnsbl(new DnsblSettings(DnsblSettings.zones(zones), NetworkList.parse(allow)),
                NetworkList.parse("127.0.0.0/8"), dns);
    }

    @Test
    void aListedClientIsRefusedWithTheZoneAndItsTextAndOthersPass() throws Exception {
        FakeDns dns = new FakeDns(Map.of("5.113.0.203.bl.test", "127.0.0.2"),
                Map.of("5.113.0.203.bl.test", "Listed: see http://bl.test/?203.0.113.5"));
        Dnsbl d = dnsbl("bl.test", "", dns);

        HookResult listed = d.connect(client("203.0.113.5"));
        assertThat(listed.isReject()).isTrue();
        assertThat(listed.reply().toString()).isEqualTo("554 5.7.1 Service unavailable; client [203.0.113.5] blocked"
                + " using bl.test: Listed: see http://bl.test/?203.0.113.5");
        assertThat(d.connect(client("203.0.113.6")).isReject()).isFalse();
    }

    @Test
    void onlyTheZonesListedCodesCountAndTrustedOrAllowedClientsAreNeverLookedUp() throws Exception {
        FakeDns dns = new FakeDns(Map.of("5.113.0.203.zen.test", "127.0.0.10", "6.113.0.203.zen.test", "127.0.0.4"),
                Map.of());
        Dnsbl d = dnsbl("zen.test=127.0.0.2-127.0.0.7|127.255.255.254", "198.51.100.0/24", dns);

        assertThat(d.connect(client("203.0.113.5")).isReject()).as("127.0.0.10: a policy list not used").isFalse();
        assertThat(d.connect(client("203.0.113.6")).isReject()).isTrue();
        assertThat(d.connect(client("198.51.100.9")).isReject()).isFalse();
        assertThat(d.connect(client("127.0.0.9")).isReject()).isFalse();
        assertThat(dns.asked).containsExactly("5.113.0.203.zen.test", "6.113.0.203.zen.test");
    }

    @Test
    void aBlocklistThatDoesNotAnswerLetsTheClientInAndTheNextZoneIsAsked() throws Exception {
        FakeDns dns = new FakeDns(Map.of("5.113.0.203.bl.test", "127.0.0.2"), Map.of());
        Dnsbl d = dnsbl("down.test, bl.test", "", dns);

        assertThat(d.connect(client("203.0.113.5")).isReject()).isTrue();
        assertThat(dns.asked).containsExactly("5.113.0.203.down.test", "5.113.0.203.bl.test");
    }

    @Test
    void ipv6ClientsAreLookedUpByNibbles() throws Exception {
        assertThat(Dnsbl.reversed(InetAddress.getByName("2001:db8::1"))).isEqualTo(
                "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2");
    }

    @Test
    void aBadZoneListIsRefusedWithWhatIsWrong() {
        assertThatThrownBy(() -> DnsblSettings.zones("bl.test=127.0.0")).hasMessageContaining("'127.0.0' is not an"
                + " IPv4 address");
        assertThatThrownBy(() -> DnsblSettings.zones("not a zone")).hasMessageContaining("is not a DNS zone name");
        assertThatThrownBy(() -> DnsblSettings.zones("bl.test=127.0.0.9-127.0.0.2")).hasMessageContaining("is empty");
    }
}
