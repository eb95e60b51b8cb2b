package io.mailhub.relay.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailhub.testing.Dnsmasq;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Against a real DNS server: dnsmasq on loopback serving the records each test names. */
class DnsjavaMxResolverIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private static Dnsmasq dns;
    private static MxResolver resolver;

    @BeforeAll
    static void startDns() throws Exception {
        Dnsmasq.Builder zone = Dnsmasq.builder()
                // two preferences, two hosts at the first
                .mx("prio.test", "a.prio.test", 10)
                .mx("prio.test", "b.prio.test", 10)
                .mx("prio.test", "c.prio.test", 20)
                .host("a.prio.test", "127.0.0.11")
                .host("b.prio.test", "127.0.0.12")
                .host("c.prio.test", "127.0.0.13")
                // implicit MX
                .host("a-only.test", "127.0.0.21")
                .host("aaaa-only.test", "2001:db8::22")
                .txt("nothing.test", "no mail here")
                // addresses of both families
                .mx("dual.test", "mx.dual.test", 10)
                .host("mx.dual.test", "2001:db8::31", "127.0.0.31", "127.0.0.32")
                .nullMx("null.test")
                // MX hosts without addresses
                .mx("partial.test", "ghost.partial.test", 10)
                .mx("partial.test", "mx.partial.test", 20)
                .host("mx.partial.test", "127.0.0.41")
                .mx("ghosts.test", "ghost1.ghosts.test", 10)
                .mx("ghosts.test", "ghost2.ghosts.test", 20)
                // MX hosts whose address lookups fail
                .mx("lame.test", "mx.broken.example", 10)
                .mx("half-lame.test", "mx.broken.example", 10)
                .mx("half-lame.test", "mx.half-lame.test", 20)
                .host("mx.half-lame.test", "127.0.0.51")
                .servfail("broken.example")
                .refused("refused.test");
        for (int i = 1; i <= 12; i++) {
            zone.mx("many.test", "mx" + i + ".many.test", i).host("mx" + i + ".many.test", "127.0.1." + i);
        }
        dns = zone.start();
        resolver = new DnsjavaMxResolver(List.of(dns.address()), TIMEOUT, new Random(42));
    }

    @AfterAll
    static void stopDns() {
        if (dns != null) {
            dns.close();
        }
    }

    private static MxResolution.Hosts hosts(String domain) throws InterruptedException {
        MxResolution resolution = resolver.resolve(domain);
        assertThat(resolution).as("%s (dnsmasq log:%n%s)", domain, dns.log()).isInstanceOf(MxResolution.Hosts.class);
        return (MxResolution.Hosts) resolution;
    }

    private static List<String> names(MxResolution.Hosts hosts) {
        return hosts.hosts().stream().map(MxHost::name).toList();
    }

    private static InetAddress ip(String address) throws Exception {
        return InetAddress.getByName(address);
    }

    @Test
    void mailExchangersComeInPreferenceOrderWithTheirAddresses() throws Exception {
        MxResolution.Hosts hosts = hosts("prio.test");

        assertThat(hosts.hosts()).extracting(MxHost::preference).containsExactly(10, 10, 20);
        assertThat(names(hosts).subList(0, 2)).containsExactlyInAnyOrder("a.prio.test", "b.prio.test");
        assertThat(hosts.hosts().get(2)).isEqualTo(new MxHost("c.prio.test", 20, List.of(ip("127.0.0.13"))));
    }

    @Test
    void hostsOfEqualPreferenceTakeTurnsAtBeingFirst() throws Exception {
        Set<String> first = new HashSet<>();

        for (int i = 0; i < 20; i++) {
            MxResolution.Hosts hosts = hosts("prio.test");
            first.add(hosts.hosts().get(0).name());
            assertThat(hosts.hosts().get(2).name()).isEqualTo("c.prio.test");
        }

        assertThat(first).containsExactlyInAnyOrder("a.prio.test", "b.prio.test");
    }

    @Test
    void domainNamesAreCaseInsensitiveAndMayEndWithADot() throws Exception {
        assertThat(names(hosts("PRIO.Test."))).containsExactlyInAnyOrder("a.prio.test", "b.prio.test", "c.prio.test");
    }

    @Test
    void aDomainWithOnlyAnARecordIsItsOwnMailExchanger() throws Exception {
        assertThat(hosts("a-only.test").hosts()).containsExactly(new MxHost("a-only.test", 0, List.of(ip("127.0.0.21"))));
    }

    @Test
    void aDomainWithOnlyAnAaaaRecordIsItsOwnMailExchanger() throws Exception {
        assertThat(hosts("aaaa-only.test").hosts())
                .containsExactly(new MxHost("aaaa-only.test", 0, List.of(ip("2001:db8::22"))));
    }

    @Test
    void anExchangerKeepsItsIpv4AddressesBeforeItsIpv6Ones() throws Exception {
        MxHost host = hosts("dual.test").hosts().get(0);

        assertThat(host.addresses()).hasSize(3);
        assertThat(host.addresses().subList(0, 2)).containsExactlyInAnyOrder(ip("127.0.0.31"), ip("127.0.0.32"));
        assertThat(host.addresses().get(2)).isEqualTo(ip("2001:db8::31"));
    }

    @Test
    void aNullMxMeansTheDomainAcceptsNoMail() throws Exception {
        MxResolution resolution = resolver.resolve("null.test");

        assertThat(resolution).isEqualTo(new MxResolution.NullMx("null.test"));
        assertThat(resolution.status()).isEqualTo("5.1.10");
    }

    @Test
    void aDomainThatDoesNotExistIsNoSuchDomain() throws Exception {
        MxResolution resolution = resolver.resolve("nowhere.test");

        assertThat(resolution).isEqualTo(new MxResolution.NoSuchDomain("Domain nowhere.test not found (NXDOMAIN)"));
        assertThat(resolution.status()).isEqualTo("5.1.2");
    }

    @Test
    void aDomainWithNeitherMxNorAddressRecordsIsNoSuchDomain() throws Exception {
        assertThat(resolver.resolve("nothing.test"))
                .isEqualTo(new MxResolution.NoSuchDomain("Domain nothing.test has no MX and no A or AAAA record"));
    }

    @Test
    void anExchangerWithoutAddressIsSkipped() throws Exception {
        assertThat(hosts("partial.test").hosts())
                .containsExactly(new MxHost("mx.partial.test", 20, List.of(ip("127.0.0.41"))));
    }

    @Test
    void exchangersThatAllLackAddressesAreATemporaryFailure() throws Exception {
        MxResolution resolution = resolver.resolve("ghosts.test");

        assertThat(resolution).isEqualTo(new MxResolution.TemporaryFailure(
                "No MX host for ghosts.test has an address record: ghost1.ghosts.test, ghost2.ghosts.test"));
        assertThat(resolution.status()).isEqualTo("4.4.3");
    }

    @Test
    void anExchangerWhoseAddressLookupFailsIsSkipped() throws Exception {
        assertThat(names(hosts("half-lame.test"))).containsExactly("mx.half-lame.test");
    }

    @Test
    void exchangersWhoseAddressLookupsAllFailAreATemporaryFailure() throws Exception {
        MxResolution resolution = resolver.resolve("lame.test");

        assertThat(resolution).isInstanceOf(MxResolution.TemporaryFailure.class);
        assertThat(resolution.reason())
                .startsWith("No MX host for lame.test could be resolved: ")
                .contains("SERVFAIL")
                .contains("mx.broken.example");
    }

    @Test
    void servfailIsATemporaryFailure() throws Exception {
        MxResolution resolution = resolver.resolve("broken.example");

        assertThat(resolution).isEqualTo(new MxResolution.TemporaryFailure("DNS server failure (SERVFAIL) for MX broken.example"));
    }

    @Test
    void refusedIsATemporaryFailure() throws Exception {
        MxResolution resolution = resolver.resolve("refused.test");

        assertThat(resolution).isInstanceOf(MxResolution.TemporaryFailure.class);
        assertThat(resolution.reason()).contains("MX refused.test").contains("REFUSED");
    }

    @Test
    void atMostTenExchangersAreReturnedTheMostPreferredOnes() throws Exception {
        MxResolution.Hosts hosts = hosts("many.test");

        assertThat(hosts.hosts()).hasSize(DnsjavaMxResolver.MAX_HOSTS);
        assertThat(hosts.hosts()).extracting(MxHost::preference).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    }

    @Test
    void aServerThatNeverAnswersIsATemporaryFailureWithinTheTimeout() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            MxResolver deaf = new DnsjavaMxResolver(
                    List.of(new InetSocketAddress("127.0.0.1", silent.getLocalPort())), Duration.ofMillis(600),
                    new Random(1));
            long start = System.nanoTime();

            MxResolution resolution = deaf.resolve("prio.test");

            assertThat(resolution).isEqualTo(new MxResolution.TemporaryFailure("DNS query for MX prio.test timed out"));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        }
    }

    @Test
    void aStoppedServerNoLongerAnswers() throws Exception {
        Dnsmasq other = Dnsmasq.builder().host("up.test", "127.0.0.61").start();
        MxResolver viaOther = new DnsjavaMxResolver(List.of(other.address()), Duration.ofMillis(600), new Random(1));
        assertThat(viaOther.resolve("up.test")).isInstanceOf(MxResolution.Hosts.class);

        other.close();

        assertThat(viaOther.resolve("up.test")).isInstanceOf(MxResolution.TemporaryFailure.class);
    }

    @Test
    void aResolverFromTheSettingAsksTheServersItNames() throws Exception {
        MxResolver fromSetting = DnsjavaMxResolver.fromSetting(dns.setting(), TIMEOUT);

        assertThat(fromSetting.resolve("a-only.test")).isInstanceOf(MxResolution.Hosts.class);
    }

    @Test
    void aResolutionIsReusedWithinTheTtlOfItsRecordsAndNotWithTtlZero() throws Exception {
        try (Dnsmasq cached = Dnsmasq.builder().ttl(300).mx("ttl.test", "mx.ttl.test", 10)
                        .host("mx.ttl.test", "127.0.0.61").start();
                Dnsmasq uncached = Dnsmasq.builder().mx("ttl.test", "mx.ttl.test", 10)
                        .host("mx.ttl.test", "127.0.0.62").start()) {
            MxResolver withTtl = new DnsjavaMxResolver(List.of(cached.address()), TIMEOUT, new Random(1));
            MxResolver withoutTtl = new DnsjavaMxResolver(List.of(uncached.address()), TIMEOUT, new Random(1));
            assertThat(withTtl.resolve("ttl.test")).isInstanceOf(MxResolution.Hosts.class);
            assertThat(withoutTtl.resolve("ttl.test")).isInstanceOf(MxResolution.Hosts.class);

            cached.close();
            uncached.close();

            MxResolution again = withTtl.resolve("ttl.test");
            assertThat(again).as("answered from the cache, the server is gone").isInstanceOf(MxResolution.Hosts.class);
            assertThat(((MxResolution.Hosts) again).hosts().get(0).addresses()).containsExactly(ip("127.0.0.61"));
            assertThat(withoutTtl.resolve("ttl.test")).as("TTL 0: asked again, and the server is gone")
                    .isInstanceOf(MxResolution.TemporaryFailure.class);
        }
    }
}
