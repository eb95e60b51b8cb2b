package io.mailhub.relay.sts;

import io.mailhub.model.SyntaxException;
import io.mailhub.relay.dns.DnsLookups;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds and caches recipient domains' MTA-STS policies (RFC 8461 section 5.1), in memory, per relay endpoint.
 *
 * <ul>
 *   <li>The {@code _mta-sts.DOMAIN} TXT record is asked for at most once per its TTL (at least {@link #MIN_RECHECK},
 *       at most an hour), a domain without one every {@link #NO_RECORD_RECHECK}.
 *   <li>A record whose id differs from the cached policy's (or with no policy cached) fetches the policy; a fetched
 *       policy is kept for its {@code max_age}.
 *   <li>When the record is gone, DNS fails, or the fetch fails, a cached policy that has not expired still applies;
 *       without one the domain has no policy. A failed fetch is not tried again for {@link #FETCH_BACKOFF}, so a
 *       broken policy server costs one attempt, not one per message.
 * </ul>
 *
 * <p>With a cache file, the fetched policies outlive a restart: the file is read at start (expired or unreadable lines
 * skipped) and written again, whole, to a temporary file renamed over it, each time a policy is fetched. Without it, a
 * restart forgets them, and the first delivery to each domain after it trusts DNS and the policy host again.
 *
 * <p>Safe for concurrent use; concurrent deliveries to one domain fetch its policy once.
 */
public final class MtaStsPolicies {

    private static final Logger LOG = LoggerFactory.getLogger("io.mailhub.delivery");

    static final Duration MIN_RECHECK = Duration.ofSeconds(60);
    static final Duration MAX_RECHECK = Duration.ofHours(1);
    static final Duration NO_RECORD_RECHECK = Duration.ofMinutes(5);
    static final Duration FETCH_BACKOFF = Duration.ofMinutes(5);
    /** The most domains remembered; past that the cache starts over (as the MX resolution cache does). */
    static final int MAX_DOMAINS = 10_000;

    private final DnsLookups dns;
    private final PolicyFetcher fetcher;
    private final Clock clock;

    /** A fetched policy, with the record id it was fetched for, until its max_age ends, and its text. */
    private record Known(MtaStsPolicy policy, String id, Instant expires, String text) {}

    /** The last TXT answer: the record's id ({@code null}: no valid record, or DNS failed), until when it holds. */
    private record Checked(String id, Instant until) {}

    private final ConcurrentHashMap<String, Known> known = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Checked> checked = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Instant> failedUntil = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Object> locks = new ConcurrentHashMap<>();

    private final java.nio.file.Path cacheFile;

    public MtaStsPolicies(DnsLookups dns, PolicyFetcher fetcher, Clock clock) {
        this(dns, fetcher, clock, null);
    }

    /** @param cacheFile where fetched policies are kept across restarts, or {@code null} for memory only */
    public MtaStsPolicies(DnsLookups dns, PolicyFetcher fetcher, Clock clock, java.nio.file.Path cacheFile) {
        this.dns = dns;
        this.fetcher = fetcher;
        this.clock = clock;
        this.cacheFile = cacheFile;
        if (cacheFile != null) {
            load();
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /** Reads the cache file: one JSON object per line, {@code domain}, {@code id}, {@code expires}, {@code policy}. */
    private void load() {
        if (!java.nio.file.Files.exists(cacheFile)) {
            return;
        }
        Instant now = clock.instant();
        int line = 0;
        try {
            for (String l : java.nio.file.Files.readAllLines(cacheFile, java.nio.charset.StandardCharsets.UTF_8)) {
                line++;
                if (l.isBlank()) {
                    continue;
                }
                try {
                    com.fasterxml.jackson.databind.JsonNode n = JSON.readTree(l);
                    Instant expires = Instant.parse(n.path("expires").asText());
                    String text = n.path("policy").asText();
                    if (expires.isAfter(now)) {
                        known.put(n.path("domain").asText(), new Known(MtaStsPolicy.parse(text), n.path("id").asText(),
                                expires, text));
                    }
                } catch (IOException | SyntaxException | java.time.format.DateTimeParseException e) {
                    LOG.warn("{} line {}: not an MTA-STS policy record, skipped: {}", cacheFile, line, e.getMessage());
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot read the MTA-STS policy cache {}: {}; policies are fetched again", cacheFile,
                    e.getMessage());
        }
        if (!known.isEmpty()) {
            LOG.info("MTA-STS: {} cached policies read from {}", known.size(), cacheFile);
        }
    }

    /** Writes every policy still valid to the cache file (a temporary file renamed over it). */
    private synchronized void save() {
        if (cacheFile == null) {
            return;
        }
        Instant now = clock.instant();
        StringBuilder out = new StringBuilder();
        known.forEach((domain, k) -> {
            if (k.expires().isAfter(now)) {
                com.fasterxml.jackson.databind.node.ObjectNode n = JSON.createObjectNode();
                n.put("domain", domain).put("id", k.id()).put("expires", k.expires().toString()).put("policy", k.text());
                out.append(n).append('\n');
            }
        });
        try {
            java.nio.file.Path tmp = cacheFile.resolveSibling(cacheFile.getFileName() + ".tmp");
            java.nio.file.Files.writeString(tmp, out, java.nio.charset.StandardCharsets.UTF_8);
            java.nio.file.Files.move(tmp, cacheFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("cannot write the MTA-STS policy cache {}: {}", cacheFile, e.getMessage());
        }
    }

    private io.micrometer.core.instrument.Counter fetched;
    private io.micrometer.core.instrument.Counter failed;
    private io.micrometer.core.instrument.Counter refused;

    /**
     * Counts fetches ({@code mailhub.relay.mta_sts.fetches}, outcome {@code fetched} or {@code failed}) and deliveries
     * an enforced policy deferred ({@code mailhub.relay.mta_sts.refused}), and shows the cached policies by mode
     * ({@code mailhub.relay.mta_sts.policies}).
     */
    public MtaStsPolicies withMeters(io.micrometer.core.instrument.MeterRegistry meters) {
        fetched = io.micrometer.core.instrument.Counter.builder("mailhub.relay.mta_sts.fetches").tag("outcome", "fetched")
                .description("MTA-STS policies fetched, or not (fetch or parse failed)").register(meters);
        failed = io.micrometer.core.instrument.Counter.builder("mailhub.relay.mta_sts.fetches").tag("outcome", "failed")
                .description("MTA-STS policies fetched, or not (fetch or parse failed)").register(meters);
        refused = io.micrometer.core.instrument.Counter.builder("mailhub.relay.mta_sts.refused")
                .description("Deliveries deferred because an enforced MTA-STS policy names none of the MX hosts")
                .register(meters);
        for (MtaStsPolicy.Mode mode : MtaStsPolicy.Mode.values()) {
            io.micrometer.core.instrument.Gauge.builder("mailhub.relay.mta_sts.policies", known,
                    k -> k.values().stream().filter(p -> p.policy().mode() == mode).count())
                    .tag("mode", mode.name().toLowerCase(java.util.Locale.ROOT))
                    .description("MTA-STS policies cached, by mode").register(meters);
        }
        return this;
    }

    /** Counts a delivery an enforced policy deferred (no MX host it names). */
    public void refusedDelivery() {
        if (refused != null) {
            refused.increment();
        }
    }

    /**
     * The policy that applies to mail for {@code domain} now (lower case A-labels), or empty. A policy of mode
     * {@code none} is returned as such: it replaces an earlier one.
     */
    public Optional<MtaStsPolicy> policy(String domain) throws InterruptedException {
        Instant now = clock.instant();
        Known k = current(domain, now);
        Checked c = checked.get(domain);
        if (c == null || !now.isBefore(c.until())) {
            c = check(domain, now);
        }
        if (c.id() == null || (k != null && k.id().equals(c.id()))) {
            return k == null ? Optional.empty() : Optional.of(k.policy());
        }
        Instant failed = failedUntil.get(domain);
        if (failed != null && now.isBefore(failed)) {
            return k == null ? Optional.empty() : Optional.of(k.policy());
        }
        bound(locks);
        synchronized (locks.computeIfAbsent(domain, d -> new Object())) {
            k = current(domain, now);
            if (k != null && k.id().equals(c.id())) {
                return Optional.of(k.policy()); // another delivery fetched it meanwhile
            }
            failed = failedUntil.get(domain);
            if (failed != null && now.isBefore(failed)) {
                return k == null ? Optional.empty() : Optional.of(k.policy());
            }
            return fetch(domain, c.id(), k, now);
        }
    }

    private Known current(String domain, Instant now) {
        Known k = known.get(domain);
        if (k != null && !now.isBefore(k.expires())) {
            known.remove(domain, k);
            return null;
        }
        return k;
    }

    private Checked check(String domain, Instant now) throws InterruptedException {
        DnsLookups.Txt txt = dns.txt("_mta-sts." + domain);
        Checked c;
        if (txt instanceof DnsLookups.Txt.Found found) {
            Duration ttl = Duration.ofSeconds(Math.max(MIN_RECHECK.toSeconds(),
                    Math.min(MAX_RECHECK.toSeconds(), found.ttlSeconds())));
            c = new Checked(MtaStsRecord.id(found.texts()).orElse(null), now.plus(ttl));
        } else if (txt instanceof DnsLookups.Txt.Failed f) {
            LOG.debug("MTA-STS record of {}: {}", domain, f.reason());
            c = new Checked(null, now.plus(MIN_RECHECK));
        } else {
            c = new Checked(null, now.plus(NO_RECORD_RECHECK));
        }
        bound(checked);
        checked.put(domain, c);
        return c;
    }

    private Optional<MtaStsPolicy> fetch(String domain, String id, Known cached, Instant now)
            throws InterruptedException {
        try {
            String text = fetcher.fetch(domain);
            MtaStsPolicy p = MtaStsPolicy.parse(text);
            bound(known);
            known.put(domain, new Known(p, id, now.plusSeconds(p.maxAgeSeconds()), text));
            save();
            failedUntil.remove(domain);
            count(fetched);
            LOG.info("MTA-STS policy of {} (id {}): mode {}, mx {}, max_age {}", domain, id,
                    p.mode().name().toLowerCase(java.util.Locale.ROOT), String.join(" ", p.mx()), p.maxAgeSeconds());
            return Optional.of(p);
        } catch (IOException | SyntaxException e) {
            bound(failedUntil);
            failedUntil.put(domain, now.plus(FETCH_BACKOFF));
            count(failed);
            LOG.warn("MTA-STS policy of {} (id {}) not fetched: {}; {}", domain, id, e.getMessage(), cached != null
                    ? "its cached policy (mode " + cached.policy().mode().name().toLowerCase(java.util.Locale.ROOT)
                            + ") still applies"
                    : "mail goes without a policy");
            return cached == null ? Optional.empty() : Optional.of(cached.policy());
        }
    }

    private static void count(io.micrometer.core.instrument.Counter c) {
        if (c != null) {
            c.increment();
        }
    }

    private static void bound(ConcurrentHashMap<String, ?> map) {
        if (map.size() >= MAX_DOMAINS) {
            map.clear();
        }
    }
}
