package io.mailhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The routing route file of the packaged hub replaced while it runs, as an operator does it (a new file moved over
 * the old one): the hub logs the reload and mail sent afterwards follows the new version; a broken version is
 * refused with a log line naming the file and the problem, the health check counts the refusal, and the version
 * before it goes on routing. smtp-sink is the smart host.
 */
class RouteReloadIT {

    private static final Pattern QUEUED_AS = Pattern.compile("queued as ([0-9A-Za-z]+)");

    /**
     * A routing route that holds mail whose Subject contains {@code holdWord} in {@code review.VERSION} and tags the
     * rest with its version; {@code extra} is appended to the header action's options.
     */
    private static String routing(String holdWord, String version, String extra) {
        return """
                - route:
                    id: routing
                    from:
                      uri: direct:routing
                      steps:
                        - choice:
                            when:
                              - simple: "${header.Subject} contains '%s'"
                                steps:
                                  - to: "mailhub:hold?queue=review.%s"
                            otherwise:
                              steps:
                                - to: "mailhub:header?name=X-Route-Version&value=%s%s"
                """.formatted(holdWord, version, version, extra);
    }

    /** Replaces {@code file} in one step, so the hub's scan never sees half a file. */
    private static void replace(Path file, String content) throws Exception {
        Path tmp = file.resolveSibling(file.getFileName() + ".new");
        Files.writeString(tmp, content);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static String send(HubProcess hub, String subject) throws Exception {
        Swaks.Result r = Swaks.run(hub.smtpPort, "--from", "shop@client.test", "--to", "ann@remote.test", "--header",
                "Subject: " + subject);
        assertThat(r.exitCode()).as(r.transcript()).isZero();
        Matcher m = QUEUED_AS.matcher(r.replyTo("."));
        assertThat(m.find()).as(r.transcript()).isTrue();
        return m.group(1);
    }

    private static void awaitLog(HubProcess hub, String text) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> hub.log().contains(text));
    }

    private static int occurrences(String haystack, String needle) {
        int n = 0;
        for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void aReplacedRoutingFileRoutesTheNextMailAndABrokenOneIsRefusedWhileThePreviousVersionKeepsRouting()
            throws Exception {
        Path work = HubProcess.itDir("route-reload");
        Path routes = Files.createDirectories(work.resolve("routes"));
        Path file = routes.resolve("routing.camel.yaml");
        Files.writeString(file, routing("hold-me", "1", ""));
        try (SmtpSink sink = SmtpSink.onFreePort().start(); HubProcess hub = new HubProcess(work)
                .set("mailhub.relay.smarthost", "127.0.0.1:" + sink.port).set("mailhub.routes.dir", routes).start()) {

            // version 1: "hold-me" is held, the rest is tagged 1
            assertThat(versionDelivered(hub, sink, "reload-a")).isEqualTo("1");
            String heldByV1 = send(hub, "reload-b hold-me");
            awaitLog(hub, heldByV1 + ": held in review.1 (routing route)");

            // version 2: "stop-me" is held instead, the rest is tagged 2
            replace(file, routing("stop-me", "2", ""));
            awaitLog(hub, "routes: " + file + " reloaded: routing");
            assertThat(versionDelivered(hub, sink, "reload-c hold-me")).as("the old hold condition is gone")
                    .isEqualTo("2");
            String heldByV2 = send(hub, "reload-d stop-me");
            awaitLog(hub, heldByV2 + ": held in review.2 (routing route)");

            // a broken version 3 (an option the header action does not have) is refused, naming file, line and option
            replace(file, routing("drop-me", "3", "&colour=red"));
            awaitLog(hub, "routes: change refused, the running routes stay as they were: " + file);
            String refusal = hub.log().lines().filter(l -> l.contains("routes: change refused")).findFirst()
                    .orElseThrow();
            assertThat(refusal).contains("ERROR").contains(file + ":13: mailhub:header?name=X-Route-Version&value=3"
                    + "&colour=red: ").contains("Unknown parameters=[{colour=red}]");
            JsonNode check = reloadHealth(hub);
            assertThat(check.path("refusals").asInt()).isEqualTo(1);
            assertThat(check.path("refused").asText()).startsWith(file + ":13: ").contains("colour=red");

            // version 2 still routes: tagged 2, "stop-me" held, "drop-me" (version 3's word) delivered
            assertThat(versionDelivered(hub, sink, "reload-e drop-me")).isEqualTo("2");
            String heldAfterRefusal = send(hub, "reload-f stop-me");
            awaitLog(hub, heldAfterRefusal + ": held in review.2 (routing route)");

            // a file that is not even YAML is refused the same way; a valid version after it loads again
            replace(file, "- route:\n    id: routing\n  from: [unclosed\n");
            await().atMost(Duration.ofSeconds(30)).until(() -> reloadHealth(hub).path("refusals").asInt() == 2);
            assertThat(reloadHealth(hub).path("refused").asText()).startsWith(file + ": does not load: ")
                    .contains("line 3");
            assertThat(versionDelivered(hub, sink, "reload-g")).isEqualTo("2");
            replace(file, routing("stop-me", "4", ""));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> occurrences(hub.log(), "routes: " + file + " reloaded: routing") == 2);
            assertThat(versionDelivered(hub, sink, "reload-h")).isEqualTo("4");
            assertThat(reloadHealth(hub).has("refused")).as("a valid change clears the refusal").isFalse();
            assertThat(reloadHealth(hub).path("reloads").asInt()).isEqualTo(2);

            assertThat(sink.messages()).as("nothing held was delivered").noneMatch(m -> m.content().contains("reload-b")
                    || m.content().contains("reload-d") || m.content().contains("reload-f"));
            assertThat(sink.messages()).hasSize(5)
                    .allSatisfy(m -> assertThat(m.headers("X-Route-Version")).hasSize(1));
        }
    }

    /** Sends a message that the route does not hold and returns the X-Route-Version it arrived with. */
    private static String versionDelivered(HubProcess hub, SmtpSink sink, String subject) throws Exception {
        send(hub, subject);
        return sink.awaitMessage("Subject: " + subject).header("X-Route-Version");
    }

    /** The details of the {@code routes-reload} health check. */
    private static JsonNode reloadHealth(HubProcess hub) throws Exception {
        JsonNode health = new ObjectMapper().readTree(hub.http("/observe/health?exposureLevel=full"));
        for (JsonNode c : health.path("checks")) {
            if (c.path("name").asText().equals("routes-reload")) {
                return c;
            }
        }
        throw new AssertionError("no routes-reload check in " + health);
    }
}
