package io.mailhub.ingress.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every problem type the HTTP door can answer with is described at /problems/TYPE, and nothing else is. */
class ProblemTypesTest {

    private static final Pattern MADE = Pattern.compile(
            "new ApiProblem\\(\\s*\\d{3},\\s*\"([a-z-]+)\"|unprocessable\\(\\s*\"([a-z-]+)\"");

    private static String sourcesOtherThanTheDescriptions() throws IOException {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.list(Path.of("src/main/java/io/mailhub/ingress/http"))) {
            for (Path f : files.filter(f -> !f.endsWith("ProblemTypesServlet.java")).toList()) {
                all.append(Files.readString(f));
            }
        }
        return all.toString();
    }

    @Test
    void everyTypeTheCodeMakesIsDescribed() throws IOException {
        Set<String> made = new TreeSet<>();
        Matcher m = MADE.matcher(sourcesOtherThanTheDescriptions());
        while (m.find()) {
            made.add(m.group(1) != null ? m.group(1) : m.group(2));
        }

        assertThat(made).hasSizeGreaterThan(20);
        assertThat(ProblemTypesServlet.TYPES.keySet()).containsAll(made);
    }

    @Test
    void everyDescribedTypeIsUsedByTheCode() throws IOException {
        String code = sourcesOtherThanTheDescriptions();

        assertThat(ProblemTypesServlet.TYPES.keySet()).allSatisfy(type ->
                assertThat(code).as("a type nothing makes").contains("\"" + type + "\""));
    }

    @Test
    void theOpenApiDocumentListsExactlyTheseTypes() throws IOException {
        Set<String> documented = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^\\s+- /problems/([a-z-]+)$")
                .matcher(Files.readString(Path.of("docs/openapi.yaml")));
        while (m.find()) {
            documented.add(m.group(1));
        }

        assertThat(documented).containsExactlyInAnyOrderElementsOf(ProblemTypesServlet.TYPES.keySet());
    }
}
