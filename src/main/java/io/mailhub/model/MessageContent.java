package io.mailhub.model;

import java.io.IOException;
import java.io.InputStream;

/**
 * The bytes of a message as it will be stored: CRLF line ends, no dot-stuffing, trace headers already added. Small
 * contents live in memory; large ones are read from a spool file, so a 25 MB message never sits whole in the heap.
 */
public interface MessageContent extends AutoCloseable {

    /** Exact size in octets. */
    long size();

    /** A new stream over the whole content; may be called more than once. */
    InputStream openStream() throws IOException;

    /** The content as one array when it is held in memory, otherwise {@code null}. */
    byte[] inMemory();

    /** Content held in memory. */
    static MessageContent of(byte[] bytes) {
        return new InMemoryContent(bytes);
    }

    /** {@code prefix} followed by {@code content}; closing it closes {@code content}. */
    static MessageContent prefixed(byte[] prefix, MessageContent content) {
        return new PrefixedContent(prefix, content);
    }

    /** Releases any spool file; the content cannot be read afterwards. */
    @Override
    void close();
}
