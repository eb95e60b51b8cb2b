package io.mailhub.relay;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailhub.relay.dns.MxHost;
import io.mailhub.relay.dns.MxResolution;
import io.mailhub.relay.dns.MxResolver;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where a domain's mail goes: route header, transport map, smart host, MX, and how DNS outcomes become replies. */
class NextHopRouterTest {

    private final List<String> asked = new ArrayList<>();

    private MxResolver dns(Map<String, MxResolution> answers) {
        return domain -> {
            asked.add(domain);
            return answers.getOrDefault(domain, new MxResolution.NoSuchDomain("Domain " + domain + " not found"));
        };
    }

    private static MxHost host(String name, int preference, String... addresses) throws Exception {
        List<InetAddress> list = new ArrayList<>();
        for (String a : addresses) {
            list.add(InetAddress.getByName(a));
        }
        return new MxHost(name, preference, list);
    }

    private static TransportMap map(String... lines) throws Exception {
        return TransportMap.parse(List.of(lines), "test map", 25);
    }

    @Test
    void withoutSmartHostOrMapEntryTheMxHostsAreTriedWithTheRelayPortUpToTheAddressLimit() throws Exception {
        MxResolver resolver = dns(Map.of("example.test", new MxResolution.Hosts(List.of(
                host("mx1.example.test", 10, "192.0.2.1", "2001:db8::1"), host("mx2.example.test", 20, "192.0.2.2")))));
        NextHopRouter router = new NextHopRouter(null, 2525, TransportMap.EMPTY, resolver, 2);

        NextHopRouter.Route route = router.route("Example.TEST", null);

        assertThat(route).isInstanceOf(NextHopRouter.Route.Hosts.class);
        assertThat(((NextHopRouter.Route.Hosts) route).hosts()).extracting(Destination::toString)
                .containsExactly("mx1.example.test[192.0.2.1]:2525", "mx1.example.test[2001:db8:0:0:0:0:0:1]:2525");
        assertThat(asked).containsExactly("example.test");
    }

    @Test
    void dnsOutcomesBecomeThePostfixStyleReplies() throws Exception {
        NextHopRouter router = new NextHopRouter(null, 25, TransportMap.EMPTY, dns(Map.of(
                "null.test", new MxResolution.NullMx("null.test"),
                "broken.test", new MxResolution.TemporaryFailure("DNS server failure (SERVFAIL) for MX broken.test"))), 5);

        assertThat(router.route("null.test", null)).isEqualTo(new NextHopRouter.Route.Fail(RecipientStatus.FAILED,
                io.mailhub.model.SmtpReply.of(556, "5.1.10", new MxResolution.NullMx("null.test").reason())));
        NextHopRouter.Route.Fail nx = (NextHopRouter.Route.Fail) router.route("nx.test", null);
        assertThat(nx.status()).isEqualTo(RecipientStatus.FAILED);
        assertThat(nx.reply().code()).isEqualTo(550);
        assertThat(nx.reply().status()).isEqualTo("5.1.2");
        NextHopRouter.Route.Fail servfail = (NextHopRouter.Route.Fail) router.route("broken.test", null);
        assertThat(servfail.status()).isEqualTo(RecipientStatus.DEFERRED);
        assertThat(servfail.reply().code()).isEqualTo(451);
        assertThat(servfail.reply().toString()).contains("SERVFAIL");
    }

    @Test
    void theTransportMapWinsOverTheSmartHostAndCarriesItsTlsPolicy() throws Exception {
        NextHopRouter router = new NextHopRouter(Destination.parse("smart.test:2525", 25), 25,
                map("partner.test [10.0.0.9]:587 tls=verify", "other.test mx:mx-domain.test"),
                dns(Map.of("mx-domain.test", new MxResolution.Hosts(List.of(host("mx.other.test", 0, "192.0.2.7"))))), 5);

        NextHopRouter.Route.Hosts partner = (NextHopRouter.Route.Hosts) router.route("partner.test", null);
        assertThat(partner.hosts()).extracting(Destination::toString).containsExactly("10.0.0.9:587");
        assertThat(partner.tls()).isEqualTo("verify");
        NextHopRouter.Route.Hosts other = (NextHopRouter.Route.Hosts) router.route("other.test", null);
        assertThat(other.hosts()).extracting(Destination::host).containsExactly("mx.other.test");
        NextHopRouter.Route.Hosts rest = (NextHopRouter.Route.Hosts) router.route("anything.test", null);
        assertThat(rest.hosts()).extracting(Destination::toString).containsExactly("smart.test:2525");
        assertThat(asked).containsExactly("mx-domain.test");
    }

    @Test
    void anLmtpNextHopFromTheMapOrTheRouteIsOneHostSpokenToOverLmtp() throws Exception {
        NextHopRouter router = new NextHopRouter(null, 25, map("mbox.test lmtp:[10.0.0.5]:2424"), dns(Map.of()), 5);

        NextHopRouter.Route.Hosts mapped = (NextHopRouter.Route.Hosts) router.route("mbox.test", null);
        NextHopRouter.Route.Hosts chosen = (NextHopRouter.Route.Hosts) router.route("other.test", "lmtp:[10.0.0.6]");

        assertThat(mapped.lmtp()).isTrue();
        assertThat(mapped.hosts()).extracting(Destination::toString).containsExactly("10.0.0.5:2424");
        assertThat(chosen.lmtp()).isTrue();
        assertThat(chosen.hosts()).extracting(Destination::toString).containsExactly("10.0.0.6:24");
        assertThat(((NextHopRouter.Route.Hosts) router.route("plain.test", "[10.0.0.7]:25")).lmtp()).isFalse();
    }

