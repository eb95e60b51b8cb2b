package io.mailhub.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One domain's MTA-STS policy host: openssl's {@code s_server -WWW} on {@code address:port}, serving
 * {@code /.well-known/mta-sts.txt} (as {@code text/plain}) with a certificate for {@code mta-sts.DOMAIN} signed by a
 * test CA.
 */
final class MtaStsPolicyServer extends TestDaemon {

    private MtaStsPolicyServer(int port, Process process) {
        super(port, process);
    }

    /**
     * @param ca a directory with the test CA's {@code ca.pem} and {@code ca.key}
     * @param policy the policy text
     */
    static MtaStsPolicyServer start(Path ca, String domain, String address, int port, String policy) throws Exception {
        Path dir = Files.createTempDirectory("mta-sts-" + domain);
        Files.createDirectories(dir.resolve(".well-known"));
        Files.writeString(dir.resolve(".well-known/mta-sts.txt"), policy);
        String host = "mta-sts." + domain;
        String script = String.join("\n",
                "set -e",
                "cd \"$1\"",
                "openssl req -newkey rsa:2048 -nodes -keyout key.pem -out req.csr -subj /CN=" + host + " 2>/dev/null",
                "printf 'subjectAltName=DNS:" + host + "\\nextendedKeyUsage=serverAuth\\n' > ext.cnf",
                "openssl x509 -req -in req.csr -CA \"$2/ca.pem\" -CAkey \"$2/ca.key\" -CAcreateserial"
                        + " -CAserial serial.srl -out cert.pem -days 2 -extfile ext.cnf 2>/dev/null");
        Process made = new ProcessBuilder(List.of("bash", "-c", script, "cert", dir.toString(), ca.toString()))
                .redirectErrorStream(true).start();
        String out = new String(made.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(made.waitFor(60, TimeUnit.SECONDS) && made.exitValue() == 0).as(out).isTrue();
        Path log = dir.resolve("s_server.log");
        Process p = new ProcessBuilder(List.of("openssl", "s_server", "-accept", address + ":" + port, "-cert",
                "cert.pem", "-key", "key.pem", "-WWW", "-quiet"))
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        awaitReady(p, log, Duration.ofSeconds(30), () -> Ports.listening(address, port));
        return new MtaStsPolicyServer(port, p);
    }
}
