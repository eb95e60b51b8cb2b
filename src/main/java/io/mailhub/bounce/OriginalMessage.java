package io.mailhub.bounce;

import io.mailhub.model.MessageContent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The message a notice is about, as a source that can be opened more than once: the composer reads it once to look at
 * it (size, header section, 8-bit octets, line lengths) and once more to copy it, and never holds it in memory.
 *
 * @param size the size in octets as stored; used only to skip reading a body that could never fit
 * @param source opens a new stream over the whole content, CRLF line ends
 */
public record OriginalMessage(long size, Source source) {

    /** Opens the content; each call returns a new stream from the first octet. */
    @FunctionalInterface
    public interface Source {
        InputStream open() throws IOException;
    }

    public OriginalMessage {
        Objects.requireNonNull(source, "source");
    }

    public static OriginalMessage of(MessageContent content) {
        return new OriginalMessage(content.size(), content::openStream);
    }

    public static OriginalMessage of(byte[] content) {
        return new OriginalMessage(content.length, () -> new ByteArrayInputStream(content));
    }

    public static OriginalMessage of(Path file) throws IOException {
        return new OriginalMessage(Files.size(file), () -> Files.newInputStream(file));
    }

    InputStream open() throws IOException {
        return source.open();
    }
}
