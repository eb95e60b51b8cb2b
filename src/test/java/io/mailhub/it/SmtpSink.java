package io.mailhub.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Postfix's {@code smtp-sink} as a real next hop. Every received transaction is dumped to a file with the envelope
 * in {@code X-Mail-Args} / {@code X-Rcpt-Args} headers; {@link #messages()} reads them back.
 */
public final class SmtpSink implements AutoCloseable {

    public final String host;
    public final int port;
    private final Path dumps;
    private final List<String> options;
    private Process process;

    private SmtpSink(String host, int port, List<String> options) throws IOException {
        this.host = host;
        this.port = port;
        this.options = options;
        // smtp-sink drops privileges to "nobody": the dump folder and its parents must be writable/readable by it.
        this.dumps = Files.createTempDirectory(Path.of("/tmp"), "mailhub-sink-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxrwxrwx")));
        Files.setPosixFilePermissions(dumps, PosixFilePermissions.fromString("rwxrwxrwx"));
    }

    /** A sink on a free port with extra smtp-sink options (e.g. {@code -r RCPT} to answer 4xx), not yet started. */
    public static SmtpSink onFreePort(String... options) throws IOException {
        return new SmtpSink("127.0.0.1", Ports.free(), List.of(options));
    }

    /**
     * A sink on a given address and port, not yet started: several sinks share the port of MX delivery
     * ({@code mailhub.relay.port}) on different loopback addresses, {@code 127.0.0.x} or {@code ::1}.
     */
    public static SmtpSink on(String host, int port, String... options) throws IOException {
        return new SmtpSink(host, port, List.of(options));
    }

    public SmtpSink start() throws Exception {
        List<String> cmd = new ArrayList<>(List.of("smtp-sink"));
        if ("root".equals(System.getProperty("user.name"))) {
            cmd.addAll(List.of("-u", "nobody"));
        }
        cmd.addAll(options);
        boolean v6 = host.contains(":");
        if (v6) {
            cmd.add("-6");
        }
        cmd.addAll(List.of("-d", dumps + "/m.", (v6 ? "[" + host + "]" : host) + ":" + port, "256"));
        process = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dumps.resolveSibling(dumps.getFileName() + ".log").toFile()).start();
        Process started = process;
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                .pollInterval(java.time.Duration.ofMillis(50))
                .until(() -> !started.isAlive() || Ports.listening(host, port));
        if (!process.isAlive()) {
            throw new IllegalStateException("smtp-sink exited: " + String.join(" ", cmd));
        }
        if (!Ports.listening(host, port)) {
            throw new IllegalStateException("smtp-sink does not listen on " + port);
        }
        return this;
    }

    /** The first message whose content contains {@code marker}, waiting up to 30 s for it to arrive. */
    public SinkMessage awaitMessage(String marker) {
        return org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .pollInterval(java.time.Duration.ofMillis(100))
                .until(() -> messages().stream().filter(m -> m.content().contains(marker)).findFirst(),
                        java.util.Optional::isPresent)
                .get();
    }

    /** How many messages arrived for each recipient so far: more than 1 is a duplicate. */
    public java.util.Map<String, Long> arrivalsByRecipient() {
        return messages().stream().flatMap(m -> m.recipients().stream()).collect(java.util.stream.Collectors
                .groupingBy(java.util.function.Function.identity(), java.util.stream.Collectors.counting()));
    }

    /** How many messages arrived with each Subject so far (tests give each message its own). */
    public java.util.Map<String, Long> arrivalsBySubject() {
        return messages().stream().map(m -> m.header("Subject")).collect(java.util.stream.Collectors
                .groupingBy(java.util.function.Function.identity(), java.util.stream.Collectors.counting()));
    }

    /** Every message received so far, oldest first. */
    public List<SinkMessage> messages() {
        try (Stream<Path> files = Files.list(dumps)) {
            List<SinkMessage> result = new ArrayList<>();
            for (Path f : files.sorted().toList()) {
                result.add(SinkMessage.parse(Files.readString(f, StandardCharsets.ISO_8859_1)));
            }
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The dump files of the messages received so far, oldest first (for an independent parser). */
    public List<Path> files() {
        try (Stream<Path> files = Files.list(dumps)) {
            return files.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int count() {
        try (Stream<Path> files = Files.list(dumps)) {
            return (int) files.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
            process.destroyForcibly();
            process = null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
