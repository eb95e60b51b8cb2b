package io.mailhub.app;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;

/**
 * Where {@code mailhub.*} values come from, highest precedence first: {@code -Dname=value}, the environment
 * ({@code MAILHUB_SMTP_PORT} for {@code mailhub.smtp.port}: upper case, dots and dashes as underscores), the
 * configuration file, the built-in default. Camel's property placeholders use the same order.
 */
public final class ConfigSource implements io.mailhub.config.ConfigValues {

    private final Map<String, String> system;
    private final Map<String, String> environment;
    private final Map<String, String> file;
    private final Path filePath;

    public ConfigSource(Map<String, String> system, Map<String, String> environment, Map<String, String> file, Path filePath) {
        this.system = Map.copyOf(system);
        this.environment = Map.copyOf(environment);
        this.file = Map.copyOf(file);
        this.filePath = filePath;
    }

    /** The real sources: system properties, the process environment and {@code configDir/application.properties}. */
    public static ConfigSource load(Path configDir) throws IOException {
        Map<String, String> sys = new LinkedHashMap<>();
        System.getProperties().forEach((k, v) -> sys.put(k.toString(), v.toString()));
        Path path = configDir.resolve("application.properties");
        Map<String, String> fileValues = new LinkedHashMap<>();
        if (Files.isRegularFile(path)) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
                p.load(r);
            }
            p.forEach((k, v) -> fileValues.put(k.toString(), v.toString().trim()));
        }
        return new ConfigSource(sys, System.getenv(), fileValues, Files.isRegularFile(path) ? path : null);
    }

    /** The environment variable name for a property: {@code mailhub.smtp.port} becomes {@code MAILHUB_SMTP_PORT}. */
    public static String environmentName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** The value of {@code key} from the highest-precedence source that has it, or {@code null}. */
    @Override
    public String get(String key) {
        String v = system.get(key);
        if (v == null) {
            v = environment.get(environmentName(key));
        }
        if (v == null) {
            v = file.get(key);
        }
        return v;
    }

    /** Where a value came from, for error messages. */
    @Override
    public String origin(String key) {
        if (system.containsKey(key)) {
            return "-D" + key;
        }
        if (environment.containsKey(environmentName(key))) {
            return "environment variable " + environmentName(key);
        }
        if (file.containsKey(key)) {
            return filePath == null ? "configuration file" : filePath.toString();
        }
        return "default";
    }

    /** Every {@code mailhub.*} key given in any source (environment names are reported as found). */
    public TreeSet<String> givenKeys() {
        TreeSet<String> keys = new TreeSet<>();
        system.keySet().stream().filter(k -> k.startsWith("mailhub.")).forEach(keys::add);
        file.keySet().stream().filter(k -> k.startsWith("mailhub.")).forEach(keys::add);
        environment.keySet().stream().filter(k -> k.startsWith("MAILHUB_")).forEach(keys::add);
        return keys;
    }

    public Path filePath() {
        return filePath;
    }
}
