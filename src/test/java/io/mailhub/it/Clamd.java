package io.mailhub.it;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A private clamd (Debian's clamav-daemon) with only the test signatures of src/test/resources/it/clamav: EICAR
 * anywhere (also decoded from MIME) and the test file of clamav-testfiles. No Debian package ships ClamAV's signature
 * database and this machine cannot download it, so clamd reports these as {@code NAME.UNOFFICIAL}.
 */
final class Clamd extends TestDaemon {

    private Clamd(int port, Process process) {
        super(port, process);
    }

    static Clamd start(Path state) throws Exception {
        int port = Ports.free();
        Path res = Path.of("src/test/resources/it/clamav");
        Files.createDirectories(state.resolve("db"));
        Files.createDirectories(state.resolve("tmp"));
        Files.copy(res.resolve("mailhub-test.ndb"), state.resolve("db/mailhub-test.ndb"));
        Files.copy(res.resolve("mailhub-test.hdb"), state.resolve("db/mailhub-test.hdb"));
        Files.writeString(state.resolve("clamd.conf"), Files.readString(res.resolve("clamd.conf.in"))
                .replace("@STATE@", state.toAbsolutePath().toString()).replace("@PORT@", Integer.toString(port)));
        Path log = state.resolve("clamd.out");
        Process p = new ProcessBuilder("clamd", "--config-file=" + state.resolve("clamd.conf").toAbsolutePath(),
                "--foreground").redirectErrorStream(true).redirectOutput(log.toFile()).start();
        awaitReady(p, log, Duration.ofSeconds(60), () -> {
            try (Socket s = new Socket("127.0.0.1", port)) {
                OutputStream out = s.getOutputStream();
                out.write("zPING\0".getBytes(StandardCharsets.US_ASCII));
                return new String(s.getInputStream().readNBytes(4), StandardCharsets.US_ASCII).equals("PONG");
            }
        });
        return new Clamd(port, p);
    }

    String address() {
        return "127.0.0.1:" + port;
    }
}
