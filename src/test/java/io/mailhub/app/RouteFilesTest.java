package io.mailhub.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouteFilesTest {

    @TempDir
    Path dir;

    @Test
    void thePackagedListNamesExactlyTheRouteFilesInTheRoutesDirectory() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            List<String> onDisk = files.map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(".camel.yaml") || n.endsWith(".camel.xml")).toList();
            assertThat(RouteFiles.PACKAGED).containsExactlyInAnyOrderElementsOf(onDisk);
        }
    }

    @Test
    void withoutAnOverrideDirectoryEveryPackagedRouteIsLoadedFromTheClasspath() throws IOException {
        assertThat(RouteFiles.includePattern(null).split(","))
                .containsExactlyElementsOf(RouteFiles.PACKAGED.stream().map(n -> "classpath:routes/" + n).toList());
    }

    @Test
    void aFileOfTheSameNameReplacesThePackagedRouteAndNewFilesAreAdded() throws IOException {
        Files.writeString(dir.resolve("delivery.camel.xml"), "<routes/>");
        Files.writeString(dir.resolve("extra.camel.yaml"), "[]");
        Files.writeString(dir.resolve("notes.txt"), "not a route");

        List<String> locations = List.of(RouteFiles.includePattern(dir).split(","));

        assertThat(locations).doesNotContain("classpath:routes/delivery.camel.xml")
                .contains("classpath:routes/dispatch.camel.yaml", "file:" + dir.resolve("delivery.camel.xml"),
                        "file:" + dir.resolve("extra.camel.yaml"))
                .noneMatch(l -> l.endsWith("notes.txt"));
    }

    @Test
    void anOverrideDirectoryThatDoesNotExistIsAClearError() {
        assertThatThrownBy(() -> RouteFiles.includePattern(dir.resolve("missing")))
                .hasMessageContaining("mailhub.routes.dir").hasMessageContaining("missing");
    }
}
