package io.mailhub.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A configuration file of lines that is read again when it changes (its modification time is checked at most once a
 * second, on use), so that adding a user or a key needs no restart. Lines that cannot be used are reported by the
 * parser with file and line number, logged, and skipped; if the file cannot be read, what was loaded before stays.
 *
 * @param <T> what the lines become
 */
public final class WatchedFile<T> {

    private static final Logger LOG = LoggerFactory.getLogger(WatchedFile.class);
    private static final long RECHECK_NANOS = 1_000_000_000L;

    /** What one reading gave: the value and one message per unusable line. */
    public record Parsed<T>(T value, List<String> problems) {}

    /**
     * A line of a file that holds an entry: its text, stripped, and {@code where}, the prefix of a problem found in it
     * ({@code FILE line N: }).
     */
    public record Entry(String text, String where) {}

    /** The entries of {@code lines}: every line but blank ones and {@code #} comments, with where each is. */
    public static List<Entry> entries(Path file, List<String> lines) {
        List<Entry> entries = new java.util.ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (!line.isEmpty() && !line.startsWith("#")) {
                entries.add(new Entry(line, file + " line " + (i + 1) + ": "));
            }
        }
        return entries;
    }

    /**
     * One reload after a change of the file, for the audit log.
     *
     * @param what what the file holds ("users", "API keys", "admin users")
     * @param problems the unusable lines, skipped
     * @param error why the file could not be read (what was loaded before stays), or {@code null}
     */
    public record Reload(String what, Path file, List<String> problems, String error) {}

    private volatile java.util.function.Consumer<Reload> listener = r -> { };

    private final Path file;
    private final String what;
    private final BiFunction<Path, List<String>, Parsed<T>> parser;
    private volatile T value;
    private volatile FileTime loadedTime;
    private volatile long checkedAt;
    private volatile String lastError;

    private WatchedFile(Path file, String what, BiFunction<Path, List<String>, Parsed<T>> parser) {
        this.file = file;
        this.what = what;
        this.parser = parser;
    }

    /**
     * Reads the file once now; fails only if it cannot be read at all.
     *
     * @param what what the file holds, for log lines ("users", "API keys")
     */
    public static <T> WatchedFile<T> load(Path file, String what, BiFunction<Path, List<String>, Parsed<T>> parser)
            throws IOException {
        WatchedFile<T> w = new WatchedFile<>(file, what, parser);
        FileTime time = Files.getLastModifiedTime(file);
        w.value = w.read().value();
        w.loadedTime = time;
        w.checkedAt = System.nanoTime();
        LOG.info("{} loaded from {}", what, file);
        return w;
    }

    /** The current value, after reading the file again if it changed. */
    public T get() {
        reloadIfChanged();
        return value;
    }

    public Path file() {
        return file;
    }

    /** Who hears of every reload after a change (the audit log); one listener. */
    public void onReload(java.util.function.Consumer<Reload> listener) {
        this.listener = listener;
    }

    private Parsed<T> read() throws IOException {
        Parsed<T> parsed = parser.apply(file, Files.readAllLines(file, StandardCharsets.UTF_8));
        parsed.problems().forEach(p -> LOG.error("{}", p));
        return parsed;
    }

    private void reloadIfChanged() {
        long now = System.nanoTime();
        if (now - checkedAt < RECHECK_NANOS) {
            return;
        }
        checkedAt = now;
        synchronized (this) {
            try {
                FileTime time = Files.getLastModifiedTime(file);
                if (time.equals(loadedTime)) {
                    return;
                }
                Parsed<T> parsed = read();
                value = parsed.value();
                loadedTime = time;
                LOG.info("{} reloaded from {}", what, file);
                lastError = null;
                listener.accept(new Reload(what, file, parsed.problems(), null));
            } catch (IOException e) {
                if (!e.toString().equals(lastError)) { // once per cause, not at every check
                    lastError = e.toString();
                    LOG.error("cannot reread {} from {}: {}; keeping what was loaded before", what, file, lastError);
                    listener.accept(new Reload(what, file, List.of(), lastError));
                }
            }
        }
    }
}
