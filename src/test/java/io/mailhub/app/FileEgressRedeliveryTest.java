package io.mailhub.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mailhub.queue.QueueNames;
import io.mailhub.testing.FakeSmtpServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file egress is at least once and loses nothing: while its directory cannot be written, the dispatch
 * transaction rolls back and the broker redelivers the message (here 100 ms apart instead of broker.xml's 5 s, 15 s,
 * ...); once the directory can be written the message arrives there once, and nothing goes to mail.dead or by SMTP.
 */
class FileEgressRedeliveryTest {

    @TempDir
    Path dir;

    private FakeSmtpServer nextHop;
    private InProcessHub hub;
    private int smtpPort;
    private Path out;

    @BeforeEach
    void startHub() throws Exception {
        nextHop = new FakeSmtpServer();
        smtpPort = InProcessHub.freePort();
        out = dir.resolve("egress");
        Files.writeString(out, "a file where the egress directory should be"); // createDirectories fails
        Path routes = Files.createDirectories(dir.resolve("routes"));
        Files.writeString(routes.resolve("routing.camel.yaml"), """
                - route:
                    id: routing
                    from:
                      uri: direct:routing
                      steps:
                        - to: "mailhub:file?dir=%s"
                """.formatted(out));
        Path config = InProcessHub.fastRedelivery(dir, 300, 50);
        Map<String, String> values = InProcessHub.settings(dir, smtpPort, InProcessHub.freePort());
        values.put("mailhub.relay.smarthost", "127.0.0.1:" + nextHop.port());
        values.put("mailhub.routes.dir", routes.toString());
        values.put("mailhub.broker.config", config.toString());
        hub = InProcessHub.start(values);
    }

    @AfterEach
    void stopHub() throws Exception {
        hub.stop();
        nextHop.close();
    }

    @Test
    void aMessageWhoseDirectoryCannotBeWrittenIsRedeliveredAndWrittenOnceWhenItCan() throws Exception {
        assertThat(InProcessHub.smtp(smtpPort, "a@client.test", List.of("scan@file.test"),
                "Subject: egress retry\r\n\r\nbody\r\n")).startsWith("250 2.0.0 Ok: queued as");

        // the first attempts fail: the path is a file; the message stays in the broker's hands
        await().atMost(Duration.ofSeconds(10)).until(() -> failedDispatches() >= 2);
        Files.delete(out);

        await().atMost(Duration.ofSeconds(30)).until(() -> emlFiles().size() == 1);
        assertThat(Files.readString(emlFiles().get(0))).startsWith("X-Sender: <a@client.test>\r\n")
                .contains("Subject: egress retry");
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> emlFiles().size() == 1);
        assertThat(InProcessHub.receive(QueueNames.DEAD, 500)).as("nothing dead-lettered").isNull();
        assertThat(nextHop.transactions()).as("never delivered by SMTP").isEmpty();
    }

    private long failedDispatches() throws Exception {
        var managed = hub.main().getCamelContext().getCamelContextExtension()
                .getContextPlugin(org.apache.camel.api.management.ManagedCamelContext.class);
        return managed.getManagedRoute("dispatch").getExchangesFailed();
    }

    private List<Path> emlFiles() throws Exception {
        if (!Files.isDirectory(out)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(out)) {
            return s.filter(p -> p.toString().endsWith(".eml")).toList();
        }
    }
}
