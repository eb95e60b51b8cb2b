package io.mailhub.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A private Postfix instance as a real SMTP peer (the benchmark's bench/lib/postfix-instance.sh): listens on
 * 127.0.0.1, relays everything to a next hop, takes extra main.cf settings (e.g. STARTTLS with a test certificate).
 * Needs root, like Postfix itself. Its directory is fixed, since Postfix only accepts configuration directories listed
 * in the system's main.cf, and the listing is added once.
 */
final class PostfixPeer implements AutoCloseable {

    static final Path DIR = Path.of("/tmp/mailhub-it-postfix");

    final int port;

    private PostfixPeer(int port) {
        this.port = port;
    }

    /** Creates and starts the instance; {@code mainCf} are {@code name = value} settings added to its main.cf. */
    static PostfixPeer start(int nextHopPort, String... mainCf) throws IOException, InterruptedException {
        return start(nextHopPort, java.util.Map.of(), mainCf);
    }

    /**
     * As {@link #start(int, String...)}, with extra files written below the instance's configuration directory before
     * it starts, e.g. {@code sasl/smtpd.conf} (Debian's Postfix reads Cyrus SASL's configuration from
     * {@code $config_directory/sasl/} and ignores {@code cyrus_sasl_config_path}).
     */
    static PostfixPeer start(int nextHopPort, java.util.Map<String, String> etcFiles, String... mainCf)
            throws IOException, InterruptedException {
        int port = Ports.free();
        List<String> cmd = new ArrayList<>(List.of("bash", "-c",
                "set -euo pipefail; source bench/lib/common.sh; source bench/lib/postfix-instance.sh;"
                        + " dir=$1 port=$2 next=$3; shift 3; pf_create \"$dir\" \"$port\" \"$next\";"
                        + " if (($#)); then postconf -c \"$dir/etc\" -e \"$@\"; fi",
                "postfix-peer", DIR.toString(), Integer.toString(port), Integer.toString(nextHopPort)));
        cmd.addAll(List.of(mainCf));
        run(cmd, "cannot create a private Postfix in " + DIR);
        for (java.util.Map.Entry<String, String> f : etcFiles.entrySet()) {
            Path file = DIR.resolve("etc").resolve(f.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, f.getValue());
        }
        run(List.of("bash", "-c", "set -euo pipefail; source bench/lib/common.sh; source bench/lib/postfix-instance.sh;"
                + " pf_start \"$1\"", "postfix-peer", DIR.toString()), "cannot start the private Postfix in " + DIR);
        return new PostfixPeer(port);
    }

    /** The instance's mail log, for diagnostics. */
    String log() {
        try {
            return Files.readString(DIR.resolve("log/postfix.log"), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        run(List.of("bash", "-c", "source bench/lib/common.sh; source bench/lib/postfix-instance.sh; pf_destroy \"$1\"",
                "postfix-peer", DIR.toString()), "cannot stop the private Postfix in " + DIR);
    }

    private static void run(List<String> cmd, String failure) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(failure + ":\n" + out);
        }
    }
}
