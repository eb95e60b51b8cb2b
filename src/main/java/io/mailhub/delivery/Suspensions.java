package io.mailhub.delivery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
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
 * domain waits in mail.outbound until the suspension ends or is lifted, without using up attempts. Kept in a file
 * ({@code <data dir>/suspensions.json}) so a restart keeps them; ended suspensions are forgotten by themselves.
 */
public final class Suspensions {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One suspended destination. */
    public record Suspension(String domain, Instant until, String reason, String by) {}

    private final Path file;
    private final Clock clock;
    private final Map<String, Suspension> byDomain = new ConcurrentHashMap<>();

    /** @param file where they are kept, or {@code null} for memory only (tests) */
    public Suspensions(Path file, Clock clock) throws IOException {
        this.file = file;
        this.clock = clock;
        if (file != null && Files.exists(file)) {
            JsonNode all = JSON.readTree(file.toFile());
            for (JsonNode n : all.path("suspensions")) {
                Suspension s = new Suspension(n.path("domain").asText(), Instant.parse(n.path("until").asText()),
                        n.path("reason").asText(), n.path("by").asText());
                byDomain.put(s.domain(), s);
            }
        }
    }

    /** Suspends {@code domain} for {@code time}; replaces an earlier suspension of it. */
    public synchronized Suspension suspend(String domain, Duration time, String reason, String by) throws IOException {
        String d = normalize(domain);
        if (time.isNegative() || time.isZero() || time.compareTo(Duration.ofDays(30)) > 0) {
            throw new IllegalArgumentException("a suspension lasts more than 0 and at most 30 days");
        }
        Suspension s = new Suspension(d, clock.instant().plus(time), reason, by);
        byDomain.put(d, s);
        save();
        return s;
    }

    /** Lifts the suspension of {@code domain}; returns it, or {@code null} when it was not suspended. */
    public synchronized Suspension resume(String domain) throws IOException {
        Suspension s = byDomain.remove(normalize(domain));
        if (s != null) {
            save();
        }
        return s != null && s.until().isAfter(clock.instant()) ? s : null;
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

    private void save() throws IOException {
        if (file == null) {
            return;
        }
        ArrayNode list = JSON.createArrayNode();
        for (Suspension s : list()) {
            list.addObject().put("domain", s.domain()).put("until", s.until().toString()).put("reason", s.reason())
                    .put("by", s.by());
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(
                JSON.createObjectNode().set("suspensions", list)));
        try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            c.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
