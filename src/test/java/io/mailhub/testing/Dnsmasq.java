package io.mailhub.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real DNS server for tests: Debian's {@code dnsmasq} ({@code dnsmasq-base}) on 127.0.0.1 and a free port, serving
 * records given as command-line flags only (no configuration file, no /etc/hosts, no resolv.conf, no upstream).
 * Names under the local zones ({@code test} unless {@link Builder#zone(String)} says otherwise) that have no record are
 * NXDOMAIN; other names are REFUSED.
 *
 * <pre>{@code
 * try (Dnsmasq dns = Dnsmasq.builder()
 *         .mx("d.test", "mx.d.test", 10)
 *         .host("mx.d.test", "127.0.0.12", "::1")
 *         .nullMx("null.test")
 *         .servfail("broken.example")
 *         .start()) {
 *     resolver = new DnsjavaMxResolver(List.of(dns.address()), Duration.ofSeconds(2), new Random(1));
 * }
 * }</pre>
 *
 * <p>Failures on demand: {@link Builder#refused(String)} forwards a domain to a second dnsmasq that knows nothing and
 * answers REFUSED, which the front passes on. dnsmasq never answers SERVFAIL for its own data and forwarding to a dead
 * port gives no answer at all over UDP (the client times out) and a closed connection over TCP; so
 * {@link Builder#servfail(String)} makes the front a DNSSEC-validating resolver ({@code --dnssec} with the root trust
 * anchor) in front of that second, unsigned dnsmasq: answers for the domain cannot be validated, and the front answers
 * SERVFAIL. Only names outside the local zones can be made to fail this way, since dnsmasq does not validate its own
 * records nor replies from a domain's own {@code --server}.
 *
 * <p>Local records have TTL 0 unless {@link Builder#ttl(int)} says otherwise, so client caches never hide a change.
 * Works as root (dnsmasq then drops to the user nobody) and as any other user.
 */
public final class Dnsmasq implements AutoCloseable {

    private static final String BINARY = "/usr/sbin/dnsmasq";
    private static final String HOST = "127.0.0.1";
    /** The root zone's KSK-2017 (IANA root-anchors.xml); any anchor would do, the answers are unsigned anyway. */
    private static final String ROOT_TRUST_ANCHOR =
            ".,20326,8,2,E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);

    private final Instance front;
    private final Instance upstream;
    private final Thread shutdownHook;

    private Dnsmasq(Instance front, Instance upstream) {
        this.front = front;
        this.upstream = upstream;
        this.shutdownHook = new Thread(this::stop, "dnsmasq-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The address to give a resolver. */
    public InetSocketAddress address() {
        return new InetSocketAddress(front.host(), front.port());
    }

    public int port() {
        return front.port();
    }

    /** The {@code host:port} form of {@code mailhub.dns.servers}. */
    public String setting() {
        return front.host() + ":" + front.port();
    }

    /** The command line of the server that answers clients, for failure messages. */
    public List<String> command() {
        return front.command();
    }

    /** What dnsmasq logged so far, one query per line ({@code --log-queries}). */
    public String log() {
        return front.log();
    }

    /** Stops the servers; the port answers nothing afterwards. */
    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down and runs the hook itself
        }
    }

    private void stop() {
        front.stop();
        if (upstream != null) {
            upstream.stop();
        }
    }

    /** Collects records; each call adds dnsmasq flags. */
    public static final class Builder {

        private final List<String> zones = new ArrayList<>();
        private final List<String> records = new ArrayList<>();
        private final List<String> servfail = new ArrayList<>();
        private final List<String> refused = new ArrayList<>();
        private int ttl;

        private Builder() {}

        /**
         * Where the server that answers clients listens, e.g. {@code 127.0.0.153} port 53 for programs that only use
         * the system resolver (resolv.conf cannot name a port); port 53 needs root. Default: 127.0.0.1, a free port.
         */
        /**
         * A TXT record whose value may exceed 255 octets (a DKIM key): dnsmasq splits it into strings of 255 itself,
         * which resolvers join again. On its command line dnsmasq keeps quotes and splits at commas, so the value
         * must not contain commas.
         */
        public Builder longTxt(String name, String value) {
            if (value.indexOf(',') >= 0 || value.indexOf('"') >= 0) {
                throw new IllegalArgumentException("dnsmasq cannot serve commas or quotes in a TXT value: " + value);
            }
            records.add("--txt-record=" + name + "," + value);
            return this;
        }

        /** A local zone: its names without records are NXDOMAIN ({@code --local=/zone/}). Default: {@code test}. */
        public Builder zone(String zone) {
            zones.add(zone);
            return this;
        }

        /** An MX record ({@code --mx-host=domain,host,preference}). */
        public Builder mx(String domain, String host, int preference) {
            records.add("--mx-host=" + domain + "," + host + "," + preference);
            return this;
        }

        /** A null MX, {@code MX 0 .} (RFC 7505). */
        public Builder nullMx(String domain) {
            return mx(domain, ".", 0);
        }

        /** A and AAAA records for a name, one {@code --host-record} per address (dnsmasq adds them up). */
        public Builder host(String name, String... addresses) {
            for (String address : addresses) {
                records.add("--host-record=" + name + "," + address);
            }
            return this;
        }

        /** A TXT record: makes a name exist without A, AAAA or MX records. */
        public Builder txt(String name, String text) {
            records.add("--txt-record=" + name + "," + text);
            return this;
        }

        /** A CNAME record; the target must be a name dnsmasq knows from {@link #host}. */
        public Builder cname(String alias, String target) {
            records.add("--cname=" + alias + "," + target);
            return this;
        }

        /** Any other dnsmasq flag, e.g. {@code --srv-host=...}. */
        public Builder flag(String flag) {
            records.add(flag);
            return this;
        }

        /** TTL of the local records in seconds ({@code --local-ttl}); default 0. */
        public Builder ttl(int seconds) {
            this.ttl = seconds;
            return this;
        }

        /** Every query for the domain and its subdomains is answered SERVFAIL; must lie outside the local zones. */
        public Builder servfail(String domain) {
            servfail.add(domain);
            return this;
        }

        /** Every query for the domain and its subdomains is answered REFUSED. */
        public Builder refused(String domain) {
            refused.add(domain);
            return this;
        }

        public Dnsmasq start() throws IOException {
            List<String> localZones = zones.isEmpty() ? List.of("test") : List.copyOf(zones);
            for (String domain : servfail) {
                for (String zone : localZones) {
                    if (domain.equals(zone) || domain.endsWith("." + zone)) {
                        throw new IllegalArgumentException("servfail domain " + domain + " lies in local zone " + zone
                                + ": dnsmasq answers it itself and never validates it");
                    }
                }
            }
            Instance upstream = null;
            if (!servfail.isEmpty() || !refused.isEmpty()) {
                List<String> flags = new ArrayList<>();
                servfail.forEach(d -> flags.add("--local=/" + d + "/"));
                upstream = Instance.start(flags);
            }
            try {
                List<String> flags = new ArrayList<>();
                localZones.forEach(z -> flags.add("--local=/" + z + "/"));
                flags.add("--local-ttl=" + ttl);
                flags.addAll(records);
                if (!servfail.isEmpty()) {
                    flags.add("--dnssec");
                    flags.add("--trust-anchor=" + ROOT_TRUST_ANCHOR);
                    flags.add("--server=" + HOST + "#" + upstream.port());
                }
                for (String domain : refused) {
                    flags.add("--server=/" + domain + "/" + HOST + "#" + upstream.port());
                }
                return new Dnsmasq(Instance.start(flags), upstream);
            } catch (IOException | RuntimeException e) {
                if (upstream != null) {
                    upstream.stop();
                }
                throw e;
            }
        }
    }

    /** One dnsmasq process. */
    private record Instance(Process process, String host, int port, List<String> command, Path logFile) {

        static Instance start(List<String> flags) throws IOException {
            IOException last = null;
            for (int attempt = 0; attempt < 5; attempt++) {
                int port = freePort();
                List<String> command = new ArrayList<>(List.of(
                        BINARY,
                        "--conf-file=/dev/null",
                        "--no-daemon",
                        "--port=" + port,
                        "--listen-address=" + HOST,
                        "--bind-interfaces",
                        "--no-resolv",
                        "--no-hosts",
                        "--pid-file=",
                        "--log-queries",
                        "--log-facility=-"));
                command.addAll(flags);
                Path log = Files.createTempFile("dnsmasq-", ".log");
                Process process = new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
                Instance instance = new Instance(process, HOST, port, List.copyOf(command), log);
                if (instance.awaitListening()) {
                    return instance;
                }
                String output = instance.log();
                instance.stop();
                last = new IOException("dnsmasq did not start: " + String.join(" ", command) + "\n" + output);
                if (!output.contains("in use")) {
                    break; // a bad flag, not a port taken in the meantime
                }
            }
            throw last;
        }

        /** True once dnsmasq accepts TCP connections (it binds UDP first); false if it exits or takes too long. */
        private boolean awaitListening() {
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            while (System.nanoTime() < deadline && process.isAlive()) {
                try (Socket s = new Socket(host, port)) {
                    return true;
                } catch (IOException notYet) {
                    try {
                        process.waitFor(20, TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                }
            }
            return false;
        }

        String log() {
            try {
                return Files.readString(logFile, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "(log unreadable: " + e + ")";
            }
        }

        void stop() {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            try {
                Files.deleteIfExists(logFile);
            } catch (IOException e) {
                // a temp file; leave it
            }
        }

        /** A port free for both UDP and TCP on 127.0.0.1 right now. */
        private static int freePort() {
            InetAddress host;
            try {
                host = InetAddress.getByName(HOST);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            for (int i = 0; i < 20; i++) {
                try (ServerSocket tcp = new ServerSocket(0, 1, host)) {
                    int port = tcp.getLocalPort();
                    try (DatagramSocket udp = new DatagramSocket(port, host)) {
                        return port;
                    } catch (IOException udpTaken) {
                        // try another
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            throw new IllegalStateException("no port free for both UDP and TCP");
        }
    }
}
