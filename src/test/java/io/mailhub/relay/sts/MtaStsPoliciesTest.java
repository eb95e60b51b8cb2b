package io.mailhub.relay.sts;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailhub.relay.dns.DnsLookups;
import io.mailhub.testing.ManualClock;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** When a domain's policy is looked for, fetched, kept and still applied (RFC 8461 section 5.1). */
class MtaStsPoliciesTest {

    private static final String ENFORCE = "version: STSv1\nmode: enforce\nmx: mx.a.test\nmax_age: 86400\n";

    private final ManualClock clock = new ManualClock(Instant.parse("2026-12-01T00:00:00Z"));
    private final Map<String, DnsLookups.Txt> records = new HashMap<>();
    private final Map<String, String> served = new HashMap<>();
    private final List<String> fetches = new ArrayList<>();
    private final List<String> txtQuestions = new ArrayList<>();

    private final DnsLookups dns = new DnsLookups() {
        @Override
        public Txt txt(String name) {
            txtQuestions.add(name);
            return records.getOrDefault(name, new Txt.None());
        }

        @Override
        public List<InetAddress> addresses(String host) {
            throw new AssertionError("the fake fetcher needs no address");
        }
    };

    private final MtaStsPolicies policies = new MtaStsPolicies(dns, domain -> {
        fetches.add(domain);
        String body = served.get(domain);
        if (body == null) {
            throw new IOException("https://mta-sts." + domain + "/.well-known/mta-sts.txt answered 404 Not Found");
        }
        return body;
    }, clock);

    private void publish(String domain, String id, long ttl) {
        records.put("_mta-sts." + domain, new DnsLookups.Txt.Found(List.of("v=STSv1; id=" + id + ";"), ttl));
    }

    @Test
    void aDomainWithoutARecordHasNoPolicyAndNothingIsFetched() throws Exception {
        assertThat(policies.policy("a.test")).isEmpty();
        assertThat(fetches).isEmpty();
        assertThat(txtQuestions).containsExactly("_mta-sts.a.test");
    }

    @Test
    void aPolicyIsFetchedOnceAndServesEveryDeliveryWhileTheRecordKeepsItsId() throws Exception {
        publish("a.test", "one", 300);
        served.put("a.test", ENFORCE);

        for (int i = 0; i < 5; i++) {
            assertThat(policies.policy("a.test")).get().extracting(MtaStsPolicy::mode)
                    .isEqualTo(MtaStsPolicy.Mode.ENFORCE);
        }
        clock.advance(Duration.ofMinutes(10)); // past the record's TTL: asked again, same id
        assertThat(policies.policy("a.test")).isPresent();

        assertThat(fetches).containsExactly("a.test");
        assertThat(txtQuestions).hasSize(2);
    }

    @Test
    void aNewIdInTheRecordFetchesThePolicyAgain() throws Exception {
        publish("a.test", "one", 60);
        served.put("a.test", ENFORCE);
        policies.policy("a.test");

        publish("a.test", "two", 60);
        served.put("a.test", "version: STSv1\nmode: testing\nmx: mx.a.test\nmax_age: 86400\n");
        clock.advance(Duration.ofSeconds(61));

        assertThat(policies.policy("a.test")).get().extracting(MtaStsPolicy::mode).isEqualTo(MtaStsPolicy.Mode.TESTING);
        assertThat(fetches).hasSize(2);
    }

    @Test
    void aCachedPolicyStillAppliesWhenTheRecordIsGoneOrTheFetchFailsUntilItsMaxAgeEnds() throws Exception {
        publish("a.test", "one", 60);
        served.put("a.test", ENFORCE);
        policies.policy("a.test");

        records.clear(); // an attacker strips the record
        clock.advance(Duration.ofMinutes(2));
        assertThat(policies.policy("a.test")).as("record gone").isPresent();

        publish("a.test", "two", 60);
        served.clear(); // and blocks the policy server
        clock.advance(Duration.ofMinutes(10));
        assertThat(policies.policy("a.test")).as("fetch failed").isPresent();

        clock.advance(Duration.ofDays(1));
        assertThat(policies.policy("a.test")).as("after max_age").isEmpty();
    }

