package io.mailhub.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Python's {@code email} package as an independent MIME parser: src/test/resources/it/parse-mail.py reads smtp-sink
 * dumps and prints, per message, the decoded subject and addresses, the parts (type, file name, Content-ID, decoded
 * text), the envelope recipients, the parser's defects and whether every line ends in CRLF.
 */
public final class PythonEmail {

    private PythonEmail() {}

    public static JsonNode parse(Path dump) throws IOException, InterruptedException {
        return parseAll(List.of(dump)).get(0);
    }

    public static JsonNode parseAll(List<Path> dumps) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", script().toString(), "--sink"));
        dumps.forEach(d -> cmd.add(d.toString()));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("parse-mail.py failed: " + out);
        }
        return new ObjectMapper().readTree(out);
    }

    private static Path script() {
        return Path.of("src/test/resources/it/parse-mail.py").toAbsolutePath();
    }
}
