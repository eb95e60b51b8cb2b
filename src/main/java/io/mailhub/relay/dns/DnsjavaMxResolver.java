package io.mailhub.relay.dns;

import io.mailhub.relay.dns.MxOrder.Exchange;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Cache;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.lookup.LookupSession;

/**
 * Resolves mail exchangers with dnsjava, as RFC 5321 section 5.1 and RFC 7505 say.
 *
 * <ul>
 *   <li>MX records are sorted by preference, in random order among equal preference; at most {@link #MAX_HOSTS} of
 *       the most preferred are kept, then their A and AAAA records are looked up in parallel.
 *   <li>No MX records but A or AAAA records: an implicit MX, the domain itself with preference 0.
 *   <li>A single MX record whose target is the root ({@code MX 0 .}): {@link MxResolution.NullMx}. Root targets
 *       mixed with other MX records are ignored.
 *   <li>NXDOMAIN, or no MX and no A/AAAA: {@link MxResolution.NoSuchDomain}.
 *   <li>SERVFAIL, REFUSED, timeout or network error on the MX lookup (or on the A/AAAA lookups of an implicit MX):
 *       {@link MxResolution.TemporaryFailure}.
 *   <li>An MX host whose address lookups fail or find nothing is skipped. When no MX host has an address the result
 *       is {@link MxResolution.TemporaryFailure}, whether the lookups failed or found nothing: a zone in the middle
 *       of a change gets the retry schedule. This is Postfix with {@code smtp_defer_if_no_mx_address_found = yes};
 *       Postfix's default ({@code no}) bounces with 5.4.4 instead.
 * </ul>
 *
 * <p>Queries go over UDP (TCP when a reply is truncated) to the configured servers, or to those of the system
 * configuration (resolv.conf, as dnsjava's {@link ResolverConfig} reads it) when none are given. Each server gets
 * {@value #TRIES_PER_SERVER} tries per query; one query, all tries and servers included, takes at most the
 * timeout. A resolution makes two rounds of queries (MX, then all address lookups at once), so it ends within about
 * twice the timeout. Each instance has its own TTL-respecting {@link Cache}; nothing is shared between instances.
 * No search domains and no hosts file are used. Internationalised domain names are out of scope: callers pass
 * A-labels; anything that is not an ASCII host name is {@link MxResolution.NoSuchDomain}. No DNSSEC validation.
 *
 * <p>Safe for concurrent use.
 */
public final class DnsjavaMxResolver implements MxResolver, DnsLookups {

    /**
     * The most MX hosts returned per domain, the most preferred ones. Postfix looks up every MX host but tries at
     * most 5 addresses ({@code smtp_mx_address_limit}) per delivery; 10 leaves room for that without sending dozens of
     * queries for a domain with a long MX list.
     */
    public static final int MAX_HOSTS = 10;

    /** Tries per server per query (resolv.conf's {@code attempts:2}). */
    static final int TRIES_PER_SERVER = 2;

    private static final Duration MIN_TRY_TIMEOUT = Duration.ofMillis(100);
    private static final Pattern HOST_NAME = Pattern.compile("[a-z0-9_-]{1,63}(\\.[a-z0-9_-]{1,63})*");

    private final List<InetSocketAddress> servers;
    private final Duration timeout;
    private final RandomGenerator random;
    private final LookupSession session;
    /** Whole resolutions with mail exchangers, per domain, until the smallest TTL of the records they came from. */
    private final java.util.concurrent.ConcurrentHashMap<String, Cached> resolutions = new java.util.concurrent.ConcurrentHashMap<>();

    /** The most domains whose resolutions are kept; past that the cache starts over. */
    static final int MAX_CACHED_DOMAINS = 10_000;
    /** Resolutions are kept at most this long, whatever the TTLs say. */
    static final long MAX_CACHE_SECONDS = 3600;

    private record Cached(MxResolution.Hosts hosts, long expiresAt) {}

