package io.mailhub.it;

import static org.awaitility.Awaitility.await;

import java.io.InputStream;
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
final class Clamd implements AutoCloseable {

    final int port;
    private final Process process;

    private Clamd(int port, Process process) {
        this.port = port;
        this.process = process;
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
        Process p = new ProcessBuilder("clamd", "--config-file=" + state.resolve("clamd.conf").toAbsolutePath(),
                "--foreground").redirectErrorStream(true).redirectOutput(state.resolve("clamd.out").toFile()).start();
        Clamd c = new Clamd(port, p);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!p.isAlive()) {
                throw new IllegalStateException("clamd ended: " + Files.readString(state.resolve("clamd.out")));
            }
            try (Socket s = new Socket("127.0.0.1", port)) {
                OutputStream out = s.getOutputStream();
                out.write("zPING\0".getBytes(StandardCharsets.US_ASCII));
                InputStream in = s.getInputStream();
                return new String(in.readNBytes(4), StandardCharsets.US_ASCII).equals("PONG");
            } catch (java.io.IOException e) {
                return false;
            }
        });
        return c;
    }

    String address() {
        return "127.0.0.1:" + port;
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
