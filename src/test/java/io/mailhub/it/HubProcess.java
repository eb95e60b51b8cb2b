package io.mailhub.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The packaged hub ({@code target/mailhub.jar}) running as a real process, the way an operator starts it. */
public final class HubProcess implements AutoCloseable {

    private final Map<String, String> properties = new LinkedHashMap<>();
    private final List<String> jvmOptions = new ArrayList<>();
    private final Path workDir;
    private Process process;
    private Path log;
    private int starts;

    /** The hub's own ports: chosen anew only when the first start finds one taken (see {@link #start(boolean)}). */
    public int smtpPort;
    public int submissionPort;
    public int smtpsPort;
    public int httpPort;
    private boolean started;

    public HubProcess(Path workDir) throws IOException {
        this.workDir = Files.createDirectories(workDir);
        choosePorts();
        set("mailhub.data.dir", workDir.resolve("data"));
        set("mailhub.config.dir", workDir.resolve("config"));
        set("mailhub.hostname", "hub.test");
        // no SPF/DKIM/DMARC lookups against the machine's resolver; InboundAuthenticationIT turns them on with dnsmasq
        set("mailhub.inbound.checks", "off");
    }

    public HubProcess set(String key, Object value) {
        properties.put(key, String.valueOf(value));
        return this;
    }

    /** A property set with {@link #set}, or {@code null}. */
    public String property(String key) {
        return properties.get(key);
    }

    public HubProcess jvm(String option) {
        jvmOptions.add(option);
        return this;
    }

    /**
     * Runs the hub with the broker's ASYNCIO journal, as production does (docs/operations.md, "The broker journal"):
     * Artemis' native library, taken from the jar, on {@code java.library.path}. Needs libaio, which .ci/run installs.
     */
    public HubProcess withAsyncIoJournal() throws IOException {
        Path dir = Files.createDirectories(workDir.resolve("native"));
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar().toFile())) {
            java.util.zip.ZipEntry lib = zip.getEntry("lib/linux-x86_64/libartemis-native-64.so");
            if (lib == null) {
                throw new IOException(jar() + " holds no lib/linux-x86_64/libartemis-native-64.so");
            }
            try (java.io.InputStream in = zip.getInputStream(lib)) {
                Files.copy(in, dir.resolve("libartemis-native-64.so"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return jvm("-Djava.library.path=" + dir);
    }

    public static Path jar() {
        return Path.of(System.getProperty("mailhub.jar", "target/mailhub.jar")).toAbsolutePath();
    }

    public static Path itDir(String name) throws IOException {
        Path base = Path.of(System.getProperty("mailhub.it.dir", "target/it")).toAbsolutePath();
        Path dir = base.resolve(name + "-" + System.nanoTime());
        return Files.createDirectories(dir);
    }

    /** The command line, with {@code -Dkey=value} for every property. */
    public List<String> command(String... extraArgs) {
        return command(HubClassArchive.use(), extraArgs);
    }

    private List<String> command(List<String> archiveOptions, String... extraArgs) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(archiveOptions);
        cmd.addAll(jvmOptions);
        properties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-jar");
        cmd.add(jar().toString());
        cmd.addAll(List.of(extraArgs));
        return cmd;
    }

    /**
     * Creates an API key the way an operator does ({@code java -jar mailhub.jar api-key create NAME --keys-file FILE
     * ...}) and returns the secret it printed.
     */
    public static String createApiKey(Path keysFile, String name, String... options) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar().toString(), "api-key", "create", name, "--keys-file", keysFile.toString()));
        cmd.addAll(List.of(options));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String secret = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0 || !secret.startsWith("mh_")) {
            throw new IllegalStateException("api-key create failed: " + cmd + " printed " + secret);
        }
        return secret;
    }

    /**
     * Posts a message from billing@erp.test to the native send API with {@code key}; {@code to} is the JSON of the
     * field (an address in quotes or an array).
     */
    public java.net.http.HttpResponse<String> sendByApi(String key, String to, String subject) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url("/api/v1/messages")))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"from\": \"billing@erp.test\", \"to\": " + to
                        + ", \"subject\": \"" + subject + "\", \"text\": \"hello\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The base URL of the hub's HTTP port. */
    public String url(String path) {
        return "http://127.0.0.1:" + httpPort + path;
    }

    /** Starts the hub and waits until its health endpoint says UP. */
    public HubProcess start() throws Exception {
        return start(true);
    }

    private void choosePorts() {
        smtpPort = Ports.free();
        submissionPort = Ports.free();
        smtpsPort = Ports.free();
        httpPort = Ports.free();
        set("mailhub.smtp.port", smtpPort);
        set("mailhub.submission.port", submissionPort);
        set("mailhub.smtps.port", smtpsPort);
        set("mailhub.http.port", httpPort);
    }

    /**
     * Starts the hub and waits until its health endpoint answers, UP or (when {@code requireUp} is false) DOWN. A free
     * port found by {@link Ports#free()} can be taken by another process (an outgoing connection's ephemeral port)
     * before the hub binds it: the first start then tries again with other ports, up to three times. A restart keeps
     * the ports.
     */
    public HubProcess start(boolean requireUp) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                startOnce(requireUp);
                started = true;
                return this;
            } catch (IllegalStateException e) {
                if (started || attempt == 3 || !e.getMessage().contains("Address already in use")) {
                    throw e;
                }
                choosePorts();
            }
        }
    }

    private void startOnce(boolean requireUp) throws Exception {
        starts++;
        log = workDir.resolve("hub-" + starts + ".log");
        process = HubClassArchive.start(archive -> new ProcessBuilder(command(archive)).directory(workDir.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()));
        try {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> !process.isAlive() || log().contains("o.a.c.m.MainSupport - Failed:")
                            || ready(requireUp));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new IllegalStateException("hub did not become healthy within 60 s:\n" + log());
        }
        if (!process.isAlive()) {
            throw new IllegalStateException("hub exited with " + process.exitValue() + ":\n" + log());
        }
        if (log().contains("o.a.c.m.MainSupport - Failed:")) { // a listener that could not bind, while Camel winds down
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
            throw new IllegalStateException("hub failed to start:\n" + log());
        }
    }

    /** Health answers before the SMTP listener opens (it starts last); a DOWN hub must still be listening. */
    private boolean ready(boolean requireUp) {
        String health = health();
        return requireUp ? health.contains("\"UP\"") : health.contains("\"status\"") && smtpListening();
    }

    private boolean smtpListening() {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", smtpPort)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The body of GET /observe/health, or "" while the server is not up. */
    public String health() {
        return http("/observe/health");
    }

    /** The body of GET {@code path} on the hub's HTTP port, or "" while the server is not up. */
    public String http(String path) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                            .timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.body();
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** SIGKILL: no shutdown hook, no flush, the way a crash or the OOM killer ends it. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM and wait for the graceful stop. */
    public int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        return process.exitValue();
    }

    public String log() {
        try {
            return log == null ? "" : Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    public Path workDir() {
        return workDir;
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            stop();
        }
    }
}
