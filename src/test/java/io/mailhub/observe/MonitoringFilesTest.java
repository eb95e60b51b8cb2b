package io.mailhub.observe;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The monitoring files shipped in docs/: the Grafana dashboard imports cleanly, the Prometheus alert rules are
 * valid, and both name only metrics the hub serves at /observe/metrics.
 */
final class MonitoringFilesTest {

    private static final Path DASHBOARD = Path.of("docs/grafana/mailhub-dashboard.json");
    private static final Path ALERTS = Path.of("docs/prometheus/alerts.yml");
    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");
    private static final int GRID_COLUMNS = 24;

    /** Every mailhub_ metric the hub serves, in Prometheus naming; histograms by their base name. */
    static final Set<String> KNOWN_METRICS = Set.of(
            "mailhub_smtp_connections_total",
            "mailhub_smtp_sessions_active",
            "mailhub_messages_received_total",
            "mailhub_rejections_total",
            "mailhub_auth_failures_total",
            "mailhub_tls_sessions_total",
            "mailhub_message_size_bytes",
            "mailhub_queue_messages",
            "mailhub_queue_deferred_messages",
            "mailhub_queue_oldest_message_age_seconds",
            "mailhub_delivery_recipients_total",
            "mailhub_delivery_attempt_duration_seconds",
            "mailhub_delivery_delay_seconds",
            "mailhub_relay_connect_failures_total",
            "mailhub_dsn_generated_total",
            "mailhub_dead_letters_total",
            "mailhub_dkim_signatures_total",
            "mailhub_auth_results_total",
            "mailhub_broker_up",
            "mailhub_queue_disk_free_bytes",
            "mailhub_queue_disk_min_free_bytes",
            "mailhub_queue_storage_full",
            "mailhub_delivery_paused",
            "mailhub_build_info",
            "mailhub_camel_route_exchanges_total",
            "mailhub_camel_route_exchanges_failed_total",
            "mailhub_camel_route_exchanges_inflight");

    private static final Pattern METRIC = Pattern.compile("\\bmailhub_[a-z_]+");
    private static final Pattern HISTOGRAM_SERIES = Pattern.compile("_(bucket|count|sum)$");

    private static JsonNode dashboard() throws IOException {
        return new ObjectMapper().readTree(DASHBOARD.toFile());
    }

    private static JsonNode alertRules() throws IOException {
        return new ObjectMapper(new YAMLFactory()).readTree(ALERTS.toFile());
    }

    private static List<JsonNode> panels() throws IOException {
        List<JsonNode> panels = new ArrayList<>();
        dashboard().path("panels").forEach(panels::add);
        return panels;
    }

    private static List<JsonNode> queryPanels() throws IOException {
        return panels().stream().filter(p -> !"row".equals(p.path("type").asText())).toList();
    }

    private static List<JsonNode> rules() throws IOException {
        List<JsonNode> rules = new ArrayList<>();
        alertRules().path("groups").forEach(g -> g.path("rules").forEach(rules::add));
        return rules;
    }

    /** The mailhub_ metric names in a text, histogram series (_bucket, _count, _sum) by their base name. */
    private static Set<String> metricNames(String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = METRIC.matcher(text);
        while (m.find()) {
            names.add(HISTOGRAM_SERIES.matcher(m.group()).replaceFirst(""));
        }
        return names;
    }

    private static boolean overlap(JsonNode a, JsonNode b) {
        return a.path("x").asInt() < b.path("x").asInt() + b.path("w").asInt()
                && b.path("x").asInt() < a.path("x").asInt() + a.path("w").asInt()
                && a.path("y").asInt() < b.path("y").asInt() + b.path("h").asInt()
                && b.path("y").asInt() < a.path("y").asInt() + a.path("h").asInt();
    }

    @Test
    void theDashboardImportsCleanly() throws IOException {
        JsonNode d = dashboard();

        assertThat(d.path("title").asText()).isEqualTo("Mailhub");
        assertThat(d.path("uid").asText()).isEqualTo("mailhub");
        assertThat(d.path("schemaVersion").asInt()).isEqualTo(39);
        assertThat(d.path("panels").isArray()).isTrue();
        assertThat(queryPanels()).isNotEmpty();
    }

