package io.mailhub.authres;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailhub.authres.Spf.Result;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class SpfTest {

    private final FakeDns dns = new FakeDns();
    private final Spf spf = new Spf(dns);

    private Result check(String ip, String domain) throws Exception {
        return spf.check(InetAddress.getByName(ip), domain, "alice@" + domain, "mail.client.test").result();
    }

    @Test
    void addressesAndNetworksDecideWithTheirQualifiers() throws Exception {
        dns.txt("d.test", "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 ~ip4:198.51.100.1 ?ip4:198.51.100.2 -all");
        assertThat(check("192.0.2.77", "d.test")).isEqualTo(Result.PASS);
        assertThat(check("2001:db8::5", "d.test")).isEqualTo(Result.PASS);
        assertThat(check("198.51.100.1", "d.test")).isEqualTo(Result.SOFTFAIL);
        assertThat(check("198.51.100.2", "d.test")).isEqualTo(Result.NEUTRAL);
        assertThat(check("203.0.113.9", "d.test")).isEqualTo(Result.FAIL);
    }

    @Test
    void aAndMxMechanismsUseTheDomainsAddressesWithPrefixLengths() throws Exception {
        dns.txt("d.test", "v=spf1 a mx:other.test/24 -all").a("d.test", "192.0.2.1")
                .mx("other.test", "mx1.other.test").a("mx1.other.test", "198.51.100.10");
        assertThat(check("192.0.2.1", "d.test")).isEqualTo(Result.PASS);
        assertThat(check("192.0.2.2", "d.test")).isEqualTo(Result.FAIL);
        assertThat(check("198.51.100.99", "d.test")).isEqualTo(Result.PASS);
    }

    @Test
    void includeAndRedirectFollowOtherRecords() throws Exception {
        dns.txt("d.test", "v=spf1 include:esp.test -all").txt("esp.test", "v=spf1 ip4:192.0.2.5 -all")
                .txt("r.test", "v=spf1 redirect=d.test").txt("broken.test", "v=spf1 include:nothing.test -all");
        assertThat(check("192.0.2.5", "d.test")).isEqualTo(Result.PASS);
        assertThat(check("192.0.2.6", "d.test")).isEqualTo(Result.FAIL);
        assertThat(check("192.0.2.5", "r.test")).isEqualTo(Result.PASS);
        assertThat(check("192.0.2.5", "broken.test")).as("include of a domain without SPF").isEqualTo(Result.PERMERROR);
    }

    @Test
    void macrosExpandTheAddressSenderAndDomain() throws Exception {
        dns.txt("d.test", "v=spf1 exists:%{ir}.%{v}._spf.%{d} exists:%{l}.users.%{d2} -all")
                .a("1.2.0.192.in-addr._spf.d.test", "127.0.0.2").a("alice.users.d.test", "127.0.0.2");
        assertThat(check("192.0.2.1", "d.test")).isEqualTo(Result.PASS);
        Result other = spf.check(InetAddress.getByName("192.0.2.9"), "d.test", "alice@d.test", "h").result();
        assertThat(other).as("the sender's local part matches the second exists").isEqualTo(Result.PASS);
        assertThat(spf.check(InetAddress.getByName("192.0.2.9"), "d.test", "bob@d.test", "h").result())
                .isEqualTo(Result.FAIL);
    }

    @Test
    void noRecordIsNoneTwoRecordsOrBadSyntaxArePermerrorAndDnsFailureIsTemperror() throws Exception {
        dns.txt("two.test", "v=spf1 -all", "v=spf1 +all").txt("bad.test", "v=spf1 ip4:999.1.1.1 -all")
                .txt("unknown.test", "v=spf1 frobnicate -all").txt("plain.test", "some other text").failing("down.test");
        assertThat(check("192.0.2.1", "plain.test")).isEqualTo(Result.NONE);
        assertThat(check("192.0.2.1", "two.test")).isEqualTo(Result.PERMERROR);
        assertThat(check("192.0.2.1", "bad.test")).isEqualTo(Result.PERMERROR);
        assertThat(check("192.0.2.1", "unknown.test")).isEqualTo(Result.PERMERROR);
        assertThat(check("192.0.2.1", "down.test")).isEqualTo(Result.TEMPERROR);
    }

    @Test
    void moreThanTenLookupsOrTwoVoidLookupsArePermerror() throws Exception {
        StringBuilder many = new StringBuilder("v=spf1");
        for (int i = 0; i < 11; i++) {
            many.append(" a:h").append(i).append(".test");
            dns.a("h" + i + ".test", "198.51.100." + (i + 1));
        }
        dns.txt("many.test", many + " -all").txt("voids.test", "v=spf1 a:x.test a:y.test a:z.test -all");
        assertThat(check("192.0.2.1", "many.test")).isEqualTo(Result.PERMERROR);
        assertThat(check("192.0.2.1", "voids.test")).isEqualTo(Result.PERMERROR);
    }

    @Test
    void anEvaluationThatRunsOutOfTimeIsATemporaryError() throws Exception {
        io.mailhub.testing.ManualClock clock = new io.mailhub.testing.ManualClock(java.time.Instant.EPOCH);
        Dns slow = new Dns() { // every answer takes 8 s
            @Override
            public java.util.List<String> txt(String name) {
                clock.advance(java.time.Duration.ofSeconds(8));
                return java.util.List.of("v=spf1 include:next." + name + " -all");
            }

            @Override
            public java.util.List<InetAddress> addresses(String name) {
                return java.util.List.of();
            }

            @Override
            public java.util.List<String> mx(String name) {
                return java.util.List.of();
            }
        };
        Spf.Verdict v = new Spf(slow, clock).check(InetAddress.getByName("192.0.2.1"), "d.test", "a@d.test", "h");
        assertThat(v.result()).isEqualTo(Result.TEMPERROR);
        assertThat(v.reason()).isEqualTo("SPF evaluation took longer than 20 s");
    }

    @Test
    void anIncludeLoopEndsInPermerror() throws Exception {
        dns.txt("loop.test", "v=spf1 include:loop.test -all");
        assertThat(check("192.0.2.1", "loop.test")).isEqualTo(Result.PERMERROR);
        assertThat(dns.questions).isLessThanOrEqualTo(12);
    }
}
