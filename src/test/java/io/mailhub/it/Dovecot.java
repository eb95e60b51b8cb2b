package io.mailhub.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A private Dovecot (Debian's dovecot-core and dovecot-lmtpd) that takes mail over LMTP on a loopback port and stores
 * it in Maildirs under {@code dir/mail}. Users come from a passwd-file: {@code ann}, and {@code full}, whose quota of
 * 10 bytes refuses every message (552 5.2.2 after the content); any other address is unknown (550 5.1.1 at RCPT).
 * Mail is stored as nobody (65534).
 */
final class Dovecot extends TestDaemon {

    private final Path dir;

    private Dovecot(int port, Process process, Path dir) {
        super(port, process);
        this.dir = dir;
    }

    static Dovecot start(Path dir) throws Exception {
        int port = Ports.free();
        Path mail = Files.createDirectories(dir.resolve("mail"));
        Files.createDirectories(dir.resolve("run"));
        chown(mail);
        Files.writeString(dir.resolve("users"), String.join("\n",
                "ann:{PLAIN}x:65534:65534::" + mail.resolve("ann") + "::",
                "full:{PLAIN}x:65534:65534::" + mail.resolve("full") + "::userdb_quota_rule=*:storage=10B", ""));
        Files.writeString(dir.resolve("dovecot.conf"), String.join("\n",
                "base_dir = " + dir.resolve("run"),
                "state_dir = " + dir.resolve("state"),
                "log_path = " + dir.resolve("dovecot.log"),
                "protocols = lmtp",
                // a Dovecot on the hub's own machine greets with the machine's name, which is the hub's too by default
                "hostname = hub.test",
                "ssl = no",
                "listen = 127.0.0.1",
                "auth_username_format = %Ln",
                "mail_location = maildir:~/Maildir",
                "mail_plugins = quota",
                "passdb {", "  driver = passwd-file", "  args = " + dir.resolve("users"), "}",
                "userdb {", "  driver = passwd-file", "  args = " + dir.resolve("users"), "}",
                "plugin {", "  quota = maildir:User quota", "}",
                "service lmtp {", "  inet_listener lmtp {", "    address = 127.0.0.1", "    port = " + port, "  }",
                "  unix_listener lmtp {", "    mode = 0666", "  }", "}",
                ""));
        Path log = dir.resolve("dovecot-foreground.log");
        Process p = new ProcessBuilder(List.of("dovecot", "-F", "-c", dir.resolve("dovecot.conf").toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        awaitReady(p, log, Duration.ofSeconds(30), () -> Ports.listening(port));
        return new Dovecot(port, p, dir);
    }

    private static void chown(Path mail) throws Exception {
        Process p = new ProcessBuilder("chown", "65534:65534", mail.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException("chown failed: " + out);
        }
    }

    /** Dovecot's LMTP socket ({@code unix_listener lmtp} in its base_dir). */
    Path socket() {
        return dir.resolve("run").resolve("lmtp");
    }

    /** The messages in a user's INBOX (Maildir new/), as text. */
    List<String> inbox(String user) throws Exception {
        Path fresh = dir.resolve("mail").resolve(user).resolve("Maildir").resolve("new");
        if (!Files.isDirectory(fresh)) {
            return List.of();
        }
        try (var files = Files.list(fresh)) {
            return files.sorted().map(f -> {
                try {
                    return Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).toList();
        }
    }

    String log() throws Exception {
        Path log = dir.resolve("dovecot.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }
}
