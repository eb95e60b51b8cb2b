package io.mailhub.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code java -jar mailhub.jar queue --url HUB --user NAME ARGS} with the password in the environment, as an operator runs it. */
record QueueCli(int exit, String out, String err) {

    static QueueCli run(HubProcess hub, String user, String password, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", HubProcess.jar().toString(), "queue", "--url", hub.url(""), "--user", user));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("MAILHUB_ADMIN_PASSWORD", password);
        Process p = pb.start();
        // read standard error beside standard output, so that neither pipe fills up
        java.util.concurrent.CompletableFuture<String> err = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                return e.toString();
            }
        });
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        return new QueueCli(p.exitValue(), out, err.get());
    }
}
