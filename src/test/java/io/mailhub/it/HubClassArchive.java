package io.mailhub.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.function.Function;

/**
 * A class-data sharing archive of the packaged hub's classes (the JDK's dynamic CDS), so that the many hubs of the
 * integration tests start faster: the first hub of a test run writes it when it stops, every later hub maps it
 * instead of reading and verifying the same classes from the jar again. One archive per jar (named by its size and
 * time), so a rebuilt jar gets a new one. A hub that is killed writes none, and the next hub tries again. Only the
 * tests use it: the hub's own command line is unchanged, and a missing or unusable archive only makes a start slower
 * (the JVM then reads the jar as usual, without a message).
 */
final class HubClassArchive {

    /** Quiet: a hub's output is what the tests read. */
    private static final String QUIET = "-Xlog:cds=off,cds+dynamic=off";
    /** The hub writing the archive at its exit, or {@code null}. */
    private static Process maker;

    private HubClassArchive() {}

    /** Starts a hub: the one that writes the archive when there is none and no other hub is writing it. */
    static synchronized Process start(Function<List<String>, ProcessBuilder> hub) throws IOException {
        settle();
        if (!Files.isRegularFile(archive()) && maker == null) {
            Files.deleteIfExists(part());
            maker = hub.apply(List.of("-XX:ArchiveClassesAtExit=" + part(), QUIET)).start();
            return maker;
        }
        return hub.apply(use()).start();
    }

    /** The options of a hub that uses the archive (none while there is none yet). */
    static synchronized List<String> use() {
        settle();
        Path a = archive();
        return Files.isRegularFile(a) ? List.of("-XX:SharedArchiveFile=" + a, QUIET) : List.of();
    }

    /** Once the hub writing the archive has ended: the archive, if that hub was not killed, is the one to use. */
    private static void settle() {
        if (maker == null || maker.isAlive()) {
            return;
        }
        try {
            Path part = part();
            if (maker.exitValue() != 137 && Files.isRegularFile(part) && Files.size(part) > 0) {
                Files.move(part, archive(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } else {
                Files.deleteIfExists(part);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            maker = null;
        }
    }

    private static Path archive() {
        try {
            Path jar = HubProcess.jar();
            Path dir = Files.createDirectories(Path.of(System.getProperty("mailhub.it.dir", "target/it"))
                    .toAbsolutePath());
            return dir.resolve("hub-classes-" + Files.size(jar) + "-" + Files.getLastModifiedTime(jar).toMillis()
                    + ".jsa");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path part() {
        return archive().resolveSibling(archive().getFileName() + ".part");
    }
}
