package io.mailhub.policy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Greylisting (Postgrey's rules): a triplet of client network (IPv4 /24, IPv6 /64), envelope sender and recipient that
 * was not seen before is refused for now; a retry after {@code delay} and within {@code window} passes and is
 * remembered for {@code lifetime} after its last use. Kept in memory, per hub instance, and written to a file now and
 * then and when the hub stops ({@link GreylistFile}), so a restart forgets nothing that had been written; at most
 * {@value #MAX_TRIPLETS} triplets, expired ones dropped first. One
 * store per hub, shared by greylisting at RCPT ({@code mailhub.greylist}) and the policy route's {@code mailhub:greylist}
 * (bound as {@link #BEAN}), so that a triplet that passed one passes the other.
 */
public final class Greylist {

    /** The name of the hub's store in the Camel registry. */
    public static final String BEAN = "mailhubGreylist";

    static final int MAX_TRIPLETS = 200_000;

    /** What one attempt gets: through, or refused for now, to be tried again in {@code retryInSeconds}. */
    public record Outcome(boolean pass, long retryInSeconds) {}

    /** The knobs of one {@code mailhub:greylist}. */
    public record Timing(Duration delay, Duration window, Duration lifetime) {}

    private record Triplet(Instant firstSeen, Instant passedAt, Instant lastSeen) {}

    private final Clock clock;
    private final ConcurrentHashMap<String, Triplet> triplets = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong changes = new java.util.concurrent.atomic.AtomicLong();

    public Greylist(Clock clock) {
        this.clock = clock;
    }

    /**
     * Records the attempt of {@code sender} from {@code clientIp} to {@code recipients}: it passes when every
     * recipient's triplet does.
     */
    public Outcome attempt(String clientIp, String sender, List<String> recipients, Timing t) {
        Instant now = clock.instant();
        String net = network(clientIp);
        String from = sender == null ? "" : sender.toLowerCase(Locale.ROOT);
        long wait = 0;
        if (triplets.size() >= MAX_TRIPLETS) {
            purge(now, t);
        }
        for (String r : recipients) {
            String key = net + "/" + from + "/" + r.toLowerCase(Locale.ROOT);
            Triplet seen = triplets.compute(key, (k, old) -> next(old, now, t));
            changes.incrementAndGet();
            if (seen.passedAt() == null) {
                wait = Math.max(wait, Math.max(1, Duration.between(now, seen.firstSeen().plus(t.delay())).toSeconds()));
            }
        }
        return new Outcome(wait == 0, wait);
    }

    private static Triplet next(Triplet old, Instant now, Timing t) {
        boolean fresh = old == null
                || old.passedAt() == null && now.isAfter(old.firstSeen().plus(t.window()))
                || old.passedAt() != null && now.isAfter(old.lastSeen().plus(t.lifetime()));
        if (fresh) {
            return new Triplet(now, null, now);
        }
        if (old.passedAt() != null || !now.isBefore(old.firstSeen().plus(t.delay()))) {
            return new Triplet(old.firstSeen(), old.passedAt() != null ? old.passedAt() : now, now);
        }
        return new Triplet(old.firstSeen(), null, now);
    }

    private void purge(Instant now, Timing t) {
        triplets.values().removeIf(x -> x.passedAt() == null ? now.isAfter(x.firstSeen().plus(t.window()))
                : now.isAfter(x.lastSeen().plus(t.lifetime())));
        if (triplets.size() >= MAX_TRIPLETS) {
            triplets.values().removeIf(x -> x.passedAt() == null); // a flood of new triplets: keep those that passed
        }
    }

    int size() {
        return triplets.size();
    }

    /** How many attempts changed the store since it was made: a save can be skipped while this stays the same. */
    long changes() {
        return changes.get();
    }

    /** One remembered triplet, as {@link GreylistFile} writes it ({@code passedAt} {@code null} while greylisted). */
    record Entry(String key, Instant firstSeen, Instant passedAt, Instant lastSeen) {}

    /** Every remembered triplet. */
    List<Entry> entries() {
        List<Entry> out = new java.util.ArrayList<>(triplets.size());
        triplets.forEach((k, t) -> out.add(new Entry(k, t.firstSeen(), t.passedAt(), t.lastSeen())));
        return out;
    }

    /** Remembers a triplet read back from a file (one this store already knows stays as it is). */
    void restore(Entry e) {
        if (triplets.size() < MAX_TRIPLETS) {
            triplets.putIfAbsent(e.key(), new Triplet(e.firstSeen(), e.passedAt(), e.lastSeen()));
        }
    }

    /** The client's network: the first three octets of an IPv4 address, the first 64 bits of an IPv6 one. */
    static String network(String ip) {
        String literal = ip == null ? "" : ip.startsWith("[") && ip.endsWith("]") ? ip.substring(1, ip.length() - 1) : ip;
        if (!literal.matches("[0-9A-Fa-f:.]+")) {
            return literal; // not an address literal (never looked up in DNS): the whole value
        }
        try {
            byte[] a = InetAddress.getByName(literal).getAddress();
            StringBuilder b = new StringBuilder();
            int keep = a.length == 4 ? 3 : 8;
            for (int i = 0; i < keep; i++) {
                b.append(i == 0 ? "" : a.length == 4 ? "." : ":").append(a.length == 4 ? Integer.toString(a[i] & 0xff)
                        : String.format("%02x", a[i] & 0xff));
            }
            return b.toString();
        } catch (UnknownHostException | IllegalArgumentException e) {
            return ip; // not an address literal: the whole value
        }
    }
}