    @Test
    void anLmtpNextHopOnALocalSocketIsSpokenToWithoutTls() throws Exception {
        NextHopRouter router = new NextHopRouter(null, 25, map("local.test lmtp:unix:/run/dovecot/lmtp tls=verify"),
                dns(Map.of()), 5);

        NextHopRouter.Route.Hosts local = (NextHopRouter.Route.Hosts) router.route("local.test", null);

        assertThat(local.lmtp()).isTrue();
        assertThat(local.hosts()).extracting(Destination::toString).containsExactly("unix:/run/dovecot/lmtp");
        assertThat(local.tls()).as("nothing to protect on a local socket").isEqualTo("none");
    }

    @Test
    void aNextHopSetByTheRouteWinsOverEverythingAndABadOneDefers() throws Exception {
        NextHopRouter router = new NextHopRouter(Destination.parse("smart.test:2525", 25), 25,
                map("partner.test [10.0.0.9]:587"), dns(Map.of()), 5);

        NextHopRouter.Route.Hosts chosen = (NextHopRouter.Route.Hosts) router.route("partner.test", "[10.1.1.1]:26");
        assertThat(chosen.hosts()).extracting(Destination::toString).containsExactly("10.1.1.1:26");
        NextHopRouter.Route.Fail bad = (NextHopRouter.Route.Fail) router.route("partner.test", "[10.1.1.1");
        assertThat(bad.status()).isEqualTo(RecipientStatus.DEFERRED);
        assertThat(bad.reply().status()).isEqualTo("4.3.5");
        assertThat(bad.reply().toString()).contains("bad next hop '[10.1.1.1' set by the route");
    }

    // ---- MTA-STS (RFC 8461) ----

    /** A router whose domains publish these policies (domain to policy text), with MX hosts mx1/mx2.DOMAIN. */
    private NextHopRouter withPolicies(Map<String, String> policies, String mapLine) throws Exception {
        Map<String, MxResolution> mx = new java.util.HashMap<>();
        for (String d : List.of("enforced.test", "testing.test", "elsewhere.test", "plain.test", "routed.test")) {
            mx.put(d, new MxResolution.Hosts(List.of(host("mx1." + d, 10, "192.0.2.1"), host("mx2." + d, 20,
                    "192.0.2.2"))));
        }
        io.mailhub.relay.dns.DnsLookups lookups = new io.mailhub.relay.dns.DnsLookups() {
            @Override
            public Txt txt(String name) {
                String domain = name.substring("_mta-sts.".length());
                return policies.containsKey(domain) ? new Txt.Found(List.of("v=STSv1; id=1;"), 300) : new Txt.None();
            }

            @Override
            public List<InetAddress> addresses(String host) {
                return List.of();
            }
        };
        io.mailhub.relay.sts.MtaStsPolicies sts = new io.mailhub.relay.sts.MtaStsPolicies(lookups, policies::get,
                java.time.Clock.systemUTC());
        return new NextHopRouter(null, 25, mapLine == null ? TransportMap.EMPTY : map(mapLine), dns(mx), 5, sts);
    }

    private static String policy(String mode, String... mx) {
        return "version: STSv1\nmode: " + mode + "\n" + java.util.Arrays.stream(mx).map(m -> "mx: " + m + "\n")
                .reduce("", String::concat) + "max_age: 86400\n";
    }

    @Test
    void underAnEnforcedPolicyOnlyTheMxHostsItNamesAreTriedAndTheirCertificatesAreVerified() throws Exception {
        NextHopRouter router = withPolicies(Map.of("enforced.test", policy("enforce", "mx2.enforced.test")), null);

        NextHopRouter.Route.Hosts route = (NextHopRouter.Route.Hosts) router.route("enforced.test", null);

        assertThat(route.hosts()).extracting(Destination::host).containsExactly("mx2.enforced.test");
        assertThat(route.tls()).isEqualTo("verify");
    }

    @Test
    void anEnforcedPolicyThatNamesNoneOfTheMxHostsDefersEveryRecipient() throws Exception {
        NextHopRouter router = withPolicies(Map.of("elsewhere.test", policy("enforce", "*.other.test")), null);

        NextHopRouter.Route.Fail route = (NextHopRouter.Route.Fail) router.route("elsewhere.test", null);

        assertThat(route.status()).isEqualTo(RecipientStatus.DEFERRED);
        assertThat(route.reply().toString()).startsWith("451 4.7.5 MTA-STS policy of elsewhere.test names none of its"
                + " MX hosts (mx1.elsewhere.test, mx2.elsewhere.test; policy mx: *.other.test)");
    }

    @Test
    void aTestingPolicyOrNoPolicyChangesNothing() throws Exception {
        NextHopRouter router = withPolicies(Map.of("testing.test", policy("testing", "mx.other.test")), null);

        NextHopRouter.Route.Hosts testing = (NextHopRouter.Route.Hosts) router.route("testing.test", null);
        NextHopRouter.Route.Hosts plain = (NextHopRouter.Route.Hosts) router.route("plain.test", null);

        assertThat(testing.hosts()).hasSize(2);
        assertThat(testing.tls()).isNull();
        assertThat(plain.hosts()).hasSize(2);
        assertThat(plain.tls()).isNull();
    }

    @Test
    void mailTheTransportMapSendsToAnotherDomainsMxIsNotUnderTheRecipientDomainsPolicy() throws Exception {
        NextHopRouter router = withPolicies(Map.of("enforced.test", policy("enforce", "mx.nowhere.test")),
                "enforced.test mx:routed.test");

        NextHopRouter.Route.Hosts route = (NextHopRouter.Route.Hosts) router.route("enforced.test", null);

        assertThat(route.hosts()).extracting(Destination::host).containsExactly("mx1.routed.test", "mx2.routed.test");
    }
}
