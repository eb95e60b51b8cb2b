package io.mailhub.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A broker instance of the Artemis 2.56.0 distribution, made as artemis/README.md says ({@code artemis create} with a
 * login required, then our broker.xml), for the hub to use as its external broker ({@code mailhub.broker.url}).
 */
final class StandaloneBroker implements AutoCloseable {

    final Path instance;
    final int port;
    private final Path log;
    private Process process;

    private StandaloneBroker(Path instance, int port) {
        this.instance = instance;
        this.port = port;
        this.log = instance.resolveSibling(instance.getFileName() + ".log");
    }

    /** {@code artemis create} in {@code instance}, with the hubs' user {@code user} (role {@code mailhub}). */
    static StandaloneBroker create(Path instance, String user, String password) throws Exception {
        Path artemis = Path.of(System.getProperty("artemis.home", "target/artemis-dist/apache-artemis-2.56.0"),
                "bin", "artemis");
        Process create = new ProcessBuilder(artemis.toString(), "create", "--user", user, "--password", password,
                "--role", "mailhub", "--require-login", "--silent", "--no-web", "--no-autotune", "--force",
                instance.toString()).redirectErrorStream(true).start();
        String created = new String(create.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(create.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(create.exitValue()).as(created).isZero();
        return new StandaloneBroker(instance, Ports.free());
    }

    /** Our broker.xml, as {@code edit} changes it, in the instance's etc/. */
    StandaloneBroker brokerXml(UnaryOperator<String> edit) throws Exception {
        Files.writeString(instance.resolve("etc/broker.xml"), edit.apply(Files.readString(Path.of("artemis/broker.xml"))));
        return this;
    }

    /** Adds {@code args} to the broker JVM's arguments (artemis.profile). */
    StandaloneBroker javaArgs(String args) throws Exception {
        Files.writeString(instance.resolve("etc/artemis.profile"), "\nJAVA_ARGS=\"$JAVA_ARGS " + args + "\"\n",
                StandardOpenOption.APPEND);
        return this;
    }

    /** Adds a user (artemis-users.properties). */
    StandaloneBroker user(String name, String password) throws Exception {
        Files.writeString(instance.resolve("etc/artemis-users.properties"), "\n" + name + " = " + password + "\n",
                StandardOpenOption.APPEND);
        return this;
    }

    /** Gives {@code role} to {@code users} (artemis-roles.properties: one line per role, so name them all at once). */
    StandaloneBroker role(String role, String... users) throws Exception {
        Files.writeString(instance.resolve("etc/artemis-roles.properties"), "\n" + role + " = "
                + String.join(",", users) + "\n", StandardOpenOption.APPEND);
        return this;
    }

    /** Runs the broker on 127.0.0.1:{@link #port} and waits until it is live. */
    StandaloneBroker run() throws Exception {
        start();
        TestDaemon.awaitReady(process, log, Duration.ofMinutes(2), () -> Ports.listening(port)
                && Files.readString(log).contains("AMQ221007"));
        return this;
    }

    /** Runs a backup of a shared store, and waits until it holds the backup lock (it listens once it is active). */
    StandaloneBroker runAsBackup() throws Exception {
        start();
        TestDaemon.awaitReady(process, log, Duration.ofMinutes(2), () -> Files.readString(log).contains("AMQ221033"));
        return this;
    }

    private void start() throws Exception {
        javaArgs("-Dmailhub.broker.port=" + port + " -Dmailhub.broker.host=127.0.0.1 -Xmx512m");
        process = new ProcessBuilder(instance.resolve("bin/artemis").toString(), "run").redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
    }

    /** Ends the broker's JVM at once (SIGKILL), as a crash of its machine would: no orderly shutdown, no failover. */
    void kill() throws Exception {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    String log() throws Exception {
        return Files.readString(log);
    }

    @Override
    public void close() throws Exception {
        if (process != null) {
            process.destroy();
            process.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