    @Test
    void aFailedFetchIsNotTriedAgainForEveryMessage() throws Exception {
        publish("a.test", "one", 60);

        assertThat(policies.policy("a.test")).isEmpty();
        assertThat(policies.policy("a.test")).isEmpty();
        clock.advance(Duration.ofMinutes(4));
        assertThat(policies.policy("a.test")).isEmpty();
        assertThat(fetches).hasSize(1);

        served.put("a.test", ENFORCE);
        clock.advance(Duration.ofMinutes(2));
        assertThat(policies.policy("a.test")).isPresent();
        assertThat(fetches).hasSize(2);
    }

    @Test
    void theMetersCountFetchesByOutcomeAndShowTheCachedPoliciesByMode() throws Exception {
        io.micrometer.core.instrument.simple.SimpleMeterRegistry meters =
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        policies.withMeters(meters);
        publish("a.test", "one", 60);
        served.put("a.test", ENFORCE);
        publish("b.test", "one", 60);

        policies.policy("a.test");
        policies.policy("b.test");
        policies.refusedDelivery();

        assertThat(meters.get("mailhub.relay.mta_sts.fetches").tag("outcome", "fetched").counter().count()).isEqualTo(1);
        assertThat(meters.get("mailhub.relay.mta_sts.fetches").tag("outcome", "failed").counter().count()).isEqualTo(1);
        assertThat(meters.get("mailhub.relay.mta_sts.policies").tag("mode", "enforce").gauge().value()).isEqualTo(1);
        assertThat(meters.get("mailhub.relay.mta_sts.policies").tag("mode", "testing").gauge().value()).isZero();
        assertThat(meters.get("mailhub.relay.mta_sts.refused").counter().count()).isEqualTo(1);
    }

    @Test
    void policiesKeptInTheCacheFileServeTheNextStartWithoutAFetchUntilTheirMaxAgeEnds(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = dir.resolve("mta-sts-policies.jsonl");
        publish("a.test", "one", 60);
        served.put("a.test", ENFORCE);
        new MtaStsPolicies(dns, d -> served.get(d), clock, file).policy("a.test");
        java.nio.file.Files.writeString(file, "not json\n", java.nio.file.StandardOpenOption.APPEND);
        served.clear(); // the policy host is blocked after the restart

        MtaStsPolicies restarted = new MtaStsPolicies(dns, d -> {
            fetches.add(d);
            throw new IOException("blocked");
        }, clock, file);

        assertThat(restarted.policy("a.test")).get().extracting(MtaStsPolicy::mode).isEqualTo(MtaStsPolicy.Mode.ENFORCE);
        assertThat(fetches).isEmpty();
        clock.advance(Duration.ofDays(2));
        assertThat(new MtaStsPolicies(dns, d -> {
            throw new IOException("blocked");
        }, clock, file).policy("a.test")).as("expired in the file").isEmpty();
    }

    @Test
    void aPolicyThatDoesNotParseCountsAsAFailedFetch() throws Exception {
        publish("a.test", "one", 60);
        served.put("a.test", "version: STSv1\nmode: enforce\nmax_age: 60\n");

        assertThat(policies.policy("a.test")).isEmpty();
        assertThat(fetches).hasSize(1);
    }

    @Test
    void aDnsFailureKeepsACachedPolicyAndIsAskedAgainAfterAMinute() throws Exception {
        publish("a.test", "one", 3600);
        served.put("a.test", ENFORCE);
        policies.policy("a.test");

        records.put("_mta-sts.a.test", new DnsLookups.Txt.Failed("DNS server failure (SERVFAIL)"));
        clock.advance(Duration.ofHours(1));
        assertThat(policies.policy("a.test")).isPresent();
        clock.advance(Duration.ofSeconds(30));
        policies.policy("a.test");
        assertThat(txtQuestions).hasSize(2);
        clock.advance(Duration.ofSeconds(31));
        policies.policy("a.test");
        assertThat(txtQuestions).hasSize(3);
        assertThat(fetches).hasSize(1);
    }
}
