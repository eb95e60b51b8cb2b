package io.mailhub.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Map;

/**
 * The audit log ({@code <data dir>/audit.jsonl}): one JSON line per admin action and configuration reload, with who,
 * what, the filter, the reason, the result and the count. Each line carries {@code prev}, the {@code hash} of the line
 * before it, and its own {@code hash}, the SHA-256 of {@code prev} and the line's other fields as written; changing,
 * removing or inserting a line breaks the chain at that line ({@link #verify}). Lines are written and synced before the
 * API answers.
 */
public final class AuditLog {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String GENESIS = "0".repeat(64);

    private final Path file;
    private final Clock clock;
    private String last = GENESIS;
    private long seq;

    public AuditLog(Path file, Clock clock) throws IOException {
        this.file = file;
        this.clock = clock;
        Files.createDirectories(file.toAbsolutePath().getParent());
        if (Files.exists(file)) {
            try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (!line.isBlank()) {
                        var n = JSON.readTree(line);
                        last = n.path("hash").asText(GENESIS);
                        seq = n.path("seq").asLong(seq);
                    }
                }
            }
        }
    }

    /**
     * Appends one record.
     *
     * @param fields what happened: {@code action}, {@code user}, {@code filter}, {@code reason}, {@code result},
     *     {@code count} and whatever else the action has (strings, numbers, booleans, nested maps)
     */
    public synchronized void record(Map<String, ?> fields) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("time", clock.instant().toString());
        n.put("seq", ++seq);
        fields.forEach((k, v) -> n.set(k, JSON.valueToTree(v)));
        n.put("prev", last);
        String body = JSON.writeValueAsString(n);
        String hash = sha256(last + "\n" + body);
        n.put("hash", hash);
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND, StandardOpenOption.DSYNC)) {
            out.write(JSON.writeValueAsString(n));
            out.write('\n');
        }
        last = hash;
    }

    public Path file() {
        return file;
    }

    /** Checks the chain of {@code file}: {@code null} when intact, else the first line that breaks it and why. */
    public static String verify(Path file) throws IOException {
        String prev = GENESIS;
        int number = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            number++;
            if (line.isBlank()) {
                continue;
            }
            ObjectNode n = (ObjectNode) JSON.readTree(line);
            String hash = n.path("hash").asText("");
            n.remove("hash");
            if (!n.path("prev").asText("").equals(prev)) {
                return "line " + number + ": prev does not match the hash of the line before (a line was removed,"
                        + " inserted or changed)";
            }
            if (!sha256(prev + "\n" + JSON.writeValueAsString(n)).equals(hash)) {
                return "line " + number + ": its hash does not match its contents (the line was changed)";
            }
            prev = hash;
        }
        return null;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