    /**
     * @param servers DNS servers to ask, in any order (dnsjava prefers the ones that failed least); empty means the
     *     system's
     * @param timeout the time one query may take, retries and all servers included
     * @param random shuffles MX hosts of equal preference; used under its own lock, so any generator will do
     */
    public DnsjavaMxResolver(List<InetSocketAddress> servers, Duration timeout, RandomGenerator random) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("DNS timeout must be positive: " + timeout);
        }
        this.servers = servers.isEmpty() ? List.copyOf(ResolverConfig.getCurrentConfig().servers()) : List.copyOf(servers);
        if (this.servers.isEmpty()) {
            throw new IllegalStateException("no DNS servers given and none found in the system configuration");
        }
        this.timeout = timeout;
        this.random = Objects.requireNonNull(random, "random");
        Duration perTry = timeout.dividedBy((long) TRIES_PER_SERVER * this.servers.size());
        Duration tryTimeout = perTry.compareTo(MIN_TRY_TIMEOUT) < 0 ? MIN_TRY_TIMEOUT : perTry;
        List<Resolver> resolvers = new ArrayList<>();
        for (InetSocketAddress server : this.servers) {
            SimpleResolver r = new SimpleResolver(server);
            r.setTimeout(tryTimeout);
            resolvers.add(r);
        }
        ExtendedResolver resolver = new ExtendedResolver(resolvers);
        resolver.setRetries(TRIES_PER_SERVER);
        resolver.setTimeout(timeout);
        this.session = LookupSession.builder().resolver(resolver).cache(new Cache(DClass.IN)).build();
    }

    /**
     * Builds a resolver from the {@code mailhub.dns.servers} setting: comma-separated {@code address:port} entries such
     * as {@code 127.0.0.1:5353, [::1]:53}; the port defaults to 53; blank means the system's servers.
     *
     * @throws IllegalArgumentException naming the first bad entry
     */
    public static DnsjavaMxResolver fromSetting(String servers, Duration timeout) {
        return new DnsjavaMxResolver(DnsServers.parse(servers), timeout, new Random());
    }

    /**
     * Resolves the domain, or answers from the resolution cache: a result with mail exchangers is kept for the smallest
     * TTL of the MX and address records it was made of (at most an hour; not at all with TTL 0), and hosts of equal
     * preference are shuffled again on every use. Failures and negative answers are not kept here (dnsjava's own cache
     * keeps negative answers for their SOA minimum). This saves the per-message lookups and thread hand-offs on the hot
     * path while following the data's TTLs.
     */
    @Override
    public MxResolution resolve(String domain) throws InterruptedException {
        String name = hostName(domain);
        if (name == null) {
            return new MxResolution.NoSuchDomain("'" + domain + "' is not an ASCII domain name");
        }
        Cached cached = resolutions.get(name);
        if (cached != null) {
            if (System.nanoTime() - cached.expiresAt() < 0) {
                synchronized (random) {
                    return new MxResolution.Hosts(MxOrder.reshuffle(cached.hosts().hosts(), random));
                }
            }
            resolutions.remove(name, cached);
        }
        long[] ttl = {Long.MAX_VALUE};
        MxResolution r = lookUp(name, ttl);
        if (r instanceof MxResolution.Hosts hosts && ttl[0] > 0 && ttl[0] != Long.MAX_VALUE) {
            if (resolutions.size() >= MAX_CACHED_DOMAINS) {
                resolutions.clear();
            }
            long seconds = Math.min(ttl[0], MAX_CACHE_SECONDS);
            resolutions.put(name, new Cached(hosts, System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds)));
        }
        return r;
    }

    /** @param ttl receives the smallest TTL of the records the result is made of */
    private MxResolution lookUp(String name, long[] ttl) throws InterruptedException {
        DnsAnswer mx = await(lookup(name, Type.MX), deadline());
        if (mx instanceof DnsAnswer.NoDomain) {
            return new MxResolution.NoSuchDomain("Domain " + name + " not found (NXDOMAIN)");
        }
        if (mx instanceof DnsAnswer.Failed failed) {
            return new MxResolution.TemporaryFailure(failed.reason());
        }
        if (mx instanceof DnsAnswer.Records records) {
            records.records().forEach(r -> ttl[0] = Math.min(ttl[0], r.getTTL()));
            List<Exchange> exchanges = exchanges(records.records());
            if (MxOrder.isNullMx(exchanges)) {
                return new MxResolution.NullMx(name);
            }
            List<Exchange> ordered;
            synchronized (random) {
                ordered = MxOrder.order(exchanges, random, MAX_HOSTS);
            }
            return mailExchangers(name, ordered, ttl);
        }
        return implicitMx(name, ttl);
    }

    /** RFC 5321 section 5.1: no MX records, so the domain's own addresses are an MX with preference 0. */
    private MxResolution implicitMx(String name, long[] ttl) throws InterruptedException {
        HostAddresses host = collect(startAddressLookups(name), deadline(), ttl);
        if (!host.addresses().isEmpty()) {
            return new MxResolution.Hosts(List.of(new MxHost(name, 0, host.addresses())));
        }
        if (host.failure() != null) {
            return new MxResolution.TemporaryFailure(host.failure());
        }
        return new MxResolution.NoSuchDomain("Domain " + name + " has no MX and no A or AAAA record");
    }

    private MxResolution mailExchangers(String name, List<Exchange> ordered, long[] ttl) throws InterruptedException {
        List<PendingHost> pending = new ArrayList<>();
        for (Exchange e : ordered) {
            pending.add(new PendingHost(e, startAddressLookups(e.host())));
        }
        long deadline = deadline();
        List<MxHost> hosts = new ArrayList<>();
        String failure = null;
        List<String> withoutAddress = new ArrayList<>();
        for (PendingHost p : pending) {
            HostAddresses a = collect(p.lookups(), deadline, ttl);
            if (!a.addresses().isEmpty()) {
                hosts.add(new MxHost(p.exchange().host(), p.exchange().preference(), a.addresses()));
            } else if (a.failure() != null) {
                failure = failure == null ? a.failure() : failure;
            } else {
                withoutAddress.add(p.exchange().host());
            }
        }
        if (!hosts.isEmpty()) {
            return new MxResolution.Hosts(hosts);
        }
        if (failure != null) {
            return new MxResolution.TemporaryFailure("No MX host for " + name + " could be resolved: " + failure);
        }
        return new MxResolution.TemporaryFailure(
                "No MX host for " + name + " has an address record: " + String.join(", ", withoutAddress));
    }

    private record PendingHost(Exchange exchange, AddressLookups lookups) {}

    private record AddressLookups(CompletableFuture<DnsAnswer> a, CompletableFuture<DnsAnswer> aaaa) {}

    /** The addresses found (IPv4 first), or why none: a temporary failure, or {@code null} for "no records". */
    private record HostAddresses(List<InetAddress> addresses, String failure) {}

    private AddressLookups startAddressLookups(String host) {
        return new AddressLookups(lookup(host, Type.A), lookup(host, Type.AAAA));
    }

    private HostAddresses collect(AddressLookups lookups, long deadline, long[] ttl) throws InterruptedException {
        DnsAnswer a = await(lookups.a(), deadline);
        DnsAnswer aaaa = await(lookups.aaaa(), deadline);
        List<InetAddress> addresses = new ArrayList<>();
        for (DnsAnswer answer : List.of(a, aaaa)) {
            if (answer instanceof DnsAnswer.Records records) {
                for (Record r : records.records()) {
                    InetAddress address = r instanceof ARecord ar ? ar.getAddress()
                            : r instanceof AAAARecord aaaar ? aaaar.getAddress() : null;
                    if (address != null && !addresses.contains(address)) {
                        addresses.add(address);
                        ttl[0] = Math.min(ttl[0], r.getTTL());
                    }
                }
            }
        }
        String failure = a instanceof DnsAnswer.Failed f ? f.reason()
                : aaaa instanceof DnsAnswer.Failed f ? f.reason() : null;
        return new HostAddresses(addresses, failure);
    }

    private CompletableFuture<DnsAnswer> lookup(String host, int type) {
        String question = Type.string(type) + " " + host;
        Name name;
        try {
            name = Name.fromString(host, Name.root);
        } catch (TextParseException e) {
            return CompletableFuture.completedFuture(new DnsAnswer.Failed("bad name in " + question));
        }
        return session.lookupAsync(name, type)
                .handle((result, failure) -> failure == null ? DnsAnswer.of(result) : DnsAnswer.of(failure, question))
                .toCompletableFuture();
    }

    /**
     * dnsjava ends every query within the timeout; the deadline (three times the timeout, room for CNAME chains) only
     * guards against a query that never completes.
     */
    private long deadline() {
        return System.nanoTime() + timeout.multipliedBy(3).toNanos();
    }

    private static DnsAnswer await(CompletableFuture<DnsAnswer> answer, long deadline) throws InterruptedException {
        try {
            return answer.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            answer.cancel(false);
            return new DnsAnswer.Failed("DNS lookup did not complete in time");
        } catch (ExecutionException e) {
            return DnsAnswer.of(e, "DNS lookup");
        }
    }

    private static List<Exchange> exchanges(List<Record> records) {
        List<Exchange> exchanges = new ArrayList<>();
        for (Record r : records) {
            if (r instanceof MXRecord mx) {
                Name target = mx.getTarget();
                String host = Name.root.equals(target) ? MxOrder.ROOT : target.toString(true).toLowerCase(Locale.ROOT);
                exchanges.add(new Exchange(host, mx.getPriority()));
            }
        }
        return exchanges;
    }

    /** Lower case, without a trailing dot; {@code null} when not an ASCII host name. */
    static String hostName(String domain) {
        if (domain == null) {
            return null;
        }
        String d = domain.trim().toLowerCase(Locale.ROOT);
        if (d.endsWith(".")) {
            d = d.substring(0, d.length() - 1);
        }
        return d.length() <= 253 && HOST_NAME.matcher(d).matches() ? d : null;
    }

    @Override
    public Txt txt(String domain) throws InterruptedException {
        String name = hostName(domain);
        if (name == null) {
            return new Txt.None();
        }
        DnsAnswer answer = await(lookup(name, Type.TXT), deadline());
        if (answer instanceof DnsAnswer.Failed f) {
            return new Txt.Failed(f.reason());
        }
        if (!(answer instanceof DnsAnswer.Records records)) {
            return new Txt.None();
        }
        List<String> texts = new ArrayList<>();
        long ttl = Long.MAX_VALUE;
        for (Record r : records.records()) {
            if (r instanceof org.xbill.DNS.TXTRecord t) {
                texts.add(String.join("", t.getStrings()));
                ttl = Math.min(ttl, r.getTTL());
            }
        }
        return texts.isEmpty() ? new Txt.None() : new Txt.Found(List.copyOf(texts), ttl);
    }

    @Override
    public List<InetAddress> addresses(String host) throws java.io.IOException, InterruptedException {
        String name = hostName(host);
        if (name == null) {
            return List.of();
        }
        HostAddresses found = collect(startAddressLookups(name), deadline(), new long[] {Long.MAX_VALUE});
        if (found.addresses().isEmpty() && found.failure() != null) {
            throw new java.io.IOException(found.failure());
        }
        return found.addresses();
    }

    @Override
    public String toString() {
        return "DnsjavaMxResolver" + servers + " timeout " + timeout;
    }
}
