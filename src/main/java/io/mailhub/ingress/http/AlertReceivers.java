package io.mailhub.ingress.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who gets the mail of a monitoring receiver ({@code mailhub.alerts.receivers-file}), one rule per line:
 * {@code RECEIVER [LABEL=VALUE...] to=ADDR[,ADDR...] [from=ADDR] [secret=S]} ({@code secret}: Grafana's HMAC
 * secret for the receiver; then every Grafana notification to it must be signed). A rule without labels always applies to its
 * receiver; one with labels applies when every label matches the notification's common labels (or the labels of one
 * of its alerts). The recipients are those of every rule that applies; the sender the first rule's {@code from}.
 * Receivers without a rule use {@code mailhub.alerts.to} and {@code mailhub.alerts.from}. Read when used, so edits
 * apply at once; a bad line is logged with its number and skipped.
 */
final class AlertReceivers {

    private static final Logger LOG = LoggerFactory.getLogger("io.mailhub.ingress");

    /**
     * The recipients and sender of one notification; {@code to} empty when nobody is configured; {@code secret} the
     * receiver's Grafana HMAC secret, or {@code null}.
     */
    record Route(List<String> to, String from, String secret) {}

    private record Rule(String receiver, Map<String, String> labels, List<String> to, String from, String secret) {}

    private final Path file;
    private final AlertSettings settings;

    AlertReceivers(AlertSettings settings) {
        this.settings = settings;
        this.file = settings.receiversFile();
    }

    Route route(String receiver, List<Map<String, String>> labelSets) {
        Set<String> to = new LinkedHashSet<>();
        String from = null;
        String secret = null;
        boolean known = false;
        for (Rule r : rules()) {
            if (!r.receiver().equals(receiver)) {
                continue;
            }
            known = true;
            secret = secret == null ? r.secret() : secret;
            if (labelSets.stream().anyMatch(labels -> labels.entrySet().containsAll(r.labels().entrySet()))
                    || r.labels().isEmpty()) {
                to.addAll(r.to());
                from = from == null ? r.from() : from;
            }
        }
        if (!known) {
            to.addAll(split(settings.to()));
        }
        if (from == null && !settings.from().isEmpty()) {
            from = settings.from();
        }
        return new Route(List.copyOf(to), from, secret);
    }

    private List<Rule> rules() {
        if (file == null) {
            return List.of();
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            LOG.warn("cannot read {}: {}", file, e.toString());
            return List.of();
        }
        List<Rule> rules = new ArrayList<>();
        for (int n = 1; n <= lines.size(); n++) {
            String line = lines.get(n - 1).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] words = line.split("\\s+");
            Map<String, String> labels = new LinkedHashMap<>();
            List<String> to = List.of();
            String from = null;
            String secret = null;
            String problem = null;
            for (int i = 1; i < words.length; i++) {
                int eq = words[i].indexOf('=');
                if (eq <= 0) {
                    problem = "'" + words[i] + "' is not NAME=VALUE";
                    break;
                }
                String k = words[i].substring(0, eq);
                String v = words[i].substring(eq + 1);
                switch (k) {
                    case "to" -> to = split(v);
                    case "from" -> from = v;
                    case "secret" -> secret = v;
                    default -> labels.put(k, v);
                }
            }
            if (problem == null && to.isEmpty() && secret == null) {
                problem = "no to=";
            }
            if (problem != null) {
                LOG.warn("{}:{}: {}; the line is skipped", file, n, problem);
                continue;
            }
            rules.add(new Rule(words[0], labels, to, from, secret));
        }
        return rules;
    }

    private static List<String> split(String list) {
        List<String> out = new ArrayList<>();
        for (String s : list.split(",")) {
            if (!s.isBlank()) {
                out.add(s.strip());
            }
        }
        return out;
    }
}
