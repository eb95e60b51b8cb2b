package io.mailhub.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** curl, the HTTP client operators and integrators try an API with first: one request per call. */
public final class Curl {

    /** What curl received: the status, the header fields (last value per lower-case name) and the body. */
    public record Response(int status, Map<String, String> headers, String body) {

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public JsonNode json() {
            try {
                return new ObjectMapper().readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (status " + status + "): " + body, e);
            }
        }

        @Override
        public String toString() {
            return status + " " + headers + "\n" + body;
        }
    }

    private final List<String> args = new ArrayList<>(List.of("curl", "-sS", "--max-time", "60"));

    private Curl() {}

    /** {@code curl -X METHOD url}. */
    public static Curl request(String method, String url) {
        Curl c = new Curl();
        c.args.addAll(List.of("-X", method, url));
        return c;
    }

    public Curl header(String name, String value) {
        args.addAll(List.of("-H", name + ": " + value));
        return this;
    }

    public Curl bearer(String key) {
        return header("Authorization", "Bearer " + key);
    }

    public Curl json(String body) {
        return header("Content-Type", "application/json").data(body);
    }

    /** The body as given, sent byte for byte (from a file: a command line has a length limit). */
    public Curl data(String body) {
        try {
            Path file = Files.createTempFile("curl-data", ".txt");
            Files.writeString(file, body, StandardCharsets.UTF_8);
            file.toFile().deleteOnExit();
            return dataFile(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The body read from a file. */
    public Curl dataFile(Path file) {
        args.addAll(List.of("--data-binary", "@" + file));
        return this;
    }

    /** Any other curl option, e.g. {@code -k} or {@code -u api:KEY}. */
    public Curl option(String... options) {
        args.addAll(List.of(options));
        return this;
    }

    public Response send() throws IOException, InterruptedException {
        Path headers = Files.createTempFile("curl-headers", ".txt");
        Path body = Files.createTempFile("curl-body", ".txt");
        try {
            List<String> cmd = new ArrayList<>(args);
            cmd.addAll(List.of("-D", headers.toString(), "-o", body.toString(), "-w", "%{http_code}"));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("curl failed (" + (p.isAlive() ? "timeout" : "exit " + p.exitValue()) + "): "
                        + out + " for " + String.join(" ", cmd));
            }
            Map<String, String> fields = new LinkedHashMap<>();
            for (String line : Files.readAllLines(headers, StandardCharsets.ISO_8859_1)) {
                int colon = line.indexOf(':');
                if (line.startsWith("HTTP/")) {
                    fields.clear(); // a 100 Continue comes first
                } else if (colon > 0) {
                    fields.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
                }
            }
            return new Response(Integer.parseInt(out.strip()), fields, Files.readString(body, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(headers);
            Files.deleteIfExists(body);
        }
    }
}
