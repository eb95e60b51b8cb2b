package io.mailhub.policy;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The greylist's triplets in a file of the data directory ({@code greylist.tsv}), as Postgrey keeps its database: read
 * when the hub starts, written again after changes (once a minute at most) and when it stops, so that a restart does
 * not delay every known sender once more. One line per triplet, tab-separated: the key (network/sender/recipient),
 * when it was first seen, when it passed ({@code -} while greylisted) and when it was last seen, in epoch seconds.
 * Written to a temporary file, forced to disk and renamed, so a crash leaves the old file or the new one, whole.
 * Triplets seen since the last write are lost by a crash (they are greylisted once more, nothing worse).
 */
public final class GreylistFile {

    private static final Logger LOG = LoggerFactory.getLogger(GreylistFile.class);
    private static final String HEAD = "# mailhub greylist v1: network/sender/recipient, first seen, passed (- not yet),"
            + " last seen (epoch seconds)";

    private final Path file;
    private final Greylist greylist;
    private long savedChanges = -1;

    public GreylistFile(Path file, Greylist greylist) {
        this.file = file;
        this.greylist = greylist;
    }

    /** Reads the file into the store; a missing file is an empty one, a damaged line is skipped with a warning. */
    public int load() throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return 0;
        }
        int restored = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            try {
                greylist.restore(entry(line));
                restored++;
            } catch (IllegalArgumentException e) {
                LOG.warn("{}:{}: not a greylist triplet, skipped: {}", file, i + 1, e.getMessage());
            }
        }
        savedChanges = greylist.changes();
        return restored;
    }

    private static Greylist.Entry entry(String line) {
        String[] f = line.split("\t", -1);
        if (f.length != 4 || f[0].isEmpty()) {
            throw new IllegalArgumentException("4 tab-separated fields expected, found " + f.length);
        }
        try {
            return new Greylist.Entry(f[0], Instant.ofEpochSecond(Long.parseLong(f[1])),
                    f[2].equals("-") ? null : Instant.ofEpochSecond(Long.parseLong(f[2])),
                    Instant.ofEpochSecond(Long.parseLong(f[3])));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a time is not a number of seconds: " + e.getMessage());
        }
    }

    /** Writes the store when it changed since it was last read or written; whether it wrote. */
    public synchronized boolean save() throws IOException {
        long changes = greylist.changes();
        if (changes == savedChanges) {
            return false;
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            w.write(HEAD);
            w.newLine();
            for (Greylist.Entry e : greylist.entries()) {
                if (e.key().matches("(?s).*[\t\r\n].*")) {
                    continue; // no envelope address has these; never a line the next read would take apart
                }
                w.write(e.key() + "\t" + e.firstSeen().getEpochSecond() + "\t"
                        + (e.passedAt() == null ? "-" : Long.toString(e.passedAt().getEpochSecond())) + "\t"
                        + e.lastSeen().getEpochSecond());
                w.newLine();
            }
        }
        try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            c.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        savedChanges = changes;
        return true;
    }

    /** {@link #save()} for a scheduler: a failure is logged, the next run tries again. */
    public void saveQuietly() {
        boolean interrupted = Thread.interrupted(); // an interrupted thread's file channels close at once
        try {
            save();
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot write the greylist to {}: {}", file, e.toString());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return file.toString();
    }
}
