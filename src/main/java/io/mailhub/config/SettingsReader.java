package io.mailhub.config;

import io.mailhub.model.DataSize;
import io.mailhub.model.DurationText;
import io.mailhub.model.SyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads typed settings from their text. A bad value is recorded as one line naming the key, where the value came from
 * and what is wrong (see {@link #problems()}), and a harmless value is returned so that reading can go on and report
 * every problem at once.
 */
public final class SettingsReader {

    /** Parses a value or says what is wrong with it. */
    public interface Parser<T> {
        T parse(String text) throws SyntaxException;
    }

    private final ConfigValues values;
    private final Map<String, String> defaults;
    private final List<String> problems = new ArrayList<>();

    /** @param defaults every key's default ({@code null}: computed by the reader of that key) */
    public SettingsReader(ConfigValues values, Map<String, String> defaults) {
        this.values = values;
        this.defaults = defaults;
    }

    /** The lines describing every bad value so far. */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    /** Whether {@code key} was given by the operator (not left at its default). */
    public boolean isGiven(String key) {
        return values.get(key) != null;
    }

    /** The text of {@code key}: the given value, else its default, else "". */
    public String value(String key) {
        String v = values.get(key);
        return v != null ? v : defaults.get(key) == null ? "" : defaults.get(key);
    }

    /** Records a problem with {@code key}'s value. */
    public void error(String key, String problem) {
        String given = values.get(key);
        problems.add(key + (given == null ? "" : "=" + given) + " (" + values.origin(key) + "): " + problem);
    }

    /** Records a problem that concerns more than one key, as it is. */
    public void problem(String line) {
        problems.add(line);
    }

    public int port(String key) {
        String v = value(key).trim();
        try {
            int p = Integer.parseInt(v);
            if (p >= 0 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        error(key, "must be a TCP port number from 1 to 65535 (0 picks a free port)");
        return 0;
    }

    /** A port, or "off" (-1) for a listener that is not started. */
    public int optionalPort(String key) {
        if (value(key).trim().equalsIgnoreCase("off")) {
            return -1;
        }
        return port(key);
    }

    public int intIn(String key, int min, int max) {
        String v = value(key).trim();
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        error(key, "must be a whole number from " + min + " to " + max);
        return min;
    }

    /** A size with units ({@code 25MB}) between {@code min} and {@code max} octets. */
    public long size(String key, long min, long max) {
        try {
            long n = DataSize.parse(value(key));
            if (n >= min && n <= max) {
                return n;
            }
            error(key, "must be between " + min + " and " + max + " octets");
        } catch (SyntaxException e) {
            error(key, e.getMessage());
        }
        return Math.max(min, 1);
    }

    /** A duration with units ({@code 5m}) of at least {@code min}. */
    public Duration duration(String key, Duration min) {
        try {
            Duration d = DurationText.parse(value(key));
            if (d.compareTo(min) >= 0) {
                return d;
            }
            error(key, "must be at least " + DurationText.format(min));
        } catch (SyntaxException e) {
            error(key, e.getMessage());
        }
        return min;
    }

    /** An optional duration: empty is {@code null}. */
    public Duration optionalDuration(String key, Duration min) {
        return value(key).isBlank() ? null : duration(key, min);
    }

    public boolean onOff(String key) {
        String v = value(key).trim().toLowerCase(Locale.ROOT);
        switch (v) {
            case "on", "true", "yes":
                return true;
            case "off", "false", "no":
                return false;
            default:
                error(key, "must be on or off");
                return false;
        }
    }

    /** A file that must exist and be readable; empty is {@code null}. Relative paths are taken from the working dir. */
    public Path readableFile(String key) {
        String v = value(key).trim();
        if (v.isEmpty()) {
            return null;
        }
        Path p = Path.of(v).toAbsolutePath().normalize();
        if (!Files.isReadable(p)) {
            error(key, "file " + p + " does not exist or cannot be read");
        }
        return p;
    }

    /** Keys and their defaults in the given order: {@code "mailhub.x", "1", "mailhub.y", null, ...}. */
    public static Map<String, String> defaults(String... keyValues) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(m);
    }

    /** Whether {@code path} is set and readable (so that a reader of its content may look at it). */
    public static boolean canRead(Path path) {
        return path != null && Files.isReadable(path);
    }

    /** A value read by {@code parser}; when it fails, the problem is recorded and the default's value returned. */
    public <T> T parse(String key, Parser<T> parser) {
        try {
            return parser.parse(value(key));
        } catch (SyntaxException e) {
            error(key, e.getMessage());
            try {
                return parser.parse(defaults.get(key));
            } catch (SyntaxException impossible) {
                throw new IllegalStateException("default of " + key + " does not parse", impossible);
            }
        }
    }
}
