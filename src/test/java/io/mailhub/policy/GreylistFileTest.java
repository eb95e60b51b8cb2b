package io.mailhub.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The greylist written to its file and read back by another store, as across a restart of the hub. */
class GreylistFileTest {

    private static final Greylist.Timing POSTGREY = new Greylist.Timing(Duration.ofMinutes(5), Duration.ofDays(2),
            Duration.ofDays(35));
    private static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");

    @TempDir
    Path dir;

    private static Greylist at(Instant now) {
        return new Greylist(Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void aTripletThatPassedBeforeARestartPassesAtOnceAfterItAndOneStillGreylistedKeepsItsFirstAttempt() throws Exception {
        Path file = dir.resolve("greylist.tsv");
        Greylist before = at(T0);
        before.attempt("192.0.2.10", "a@client.test", List.of("ann@grey.test"), POSTGREY);
        before.attempt("198.51.100.7", "b@other.test", List.of("bob@grey.test"), POSTGREY);
        Greylist later = at(T0.plus(Duration.ofMinutes(6)));
        assertThat(new GreylistFile(file, later).load()).as("no file yet").isZero();
        assertThat(new GreylistFile(file, before).save()).isTrue();
        assertThat(new GreylistFile(file, later).load()).isEqualTo(2);
        assertThat(later.attempt("192.0.2.99", "A@client.test", List.of("ann@grey.test"), POSTGREY).pass()).isTrue();
        new GreylistFile(file, later).save();

        Greylist restarted = at(T0.plus(Duration.ofMinutes(7)));
        assertThat(new GreylistFile(file, restarted).load()).isEqualTo(2);

        assertThat(restarted.attempt("192.0.2.10", "a@client.test", List.of("ann@grey.test"), POSTGREY))
                .isEqualTo(new Greylist.Outcome(true, 0));
        assertThat(restarted.attempt("198.51.100.7", "b@other.test", List.of("bob@grey.test"), POSTGREY).pass())
                .as("its first attempt was 7 minutes ago, more than the delay").isTrue();
        assertThat(restarted.attempt("203.0.113.1", "c@new.test", List.of("ann@grey.test"), POSTGREY))
                .isEqualTo(new Greylist.Outcome(false, 300));
    }

    @Test
    void aStoreThatDidNotChangeIsNotWrittenAgain() throws Exception {
        Path file = dir.resolve("greylist.tsv");
        Greylist g = at(T0);
        GreylistFile f = new GreylistFile(file, g);

        assertThat(f.save()).as("nothing seen: the empty store is written once").isTrue();
        assertThat(f.save()).isFalse();
        g.attempt("192.0.2.10", "a@client.test", List.of("ann@grey.test"), POSTGREY);
        assertThat(f.save()).isTrue();
        assertThat(f.save()).isFalse();
        assertThat(Files.readAllLines(file)).hasSize(2).last().isEqualTo("192.0.2/a@client.test/ann@grey.test\t"
                + T0.getEpochSecond() + "\t-\t" + T0.getEpochSecond());
        assertThat(dir.resolve("greylist.tsv.tmp")).doesNotExist();
    }

    @Test
    void aDamagedLineIsSkippedAndTheOthersAreRead() throws Exception {
        Path file = Files.writeString(dir.resolve("greylist.tsv"), "# mailhub greylist v1\n"
                + "192.0.2/a@client.test/ann@grey.test\t1764576000\t1764576400\t1764576400\n"
                + "cut short\t17645\n"
                + "198.51.100/b@x.test/bob@grey.test\tsoon\t-\t1764576000\n");
        Greylist g = at(Instant.ofEpochSecond(1764576500));

        assertThat(new GreylistFile(file, g).load()).isEqualTo(1);
        assertThat(g.attempt("192.0.2.1", "a@client.test", List.of("ann@grey.test"), POSTGREY).pass()).isTrue();
    }

    @Test
    void aThreadThatWasInterruptedStillWritesTheFileAndStaysInterrupted() throws Exception {
        Path file = dir.resolve("greylist.tsv");
        Greylist g = at(T0);
        g.attempt("192.0.2.10", "a@client.test", List.of("ann@grey.test"), POSTGREY);

        GreylistFile f = new GreylistFile(file, g); // loaded and initialized, as in a running hub
        Thread.currentThread().interrupt(); // as a stopping hub's thread may be
        try {
            f.saveQuietly();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(Files.readAllLines(file)).hasSize(2);
    }
}
