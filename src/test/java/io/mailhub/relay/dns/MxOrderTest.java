package io.mailhub.relay.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailhub.relay.dns.MxOrder.Exchange;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MxOrderTest {

    private static Exchange mx(String host, int preference) {
        return new Exchange(host, preference);
    }

    private static List<String> hosts(List<Exchange> exchanges) {
        return exchanges.stream().map(Exchange::host).toList();
    }

    @Test
    void recordsAreSortedByPreferenceWhateverOrderTheyArrivedIn() {
        List<Exchange> records = List.of(mx("c.test", 30), mx("a.test", 10), mx("b.test", 20));

        assertThat(hosts(MxOrder.order(records, new Random(1), 10))).containsExactly("a.test", "b.test", "c.test");
    }

    @Test
    void equalPreferenceHostsAreShuffledSoEveryOrderOccurs() {
        List<Exchange> records = List.of(mx("a.test", 10), mx("b.test", 10), mx("c.test", 10), mx("z.test", 20));
        Set<List<String>> seen = new HashSet<>();
        Random random = new Random(42);

        for (int i = 0; i < 200; i++) {
            List<String> order = hosts(MxOrder.order(records, random, 10));
            assertThat(order.get(3)).isEqualTo("z.test");
            seen.add(order.subList(0, 3));
        }

        assertThat(seen).hasSize(6); // all 3! orders of the preference-10 group
    }

    @Test
    void equalPreferenceHostsAreChosenFirstAboutEquallyOften() {
        List<Exchange> records = List.of(mx("a.test", 10), mx("b.test", 10));
        Random random = new Random(7);
        int aFirst = 0;

        for (int i = 0; i < 1000; i++) {
            if (MxOrder.order(records, random, 10).get(0).host().equals("a.test")) {
                aFirst++;
            }
        }

        assertThat(aFirst).isBetween(400, 600);
    }

    @Test
    void theSameSeedGivesTheSameOrder() {
        List<Exchange> records = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            records.add(mx("mx" + i + ".test", 10));
        }

        assertThat(MxOrder.order(records, new Random(5), 10)).isEqualTo(MxOrder.order(records, new Random(5), 10));
    }

    @Test
    void onlyTheMostPreferredHostsAreKeptUpToTheLimit() {
        List<Exchange> records = new ArrayList<>();
        for (int i = 12; i >= 1; i--) {
            records.add(mx("mx" + i + ".test", i));
        }

        List<Exchange> ordered = MxOrder.order(records, new Random(1), 10);

        assertThat(ordered).extracting(Exchange::preference).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    }

    @Test
    void theLimitCutsInsideAnEqualPreferenceGroupAfterShuffling() {
        List<Exchange> records = List.of(mx("a.test", 10), mx("b.test", 10), mx("c.test", 10));
        Set<String> kept = new HashSet<>();
        Random random = new Random(3);

        for (int i = 0; i < 50; i++) {
            kept.addAll(hosts(MxOrder.order(records, random, 1)));
        }

        assertThat(kept).containsExactlyInAnyOrder("a.test", "b.test", "c.test");
    }

    @Test
    void aHostListedTwiceKeepsItsBestPreference() {
        List<Exchange> records = List.of(mx("a.test", 30), mx("b.test", 20), mx("a.test", 10));

        assertThat(MxOrder.order(records, new Random(1), 10)).containsExactly(mx("a.test", 10), mx("b.test", 20));
    }

    @Test
    void aSingleRootTargetIsANullMxWhateverItsPreference() {
        assertThat(MxOrder.isNullMx(List.of(mx(MxOrder.ROOT, 0)))).isTrue();
        assertThat(MxOrder.isNullMx(List.of(mx(MxOrder.ROOT, 10)))).isTrue();
    }

    @Test
    void aRootTargetAmongOtherRecordsIsNoNullMxAndIsDropped() {
        List<Exchange> records = List.of(mx(MxOrder.ROOT, 0), mx("a.test", 10));

        assertThat(MxOrder.isNullMx(records)).isFalse();
        assertThat(hosts(MxOrder.order(records, new Random(1), 10))).containsExactly("a.test");
    }

    @Test
    void anOrdinarySingleRecordIsNoNullMx() {
        assertThat(MxOrder.isNullMx(List.of(mx("a.test", 0)))).isFalse();
    }

    @Test
    void aCachedListIsReshuffledOnlyWithinEachPreference() throws Exception {
        java.net.InetAddress a = java.net.InetAddress.getByName("127.0.0.1");
        List<MxHost> hosts = List.of(new MxHost("a", 10, List.of(a)), new MxHost("b", 10, List.of(a)),
                new MxHost("c", 10, List.of(a)), new MxHost("z", 20, List.of(a)));
        Set<String> firsts = new HashSet<>();
        Random random = new Random(7);
        for (int i = 0; i < 100; i++) {
            List<MxHost> r = MxOrder.reshuffle(hosts, random);
            assertThat(r).extracting(MxHost::name).containsExactlyInAnyOrder("a", "b", "c", "z");
            assertThat(r.get(3).name()).as("the preference-20 host stays last").isEqualTo("z");
            firsts.add(r.get(0).name());
        }
        assertThat(firsts).as("each equal-preference host gets to be first").containsExactlyInAnyOrder("a", "b", "c");
    }
}
