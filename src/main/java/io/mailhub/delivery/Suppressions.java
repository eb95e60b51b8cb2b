package io.mailhub.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mailhub.model.MailAddress;
import io.mailhub.model.SmtpPath;
import io.mailhub.model.SyntaxException;
import io.mailhub.relay.Blame;
import io.mailhub.relay.RecipientResult;
import io.mailhub.relay.RecipientStatus;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Recipients the hub no longer sends to (the hosted APIs' suppression list: Postmark's inactive recipients, SendGrid's
 * and Mailgun's bounces): an address whose mailbox server refused it for good (a hard bounce: {@link #HARD} statuses)
 * or that an operator added. Kept in the broker (the last-value queue {@code hub.suppressions}, one record per
 * address, key {@code suppression.ADDRESS}), so a restart keeps them and every hub on the broker refuses the same
 * addresses: each reads what changed every few seconds ({@link #refresh}), and everything again once an hour. A removed
 * address leaves a record saying so for a while, which the others read as removed.
 */
public final class Suppressions {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String KEY_PREFIX = "suppression.";
    /** How long the record of a removed address stays, for hubs that have not read it yet. */
    static final Duration REMOVED_KEPT = Duration.ofMinutes(10);
    /** How far back a refresh reads, for records another hub wrote with a clock somewhat behind this one's. */
    static final Duration CLOCK_SLACK = Duration.ofMinutes(1);
    /** How often every record is read again (a hub that could not read for longer than {@link #REMOVED_KEPT}). */
    static final Duration FULL_READ = Duration.ofHours(1);

    /**
     * The statuses of a hard bounce (RFC 3463): bad mailbox (5.1.1), bad domain (5.1.2), bad address syntax (5.1.3),
     * mailbox moved (5.1.6), a domain that takes no mail (5.1.10, null MX), mailbox disabled (5.2.1). A full mailbox
     * (5.2.2), a refusal by policy or for spam (5.7.x) and an expired retry (5.4.7) are not.
     */
    public static final Set<String> HARD = Set.of("5.1.1", "5.1.2", "5.1.3", "5.1.6", "5.1.10", "5.2.1");

    /**
     * One suppressed address.
     *
     * @param reason {@code hard-bounce} or {@code manual}
     * @param status the enhanced status a sender is refused with: the bounce's own, {@code 5.2.1} when added by hand
     * @param detail the mailbox server's reply, or the operator's reason
     * @param by the queue id of the message that bounced, or the admin user
     * @param until when it ends by itself, or {@code null}: kept until removed
     */
    public record Suppression(String address, String reason, String status, String detail, Instant since,
            String by, Instant until) {

        /** The reply a door gives a sender who writes to the address. */
        public String replyText() {
            return "<" + address + ">: " + SuppressionHook.MARKER + " since " + since + " ("
                    + (reason.equals("manual") ? "added by " + by : "hard bounce") + ": " + detail + ")";
        }
    }

    private final Suspensions.Records records;
    private final Clock clock;
    private final Duration lifetime;
    private final Map<String, Suppression> byKey = new ConcurrentHashMap<>();
    /** Records written from then on (epoch milliseconds, the writers' wall clock) are read by the next refresh. */
    private long readFrom = -1;
    private Instant fullReadAt = Instant.MIN;

    /**
     * @param records the broker's records, or {@code null}: kept by this object alone (tests)
     * @param lifetime how long an address stays suppressed, or {@code null}: until an operator removes it
     */
    public Suppressions(Suspensions.Records records, Clock clock, Duration lifetime) {
        this.records = records;
        this.clock = clock;
        this.lifetime = lifetime;
    }

    /** Whether the result is a hard bounce from a mailbox server or the recipient's DNS (not a route's own bounce). */
    public static boolean isHardBounce(RecipientResult r) {
        return r.status() == RecipientStatus.FAILED && r.blame() != Blame.NONE && HARD.contains(r.statusCode());
    }

    /** Suppresses the recipient of a hard bounce; {@code queueId} names the message that bounced. */
    public Suppression bounced(RecipientResult r, String queueId) {
        return store(new Suppression(r.recipient().address().toString(), "hard-bounce", r.statusCode(),
                r.reply().toString(), clock.instant(), queueId, until()));
    }

    /**
     * Suppresses the recipient of a hard bounce that came back to the return path after delivery (a report of another
     * server); {@code queueId} names the message that bounced.
     */
    public Suppression bouncedLater(String address, String status, String detail, String queueId) {
        return store(new Suppression(parse(address).toString(), "hard-bounce", status, detail, clock.instant(),
                queueId, until()));
    }

    /** Suppresses {@code address} by an operator's hand. */
    public Suppression add(String address, String reason, String by) {
        return store(new Suppression(parse(address).toString(), "manual", "5.2.1", reason, clock.instant(), by,
                until()));
    }

    private Instant until() {
        return lifetime == null ? null : clock.instant().plus(lifetime);
    }

    /** Lifts the suppression of {@code address}; returns it, or {@code null} when it was not suppressed. */
    public synchronized Suppression remove(String address) {
        String key = parse(address).key();
        try {
            refresh(); // another hub may have suppressed it since this one last looked
        } catch (IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        Suppression s = current(byKey.get(key));
        if (s != null && records != null) {
            save(key, JSON.createObjectNode().put("address", s.address()).put("removed", true), REMOVED_KEPT);
        }
        byKey.remove(key);
        return s;
    }

    /** The suppression of {@code address} in force now, or {@code null}. */
    public Suppression of(MailAddress address) {
        return byKey.isEmpty() ? null : current(byKey.get(address.key()));
    }

    /** How many addresses are on the list (ended ones included until the next full read). */
    public int count() {
        return byKey.size();
    }

    /** The suppressions in force, by address. */
    public List<Suppression> list() {
        List<Suppression> list = new ArrayList<>();
        for (Suppression s : byKey.values()) {
            if (current(s) != null) {
                list.add(s);
            }
        }
        list.sort(Comparator.comparing(Suppression::address));
        return list;
    }

    /**
     * Reads what every hub on the broker changed since the last read (everything at the first read and once an hour).
     *
     * @throws IOException when the broker cannot be asked; what was read before stays
     */
    public synchronized void refresh() throws IOException {
        if (records == null) {
            return;
        }
        Instant now = clock.instant();
        boolean full = readFrom < 0 || now.isAfter(fullReadAt.plus(FULL_READ));
        Map<String, String> stored;
        try {
            stored = full ? records.load(KEY_PREFIX) : records.loadSince(KEY_PREFIX, readFrom);
        } catch (Exception e) {
            throw new IOException("cannot read the suppressed recipients from the broker: " + e.getMessage(), e);
        }
        Map<String, Suppression> read = new java.util.HashMap<>();
        java.util.Set<String> removed = new java.util.HashSet<>();
        for (Map.Entry<String, String> e : stored.entrySet()) {
            String key = e.getKey().substring(KEY_PREFIX.length());
            try {
                JsonNode n = JSON.readTree(e.getValue());
                if (n.path("removed").asBoolean()) {
                    removed.add(key);
                } else {
                    read.put(key, new Suppression(n.path("address").asText(), n.path("reason").asText(),
                            n.path("status").asText(), n.path("detail").asText(), Instant.parse(n.path("since").asText()),
                            n.path("by").asText(), n.hasNonNull("until") ? Instant.parse(n.get("until").asText()) : null));
                }
            } catch (IOException | RuntimeException unreadable) {
                // an unreadable record suppresses nothing
            }
        }
        if (full) {
            byKey.keySet().retainAll(read.keySet());
            fullReadAt = now;
        }
        byKey.keySet().removeAll(removed);
        byKey.putAll(read);
        readFrom = System.currentTimeMillis() - CLOCK_SLACK.toMillis(); // the writers' clock (IdempotencyRecords.TIME)
    }

    /** @throws IllegalStateException when the broker cannot store it (the admin API answers 503) */
    private Suppression store(Suppression s) {
        String key = parse(s.address()).key();
        if (records != null) {
            ObjectNode n = JSON.createObjectNode().put("address", s.address()).put("reason", s.reason())
                    .put("status", s.status()).put("detail", s.detail()).put("since", s.since().toString())
                    .put("by", s.by());
            if (s.until() != null) {
                n.put("until", s.until().toString());
            }
            save(key, n, lifetime == null ? Duration.ZERO : lifetime);
        }
        byKey.put(key, s);
        return s;
    }

    private void save(String key, ObjectNode value, Duration ttl) {
        try {
            records.save(KEY_PREFIX + key, value.toString(), ttl);
        } catch (Exception e) {
            throw new IllegalStateException("cannot store the suppression of " + value.path("address").asText()
                    + " in the broker: " + e.getMessage(), e);
        }
    }

    private Suppression current(Suppression s) {
        return s == null || s.until() != null && !s.until().isAfter(clock.instant()) ? null : s;
    }

    private static MailAddress parse(String address) {
        try {
            return SmtpPath.mailbox(address == null ? "" : address.strip(), true);
        } catch (SyntaxException e) {
            throw new IllegalArgumentException("'" + address + "' is not an email address: " + e.getMessage());
        }
    }
}
