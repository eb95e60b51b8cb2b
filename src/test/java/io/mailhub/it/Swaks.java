package io.mailhub.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The {@code swaks} SMTP client as a real peer: runs it and keeps the transcript. */
public final class Swaks {

    private Swaks() {}

    public record Result(int exitCode, String transcript) {
        /** The server replies (lines swaks marks with {@code <-}, or {@code <~} over TLS, {@code <**}/{@code <~*} for errors), without the marker. */
        public List<String> replies() {
            List<String> r = new ArrayList<>();
            for (String line : transcript.split("\n")) {
                String t = line.strip();
                if (t.startsWith("<-") || t.startsWith("<~") || t.startsWith("<**")) {
                    r.add(t.replaceFirst("^<(-|~\\*|~|\\*\\*)\\s*", ""));
                }
            }
            return r;
        }

        /** The last reply line swaks received. */
        public String lastReply() {
            List<String> r = replies();
            return r.isEmpty() ? "" : r.get(r.size() - 1);
        }

        /** The reply that follows the given command line (e.g. "RCPT TO:<x@y>"), or "". */
        /** The server's greeting (or the refusal it sent instead), without swaks' prefix; "" if none. */
        public String greeting() {
            for (String line : transcript.split("\n")) {
                String t = line.strip();
                if (t.startsWith("<-") || t.startsWith("<~") || t.startsWith("<**")) {
                    return t.replaceFirst("^<(-|~\\*|~|\\*\\*)\\s*", "");
                }
            }
            return "";
        }

        public String replyTo(String command) {
            String[] lines = transcript.split("\n");
            for (int i = 0; i < lines.length; i++) {
                if (lines[i].strip().matches("^(->|~>|\\*\\*>)\\s*" + java.util.regex.Pattern.quote(command) + ".*")) {
                    for (int j = i + 1; j < lines.length; j++) {
                        String t = lines[j].strip();
                        if (t.startsWith("<-") || t.startsWith("<~") || t.startsWith("<**")) {
                            return t.replaceFirst("^<(-|~\\*|~|\\*\\*)\\s*", "");
                        }
                    }
                }
            }
            return "";
        }
    }

    public static Result run(int port, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("swaks", "--server", "127.0.0.1", "--port", Integer.toString(port),
                "--helo", "client.test", "--timeout", "30"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("swaks did not finish: " + cmd);
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }
}
