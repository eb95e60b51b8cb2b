package io.mailhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Alertmanager webhook door of the packaged hub with the real Alertmanager (Debian's prometheus-alertmanager)
 * in front of it: an alert posted to Alertmanager's API fires, then resolves, and smtp-sink gets one mail for each,
 * in one thread, to the receiver's recipients chosen by label.
 */
class AlertmanagerIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static SmtpSink sink;
    private static HubProcess hub;
    private static Process alertmanager;
    private static int amPort;
    private static String key;
    private static String sendOnlyKey;

    @BeforeAll
    static void start() throws Exception {
        sink = SmtpSink.onFreePort().start();
        Path dir = HubProcess.itDir("alertmanager");
        key = HubProcess.createApiKey(dir.resolve("keys"), "monitoring", "--from", "alerts@ops.test", "--scope",
                "webhooks");
        sendOnlyKey = HubProcess.createApiKey(dir.resolve("keys"), "shop", "--from", "alerts@ops.test", "--scope",
                "send");
        Files.writeString(dir.resolve("receivers"), "# receiver, labels, recipients\n"
                + "ops to=oncall@remote.test from=alerts@ops.test\n"
                + "ops severity=critical to=pager@remote.test\n"
                + "grafana to=grafana-oncall@remote.test from=alerts@ops.test secret=s3cret-hmac\n"
                + "broken line\n");
        hub = new HubProcess(dir).set("mailhub.relay.smarthost", "127.0.0.1:" + sink.port)
                .set("mailhub.api.keys-file", dir.resolve("keys"))
                .set("mailhub.alerts.receivers-file", dir.resolve("receivers"))
                .start();
        amPort = Ports.free();
        Path config = Files.writeString(dir.resolve("alertmanager.yml"), String.join("\n",
                "route:",
                "  receiver: ops",
                "  group_by: ['alertname']",
                "  group_wait: 1s",
                "  group_interval: 2s",
                "  repeat_interval: 1h",
                "receivers:",
                "  - name: ops",
                "    webhook_configs:",
                "      - url: " + hub.url("/api/v1/webhooks/alertmanager/ops"),
                "        send_resolved: true",
                "        http_config:",
                "          authorization:",
                "            type: Bearer",
                "            credentials: " + key,
                ""));
        alertmanager = new ProcessBuilder("prometheus-alertmanager", "--config.file=" + config,
                "--storage.path=" + Files.createDirectories(dir.resolve("am-data")),
                "--web.listen-address=127.0.0.1:" + amPort, "--cluster.listen-address=")
                .redirectErrorStream(true).redirectOutput(dir.resolve("alertmanager.log").toFile()).start();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + amPort + "/-/ready")).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode() == 200);
    }

    @AfterAll
    static void stop() throws Exception {
        if (alertmanager != null) {
            alertmanager.destroy();
            alertmanager.waitFor(10, TimeUnit.SECONDS);
        }
        Started.closeAll(hub, sink);
    }

    private static void postAlert(Instant endsAt) throws Exception {
        String alert = "[{\"labels\": {\"alertname\": \"HighLatency\", \"severity\": \"critical\", \"instance\":"
                + " \"web1\"}, \"annotations\": {\"summary\": \"p99 latency above 2s on web1\"}, \"generatorURL\":"
                + " \"http://prometheus.test/graph\", \"startsAt\": \"" + Instant.now().minusSeconds(60)
                + "\", \"endsAt\": \"" + endsAt + "\"}]";
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + amPort
                + "/api/v2/alerts")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(alert)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    @Test
    void aFiringAndThenResolvedAlertMakeTwoMailsInOneThreadToTheRecipientsChosenByLabel() throws Exception {
        postAlert(Instant.now().plusSeconds(3600));

        SinkMessage firing = sink.awaitMessage("[FIRING:1] HighLatency (critical)");
        assertThat(firing.recipients()).containsExactlyInAnyOrder("oncall@remote.test", "pager@remote.test");
        assertThat(firing.sender()).isEqualTo("alerts@ops.test");
        assertThat(firing.header("Content-Type")).startsWith("multipart/alternative");
        assertThat(firing.content()).contains("p99 latency above 2s on web1").contains("instance = web1")
                .contains("http://prometheus.test/graph");
        String root = firing.header("References");
        assertThat(root).matches("<alerts\\.[0-9a-f]{24}@ops\\.test>");
        assertThat(firing.header("In-Reply-To")).isEqualTo(root);

        postAlert(Instant.now().minusSeconds(1));

        SinkMessage resolved = sink.awaitMessage("[RESOLVED] HighLatency (critical)");
        assertThat(resolved.header("References")).isEqualTo(root);
        assertThat(resolved.header("Message-ID")).isNotEqualTo(firing.header("Message-ID"));
        assertThat(hub.log()).contains("webhook alertmanager/ops: firing 1 alert(s)")
                .contains("webhook alertmanager/ops: resolved 1 alert(s)");
    }

    private static HttpResponse<String> webhook(String receiver, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(hub.url("/api/v1/webhooks/alertmanager/" + receiver)))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theSameNotificationTwiceIsMailedOnceAndABadPayloadGetsAProblem() throws Exception {
        String payload = "{\"version\": \"4\", \"status\": \"firing\", \"receiver\": \"ops\", \"groupKey\":"
                + " \"{}:{alertname=\\\"DiskFull\\\"}\", \"truncatedAlerts\": 0, \"groupLabels\": {\"alertname\":"
                + " \"DiskFull\"}, \"commonLabels\": {\"alertname\": \"DiskFull\", \"severity\": \"warning\"},"
                + " \"commonAnnotations\": {}, \"externalURL\": \"http://am.test\", \"alerts\": [{\"status\": \"firing\","
                + " \"labels\": {\"alertname\": \"DiskFull\", \"severity\": \"warning\"}, \"annotations\": {},"
                + " \"startsAt\": \"2026-11-29T10:00:00Z\", \"endsAt\": \"0001-01-01T00:00:00Z\", \"generatorURL\": \"\","
                + " \"fingerprint\": \"a1b2c3\"}]}";
        HttpResponse<String> first = webhook("ops", payload);
        HttpResponse<String> again = webhook("ops", payload);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
        assertThat(again.statusCode()).isEqualTo(202);
        ObjectMapper json = new ObjectMapper();
        assertThat(json.readTree(again.body())).as("the first answer, again").isEqualTo(json.readTree(first.body()));
        assertThat(hub.log()).contains("not mailed again");
        SinkMessage m = sink.awaitMessage("[FIRING:1] DiskFull (warning)");
        assertThat(m.recipients()).containsExactly("oncall@remote.test"); // not critical: no pager
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> sink.messages().stream()
                .filter(x -> x.content().contains("DiskFull (warning)")).count() == 1);

        HttpResponse<String> bad = webhook("ops", "{\"version\": \"3\", \"status\": \"burning\", \"alerts\": []}");
        assertThat(bad.statusCode()).isEqualTo(400);
        JsonNode problem = json.readTree(bad.body());
        assertThat(problem.get("type").asText()).endsWith("/invalid-request");
        assertThat(problem.get("errors").findValuesAsText("field"))
                .containsExactlyInAnyOrder("version", "status", "groupKey", "alerts");
        assertThat(webhook("nobody", payload).statusCode()).isEqualTo(422); // no recipients for that receiver
        HttpResponse<String> noKey = HTTP.send(HttpRequest.newBuilder(URI.create(hub.url(
                "/api/v1/webhooks/alertmanager/ops"))).POST(HttpRequest.BodyPublishers.ofString(payload)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(noKey.statusCode()).isEqualTo(401);
        HttpResponse<String> sendOnly = HTTP.send(HttpRequest.newBuilder(URI.create(hub.url(
                "/api/v1/webhooks/alertmanager/ops"))).header("Authorization", "Bearer " + sendOnlyKey)
                .POST(HttpRequest.BodyPublishers.ofString(payload)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(sendOnly.statusCode()).isEqualTo(403);
        assertThat(json.readTree(sendOnly.body()).get("detail").asText())
                .isEqualTo("key shop has scope=send and may not post monitoring webhooks");
        // the webhook key in Alertmanager's configuration cannot send other mail through the API
        HttpResponse<String> send = HTTP.send(HttpRequest.newBuilder(URI.create(hub.url("/api/v1/messages")))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"from\": \"alerts@ops.test\", \"to\":"
                        + " \"victim@remote.test\", \"subject\": \"s\", \"text\": \"t\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(send.statusCode()).isEqualTo(403);
        assertThat(json.readTree(send.body()).get("type").asText()).endsWith("/scope-not-allowed");
        assertThat(hub.log()).contains("receivers:5: 'line' is not NAME=VALUE; the line is skipped");

        hub.stop(); // the broker remembers the notification across a restart: posted again, it is not mailed again
        hub.start();
        HttpResponse<String> afterRestart = webhook("ops", payload);
        assertThat(afterRestart.statusCode()).isEqualTo(202);
        assertThat(json.readTree(afterRestart.body()).get("id")).isEqualTo(json.readTree(first.body()).get("id"));
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> sink.messages().stream()
                .filter(x -> x.content().contains("DiskFull (warning)")).count() == 1);
    }

    private static HttpResponse<String> grafana(String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(hub.url("/api/v1/webhooks/grafana/grafana")))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json");
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String hmac(String data) throws Exception {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec("s3cret-hmac".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return java.util.HexFormat.of().formatHex(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
    }

    /** Grafana is not packaged for Debian: its unified-alerting payload and HMAC are built here as its docs give them. */
    @Test
    void aGrafanaNotificationIsMailedOnlyWithTheReceiversSignature() throws Exception {
        String payload = "{\"receiver\": \"grafana\", \"status\": \"firing\", \"orgId\": 1, \"alerts\": [{\"status\":"
                + " \"firing\", \"labels\": {\"alertname\": \"HighCPU\", \"grafana_folder\": \"infra\"}, \"annotations\":"
                + " {\"summary\": \"CPU above 90% on db1\"}, \"startsAt\": \"2026-11-29T10:00:00Z\", \"endsAt\":"
                + " \"0001-01-01T00:00:00Z\", \"generatorURL\": \"http://grafana.test/alerting/grafana/x/view\","
                + " \"fingerprint\": \"f00d\", \"silenceURL\": \"http://grafana.test/alerting/silence/new\","
                + " \"dashboardURL\": \"http://grafana.test/d/abc\", \"panelURL\": \"http://grafana.test/d/abc?viewPanel=2\","
                + " \"values\": {\"B\": 93.5}, \"valueString\": \"[ var='B' value=93.5 ]\"}], \"groupLabels\":"
                + " {\"alertname\": \"HighCPU\"}, \"commonLabels\": {\"alertname\": \"HighCPU\"}, \"commonAnnotations\": {},"
                + " \"externalURL\": \"http://grafana.test/\", \"version\": \"1\", \"groupKey\":"
                + " \"{}/{}:{alertname=\\\"HighCPU\\\"}\", \"truncatedAlerts\": 0, \"title\": \"[FIRING:1] HighCPU\","
                + " \"state\": \"alerting\", \"message\": \"**Firing**\"}";

        assertThat(grafana(payload).statusCode()).isEqualTo(401); // no signature
        HttpResponse<String> wrong = grafana(payload, "X-Grafana-Alerting-Signature", hmac(payload + " "));
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).contains("does not match");
        HttpResponse<String> stale = grafana(payload, "X-Grafana-Alerting-Signature", hmac("100:" + payload),
                "X-Grafana-Alerting-Signature-Timestamp", "100");
        assertThat(stale.statusCode()).isEqualTo(401);

        String ts = Long.toString(Instant.now().getEpochSecond());
        HttpResponse<String> ok = grafana(payload, "X-Grafana-Alerting-Signature", hmac(ts + ":" + payload),
                "X-Grafana-Alerting-Signature-Timestamp", ts);
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(202);
        SinkMessage m = sink.awaitMessage("[FIRING:1] HighCPU");
        assertThat(m.recipients()).containsExactly("grafana-oncall@remote.test");
        assertThat(m.content()).contains("CPU above 90% on db1").contains("Values: [ var='B' value=93.5 ]")
                .contains("Silence: http://grafana.test/alerting/silence/new").contains("Dashboard: http://grafana.test/d/abc");
        assertThat(hub.log()).contains("webhook grafana/grafana: firing 1 alert(s)");
    }
}
