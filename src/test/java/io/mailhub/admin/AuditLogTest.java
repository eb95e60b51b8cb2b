package io.mailhub.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-30T10:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private Path threeRecords() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        AuditLog log = new AuditLog(file, CLOCK);
        log.record(Map.of("action", "admin_hold", "user", "olga", "count", 3));
        log.record(Map.of("action", "admin_release", "user", "olga", "count", 3));
        new AuditLog(file, CLOCK).record(Map.of("action", "admin_delete", "user", "adam", "count", 1)); // a restart
        return file;
    }

    @Test
    void anUntouchedLogVerifiesAndARestartContinuesTheChain() throws Exception {
        Path file = threeRecords();

        assertThat(Files.readAllLines(file)).hasSize(3).allMatch(l -> l.contains("\"hash\":\""));
        assertThat(Files.readAllLines(file).get(2)).contains("\"seq\":3");
        assertThat(AuditLog.verify(file)).isNull();
    }

    @Test
    void aChangedLineBreaksTheChainAtThatLine() throws Exception {
        Path file = threeRecords();
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.set(1, lines.get(1).replace("\"count\":3", "\"count\":30"));
        Files.write(file, lines, StandardCharsets.UTF_8);

        assertThat(AuditLog.verify(file)).startsWith("line 2: its hash does not match");
    }

    @Test
    void aRemovedLineBreaksTheChainAtTheLineAfterIt() throws Exception {
        Path file = threeRecords();
        List<String> lines = new ArrayList<>(Files.readAllLines(file));
        lines.remove(1);
        Files.write(file, lines, StandardCharsets.UTF_8);

        assertThat(AuditLog.verify(file)).startsWith("line 2: prev does not match");
    }
}
