package io.mailhub.relay.dns;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * The order in which to try a domain's MX records (RFC 5321 section 5.1): most preferred first, and in random order
 * among records of equal preference so that load spreads over them. A pure function of the records and the random
 * generator, so it is tested without DNS.
 */
final class MxOrder {

    /** The target of a null MX record (RFC 7505), written as the root name. */
    static final String ROOT = ".";

    /** One MX record: the exchanger's name (lower case, no trailing dot, or {@link #ROOT}) and its preference. */
    record Exchange(String host, int preference) {}

    private MxOrder() {}

    /** Whether the records are a null MX: exactly one record, whose target is the root (any preference). */
    static boolean isNullMx(List<Exchange> records) {
        return records.size() == 1 && records.get(0).host().equals(ROOT);
    }

    /**
     * Orders the records for delivery.
     *
     * <ul>
     *   <li>Root targets among other records (a broken null MX, RFC 7505 section 3) are dropped.
     *   <li>A host listed twice keeps its best preference.
     *   <li>Sorted by preference; records of equal preference are shuffled with {@code random}.
     *   <li>At most {@code limit} records are kept, the most preferred ones.
     * </ul>
     */
    static List<Exchange> order(List<Exchange> records, RandomGenerator random, int limit) {
        Map<String, Exchange> best = new LinkedHashMap<>();
        for (Exchange e : records) {
            if (!e.host().equals(ROOT)) {
                best.merge(e.host(), e, (a, b) -> a.preference() <= b.preference() ? a : b);
            }
        }
        List<Exchange> sorted = new ArrayList<>(best.values());
        sorted.sort(Comparator.comparingInt(Exchange::preference));
        int start = 0;
        while (start < sorted.size()) {
            int end = start + 1;
            while (end < sorted.size() && sorted.get(end).preference() == sorted.get(start).preference()) {
                end++;
            }
            shuffle(sorted.subList(start, end), random);
            start = end;
        }
        return List.copyOf(sorted.subList(0, Math.min(limit, sorted.size())));
    }

    /** Fisher-Yates, as {@link java.util.Collections#shuffle(List, java.util.Random)} but for any generator. */
    private static <T> void shuffle(List<T> list, RandomGenerator random) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            list.set(j, list.set(i, list.get(j)));
        }
    }

    /** The hosts in the same preference order, with each run of equal preference shuffled anew. */
    static List<MxHost> reshuffle(List<MxHost> hosts, RandomGenerator random) {
        List<MxHost> result = new java.util.ArrayList<>(hosts.size());
        int start = 0;
        while (start < hosts.size()) {
            int end = start + 1;
            while (end < hosts.size() && hosts.get(end).preference() == hosts.get(start).preference()) {
                end++;
            }
            List<MxHost> group = new java.util.ArrayList<>(hosts.subList(start, end));
            shuffle(group, random);
            result.addAll(group);
            start = end;
        }
        return List.copyOf(result);
    }
}