    @Test
    void theDashboardHasADatasourceAndAnInstanceVariable() throws IOException {
        List<String> variables = new ArrayList<>();
        dashboard().path("templating").path("list").forEach(v -> variables.add(
                v.path("name").asText() + ":" + v.path("type").asText()));

        assertThat(variables).contains("datasource:datasource", "instance:query");
    }

    @Test
    void panelIdsAreUnique() throws IOException {
        List<Integer> ids = panels().stream().map(p -> p.path("id").asInt(-1)).toList();

        assertThat(ids).doesNotContain(-1).doesNotHaveDuplicates();
    }

    @Test
    void panelsFitTheGridWithoutOverlapping() throws IOException {
        List<JsonNode> panels = panels();
        for (JsonNode p : panels) {
            JsonNode g = p.path("gridPos");
            assertThat(List.of("x", "y", "w", "h")).as("gridPos of %s", p.path("title"))
                    .allMatch(f -> g.path(f).isInt());
            assertThat(g.path("w").asInt()).as("width of %s", p.path("title")).isPositive();
            assertThat(g.path("h").asInt()).as("height of %s", p.path("title")).isPositive();
            assertThat(g.path("x").asInt() + g.path("w").asInt()).as("right edge of %s", p.path("title"))
                    .isBetween(1, GRID_COLUMNS);
        }
        for (int i = 0; i < panels.size(); i++) {
            for (int j = i + 1; j < panels.size(); j++) {
                assertThat(overlap(panels.get(i).path("gridPos"), panels.get(j).path("gridPos")))
                        .as("%s overlaps %s", panels.get(i).path("title"), panels.get(j).path("title")).isFalse();
            }
        }
    }

    @Test
    void everyPanelHasATitleAQueryAndTheDatasourceVariable() throws IOException {
        for (JsonNode p : queryPanels()) {
            assertThat(p.path("title").asText()).as("panel %s", p.path("id")).isNotBlank();
            assertThat(p.path("datasource").path("uid").asText()).as("datasource of %s", p.path("title"))
                    .isEqualTo("${datasource}");
            assertThat(p.path("targets").size()).as("targets of %s", p.path("title")).isPositive();
            for (JsonNode t : p.path("targets")) {
                assertThat(t.path("expr").asText()).as("expr in %s", p.path("title")).isNotBlank();
                assertThat(t.path("refId").asText()).as("refId in %s", p.path("title")).isNotBlank();
            }
        }
    }

    @Test
    void everyDashboardQueryNamesAMetricTheHubServes() throws IOException {
        Set<String> used = metricNames(Files.readString(DASHBOARD, StandardCharsets.UTF_8));

        assertThat(used).isNotEmpty();
        assertThat(used).isSubsetOf(KNOWN_METRICS);
    }

    @Test
    void everyAlertNamesAMetricTheHubServes() throws IOException {
        Set<String> used = metricNames(Files.readString(ALERTS, StandardCharsets.UTF_8));

        assertThat(used).isNotEmpty();
        assertThat(used).isSubsetOf(KNOWN_METRICS);
    }

    @Test
    void everyAlertHasASeverityAndASummary() throws IOException {
        List<JsonNode> rules = rules();

        assertThat(rules).isNotEmpty();
        for (JsonNode r : rules) {
            String name = r.path("alert").asText();
            assertThat(name).as("alert name").isNotBlank();
            assertThat(r.path("expr").asText()).as("expr of %s", name).isNotBlank();
            assertThat(r.path("labels").path("severity").asText()).as("severity of %s", name).isNotBlank();
            assertThat(r.path("annotations").path("summary").asText()).as("summary of %s", name).isNotBlank();
            assertThat(r.path("annotations").path("description").asText()).as("description of %s", name)
                    .isNotBlank();
        }
    }

    @Test
    void theAlertRulesPassPromtool() throws IOException, InterruptedException {
        Assumptions.assumeTrue(Files.isExecutable(PROMTOOL),
                "promtool is not installed (Debian package prometheus); skipping the rule check");

        Process p = new ProcessBuilder(PROMTOOL.toString(), "check", "rules", ALERTS.toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();

        assertThat(p.exitValue()).as(output).isZero();
    }
}
