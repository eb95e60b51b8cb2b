package io.mailhub.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Destinations whose delivery an operator suspended for a time (KumoMTA's suspend): mail for a suspended recipient
 * domain waits in mail.outbound until the suspension ends or is lifted, without using up attempts. Kept in the broker
 * ({@link Records}: the last-value queue {@code hub.suspensions}, one record per domain, key {@code suspension.DOMAIN},
 * kept until the suspension ends), so a restart keeps them and every hub on the same broker holds the same
 * destinations: each reads the records again every few seconds ({@link #refresh}). A lifted suspension leaves a record saying so, which the others read as lifted. Ended
 * suspensions are forgotten by themselves.
 */
public final class Suspensions {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String KEY_PREFIX = "suspension.";
    /** How long the record of a lifted suspension stays, for hubs that have not read it yet. */
    static final Duration LIFTED_KEPT = Duration.ofMinutes(10);

    /** One suspended destination. */
    public record Suspension(String domain, Instant until, String reason, String by) {}

    /** Durable records shared by the hubs of one broker (the broker's {@code hub.suspensions} queue). */
    public interface Records {
        void save(String key, String value, Duration ttl) throws Exception;

        /** The records whose keys start with {@code prefix}, by key. */
        Map<String, String> load(String prefix) throws Exception;

        /**
         * The records whose keys start with {@code prefix} written since {@code sinceMillis}; without a way to tell,
         * every record ({@link #load}).
         */
        default Map<String, String> loadSince(String prefix, long sinceMillis) throws Exception {
            return load(prefix);
        }

        /** Records from two functions, such as the broker's ({@code records::save, records::loadAll}). */
        static Records of(Save save, Load load) {
            return of(save, load, (prefix, since) -> load.load(prefix));
        }

        /** Records from three functions ({@code records::save, records::loadAll, records::loadSince}). */
        static Records of(Save save, Load load, LoadSince loadSince) {
            return new Records() {
                @Override
                public void save(String key, String value, Duration ttl) throws Exception {
                    save.save(key, value, ttl);
                }

                @Override
                public Map<String, String> load(String prefix) throws Exception {
                    return load.load(prefix);
                }

                @Override
                public Map<String, String> loadSince(String prefix, long sinceMillis) throws Exception {
                    return loadSince.load(prefix, sinceMillis);
                }
            };
        }

        /** {@link Records#loadSince}. */
        @FunctionalInterface
        interface LoadSince {
            Map<String, String> load(String prefix, long sinceMillis) throws Exception;
        }

        /** {@link Records#save}. */
        @FunctionalInterface
        interface Save {
            void save(String key, String value, Duration ttl) throws Exception;
        }

        /** {@link Records#load}. */
        @FunctionalInterface
        interface Load {
            Map<String, String> load(String prefix) throws Exception;
        }
    }

    private final Records records;
    private final Clock clock;
    private final Map<String, Suspension> byDomain = new ConcurrentHashMap<>();

    /** Suspensions kept in the broker's records, read from there by {@link #refresh}. */
    public static Suspensions shared(Records records, Clock clock) {
        return new Suspensions(records, clock);
    }

    private Suspensions(Records records, Clock clock) {
        this.records = records;
        this.clock = clock;
    }

    /** Suspensions this object alone holds, forgotten with it (tests). */
    public static Suspensions inMemory(Clock clock) {
        return new Suspensions(null, clock);
    }

    /** Suspends {@code domain} for {@code time}; replaces an earlier suspension of it. */
    public synchronized Suspension suspend(String domain, Duration time, String reason, String by) {
        String d = normalize(domain);
        if (time.isNegative() || time.isZero() || time.compareTo(Duration.ofDays(30)) > 0) {
            throw new IllegalArgumentException("a suspension lasts more than 0 and at most 30 days");
        }
        Suspension s = new Suspension(d, clock.instant().plus(time), reason, by);
        store(s, time.plus(LIFTED_KEPT));
        byDomain.put(d, s);
        return s;
    }

    /** Lifts the suspension of {@code domain}; returns it, or {@code null} when it was not suspended. */
    public synchronized Suspension resume(String domain) {
        String d = normalize(domain);
        if (records != null) {
            try {
                refresh(); // another hub may have suspended it since this one last looked
            } catch (IOException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
            if (of(d) != null) {
                store(new Suspension(d, clock.instant(), "lifted", ""), LIFTED_KEPT);
            }
        }
        Suspension s = byDomain.remove(d);
        return s != null && s.until().isAfter(clock.instant()) ? s : null;
    }

    /**
     * Reads the suspensions of every hub on the broker again: those in force replace what this hub held. Called every
     * few seconds; a broker that cannot be asked leaves them as they were.
     *
     * @throws IOException when the broker cannot be asked
     */
    public synchronized void refresh() throws IOException {
        if (records == null) {
            return;
        }
        Map<String, String> stored;
        try {
            stored = records.load(KEY_PREFIX);
        } catch (Exception e) {
            throw new IOException("cannot read the suspensions from the broker: " + e.getMessage(), e);
        }
        Map<String, Suspension> inForce = new java.util.HashMap<>();
        Instant now = clock.instant();
        for (String value : stored.values()) {
            try {
                JsonNode n = JSON.readTree(value);
                Suspension s = new Suspension(n.path("domain").asText(), Instant.parse(n.path("until").asText()),
                        n.path("reason").asText(), n.path("by").asText());
                if (s.until().isAfter(now)) {
                    inForce.put(s.domain(), s);
                }
            } catch (IOException | RuntimeException e) {
                // an unreadable record suspends nothing
            }
        }
        byDomain.keySet().retainAll(inForce.keySet());
        byDomain.putAll(inForce);
    }

    /** @throws IllegalStateException when the broker cannot store it (the admin API answers 503) */
    private void store(Suspension s, Duration kept) {
        if (records == null) {
            return;
        }
        try {
            records.save(KEY_PREFIX + s.domain(), JSON.createObjectNode().put("domain", s.domain())
                    .put("until", s.until().toString()).put("reason", s.reason()).put("by", s.by()).toString(), kept);
        } catch (Exception e) {
            throw new IllegalStateException("cannot store the suspension of " + s.domain() + " in the broker: "
                    + e.getMessage(), e);
        }
    }

    /** The suspension of mail for {@code domain} in force now, or {@code null}. */
    public Suspension of(String domain) {
        if (byDomain.isEmpty()) {
            return null;
        }
        Suspension s = byDomain.get(domain.toLowerCase(Locale.ROOT));
        if (s == null) {
            return null;
        }
        if (!s.until().isAfter(clock.instant())) {
            byDomain.remove(s.domain(), s);
            return null;
        }
        return s;
    }

    /** Whether any destination is (or was until lately) suspended: the cheap check before each attempt. */
    public boolean any() {
        return !byDomain.isEmpty();
    }

    /** The suspensions in force, by domain. */
    public List<Suspension> list() {
        List<Suspension> list = new ArrayList<>();
        for (Suspension s : byDomain.values()) {
            if (s.until().isAfter(clock.instant())) {
                list.add(s);
            }
        }
        list.sort((a, b) -> a.domain().compareTo(b.domain()));
        return list;
    }

    Instant now() {
        return clock.instant();
    }

    static String normalize(String domain) {
        String d = domain == null ? "" : domain.strip().toLowerCase(Locale.ROOT);
        if (d.startsWith("@")) {
            d = d.substring(1);
        }
        try {
            d = java.net.IDN.toASCII(d).toLowerCase(Locale.ROOT); // recipients' domains are compared as A-labels
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + domain + "' is not a domain name");
        }
        if (!d.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")) {
            throw new IllegalArgumentException("'" + domain + "' is not a domain name");
        }
        return d;
    }
}
