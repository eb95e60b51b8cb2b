package io.mailhub.it;

import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A private rspamd (Debian's package; the normal worker only, no redis, no network: its DNS goes to a dead port) with
 * the configuration in src/test/resources/it/rspamd: the stock rules, the network-based modules off, GTUBE and two
 * test symbols (subjects MAILHUB-TEST-ADD-HEADER, score 10, and MAILHUB-TEST-GREYLIST, score 5).
 */
final class Rspamd implements AutoCloseable {

    final int port;
    private final Process process;

    private Rspamd(int port, Process process) {
        this.port = port;
        this.process = process;
    }

    static Rspamd start(Path stateDir) throws Exception {
        int port = Ports.free();
        Path conf = Path.of("src/test/resources/it/rspamd").toAbsolutePath();
        Files.createDirectories(stateDir);
        Process p = new ProcessBuilder("rspamd", "-f", "-i", "-c", conf.resolve("rspamd.conf").toString(),
                "--var=LOCAL_CONFDIR=" + conf, "--var=DBDIR=" + stateDir, "--var=RUNDIR=" + stateDir,
                "--var=LOGDIR=" + stateDir, "--var=BIND=127.0.0.1:" + port, "--var=DNS=127.0.0.1:1",
                "--var=URL_TLD=" + conf.resolve("tld-mini.dat")).redirectErrorStream(true)
                .redirectOutput(stateDir.resolve("rspamd.log").toFile()).start();
        Rspamd r = new Rspamd(port, p);
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (!p.isAlive()) {
                throw new IllegalStateException("rspamd ended: " + Files.readString(stateDir.resolve("rspamd.log")));
            }
            try {
                return http.send(HttpRequest.newBuilder(URI.create(r.url() + "/ping")).timeout(Duration.ofSeconds(1))
                        .build(), HttpResponse.BodyHandlers.ofString()).body().contains("pong");
            } catch (java.io.IOException e) {
                return false;
            }
        });
        return r;
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    void kill() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
