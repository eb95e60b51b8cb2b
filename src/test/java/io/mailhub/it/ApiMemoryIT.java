package io.mailhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The HTTP door streams as the SMTP door does: a hub with a 256 MiB heap takes 10 concurrent 20 MB raw uploads and 10
 * concurrent JSON sends with a 10 MB attachment (13.3 MB of base64) at the same time, and relays all of them whole.
 */
class ApiMemoryIT {

    private static final int EACH = 10;
    private static final int RAW_LINES = 20 * 1024 * 1024 / 78; // 76 characters and CRLF per line
    private static final int ATTACHMENT_SIZE = 10 * 1024 * 1024;

    @Test
    void aHubWith256MegabytesOfHeapTakesTenRawAndTenJsonSendsOfTenToTwentyMegabytesAtOnce() throws Exception {
        try (SmtpSink sink = SmtpSink.onFreePort().start()) {
            HubProcess hub = new HubProcess(HubProcess.itDir("api-memory"));
            String key = HubProcess.createApiKey(hub.workDir().resolve("keys"), "bulk", "--from", "@bulk.test");
            Path raw = rawMessage(hub.workDir().resolve("raw.eml"));
            Path json = jsonMessage(hub.workDir().resolve("send.json"));
            try (hub) {
                hub.jvm("-Xmx256m").jvm("-XX:+ExitOnOutOfMemoryError")
                        .set("mailhub.relay.smarthost", "127.0.0.1:" + sink.port)
                        .set("mailhub.api.keys-file", hub.workDir().resolve("keys")).start();
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

                List<CompletableFuture<HttpResponse<String>>> sends = new ArrayList<>();
                for (int i = 0; i < EACH; i++) {
                    sends.add(client.sendAsync(post(hub, key, "/api/v1/messages/raw", "message/rfc822", raw)
                            .header("Rcpt-To", "raw" + i + "@remote.test").build(), HttpResponse.BodyHandlers.ofString()));
                    sends.add(client.sendAsync(post(hub, key, "/api/v1/messages", "application/json", json)
                            .build(), HttpResponse.BodyHandlers.ofString()));
                }
                for (CompletableFuture<HttpResponse<String>> s : sends) {
                    HttpResponse<String> r = s.get();
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
                }

                // smtp-sink writes each dump file while the message arrives: a file can be there before its end, so
                // wait for the whole content, not for the number of files. Lines end in LF there: count lines.
                await().atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                    assertThat(sink.messages().stream().filter(m -> m.content().contains("Subject: raw upload"))
                            .map(m -> m.body().lines().filter(l -> l.startsWith("raw-line ")).count()))
                            .hasSize(EACH).containsOnly((long) RAW_LINES);
                    assertThat(sink.messages().stream().filter(m -> m.content().contains("Subject: json upload"))
                            .map(m -> m.body().lines().filter(l -> l.length() == 76 && !l.contains(" ")).count()))
                            .hasSize(EACH).allMatch(n -> n >= ATTACHMENT_SIZE * 4L / 3 / 76);
                });
                assertThat(sink.count()).as("each message once").isEqualTo(2 * EACH);
                assertThat(hub.health()).contains("UP");
                assertThat(hub.log()).doesNotContain("OutOfMemoryError");
            }
        }
    }

    private static HttpRequest.Builder post(HubProcess hub, String key, String path, String type, Path body)
            throws IOException {
        return HttpRequest.newBuilder(URI.create(hub.url(path))).timeout(Duration.ofSeconds(240))
                .header("Authorization", "Bearer " + key).header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofFile(body));
    }

    /** A 20 MB message of numbered 76-character lines. */
    private static Path rawMessage(Path file) throws IOException {
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file))) {
            out.write("From: bulk@bulk.test\r\nTo: list@bulk.test\r\nSubject: raw upload\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < RAW_LINES; i++) {
                String line = String.format("raw-line %010d ", i);
                out.write((line + "x".repeat(76 - line.length()) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            }
        }
        return file;
    }

    /** A JSON send with a 10 MB attachment, written as a client library would stream it. */
    private static Path jsonMessage(Path file) throws IOException {
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file))) {
            out.write(("{\"from\": \"bulk@bulk.test\", \"to\": \"json@remote.test\", \"subject\": \"json upload\", "
                    + "\"text\": \"see the attachment\", \"attachments\": [{\"filename\": \"data.bin\", "
                    + "\"content_type\": \"application/octet-stream\", \"content\": \"")
                    .getBytes(StandardCharsets.US_ASCII));
            OutputStream b64 = Base64.getEncoder().wrap(new NonClosing(out));
            byte[] block = new byte[65536];
            new java.util.Random(7).nextBytes(block);
            for (int written = 0; written < ATTACHMENT_SIZE; written += block.length) {
                b64.write(block);
            }
            b64.close();
            out.write("\"}]}".getBytes(StandardCharsets.US_ASCII));
        }
        return file;
    }

    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            // the JSON goes on after the base64
        }
    }
}
