package io.mailhub.it;

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
final class Rspamd extends TestDaemon {

    private Rspamd(int port, Process process) {
        super(port, process);
    }

    static Rspamd start(Path stateDir) throws Exception {
        int port = Ports.free();
        Path conf = Path.of("src/test/resources/it/rspamd").toAbsolutePath();
        Files.createDirectories(stateDir);
        Path log = stateDir.resolve("rspamd.log");
        Process p = new ProcessBuilder("rspamd", "-f", "-i", "-c", conf.resolve("rspamd.conf").toString(),
                "--var=LOCAL_CONFDIR=" + conf, "--var=DBDIR=" + stateDir, "--var=RUNDIR=" + stateDir,
                "--var=LOGDIR=" + stateDir, "--var=BIND=127.0.0.1:" + port, "--var=DNS=127.0.0.1:1",
                "--var=URL_TLD=" + conf.resolve("tld-mini.dat")).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        Rspamd r = new Rspamd(port, p);
        HttpClient http = HttpClient.newHttpClient();
        awaitReady(p, log, Duration.ofSeconds(90), () -> http.send(HttpRequest.newBuilder(URI.create(r.url()
                + "/ping")).timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString()).body()
                .contains("pong"));
        return r;
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }
}
