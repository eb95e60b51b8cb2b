package io.mailhub.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Which route files Camel loads. The routes packaged in the jar ({@code routes/*.camel.yaml} and
 * {@code routes/*.camel.xml}) are used unless {@code mailhub.routes.dir} holds a file of the same name, which then
 * replaces the packaged one; other route files in that directory are added. So an operator changes one route by
 * copying that one file.
 */
final class RouteFiles {

    /** The packaged route files; a test checks this list against the routes/ directory. */
    static final List<String> PACKAGED = List.of(
            "dispatch.camel.yaml", "retry.camel.yaml", "delivery.camel.xml", "bounce.camel.yaml", "queue-errors.camel.yaml");

    private RouteFiles() {}

    static String includePattern(Path overrides) throws IOException {
        Set<String> locations = new LinkedHashSet<>();
        Set<String> overridden = new LinkedHashSet<>();
        if (overrides != null) {
            if (!Files.isDirectory(overrides)) {
                throw new IOException("mailhub.routes.dir " + overrides + " is not a directory");
            }
            try (Stream<Path> files = Files.list(overrides)) {
                for (Path f : files.sorted().toList()) {
                    String name = f.getFileName().toString();
                    if (name.endsWith(".camel.yaml") || name.endsWith(".camel.xml")) {
                        locations.add("file:" + f.toAbsolutePath());
                        overridden.add(name);
                    }
                }
            }
        }
        List<String> packaged = new ArrayList<>();
        for (String name : PACKAGED) {
            if (!overridden.contains(name)) {
                packaged.add("classpath:routes/" + name);
            }
        }
        packaged.addAll(locations);
        return String.join(",", packaged);
    }
}
