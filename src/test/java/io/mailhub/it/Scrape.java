package io.mailhub.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One scrape of {@code /observe/metrics}: reads samples by name and labels, and asks promtool to lint it. */
record Scrape(String text) {

    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([^}]*)\\})? (\\S+)$");

    static Scrape of(HubProcess hub) {
        return new Scrape(hub.http("/observe/metrics"));
    }

    /** As {@link #sum}, but 0 when there is no such sample (a counter not counted yet). */
    double sumOrZero(String name, String... labels) {
        double total = 0;
        for (String line : text.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (m.matches() && m.group(1).equals(name) && hasLabels(m.group(3), labels)) {
                total += Double.parseDouble(m.group(4));
            }
        }
        return total;
    }

    /** The sum of the samples named {@code name} whose labels include {@code labels} (name=value pairs). */
    double sum(String name, String... labels) {
        double total = 0;
        boolean found = false;
        for (String line : text.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (m.matches() && m.group(1).equals(name) && hasLabels(m.group(3), labels)) {
                total += Double.parseDouble(m.group(4));
                found = true;
            }
        }
        assertThat(found).as("a sample " + name + " " + String.join(",", labels) + " in\n" + text).isTrue();
        return total;
    }

    private static boolean hasLabels(String set, String... labels) {
        String have = set == null ? "" : "," + set + ",";
        for (int i = 0; i < labels.length; i += 2) {
            if (!have.contains("," + labels[i] + "=\"" + labels[i + 1] + "\",")) {
                return false;
            }
        }
        return true;
    }

    /** Runs {@code promtool check metrics} on this text; returns its exit code and output. */
    String promtool() throws Exception {
        Path file = Files.createTempFile("metrics", ".txt");
        Files.writeString(file, text);
        Process p = new ProcessBuilder("promtool", "check", "metrics").redirectInput(file.toFile())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Files.delete(file);
        return "exit " + p.exitValue() + (out.isBlank() ? "" : ": " + out.strip());
    }
}
