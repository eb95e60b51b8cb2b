package io.mailhub.model;

import java.io.ByteArrayInputStream;
import java.io.InputStream;

/** A content held in one array (small messages, notices, tests). */
record InMemoryContent(byte[] bytes) implements MessageContent {

    @Override
    public long size() {
        return bytes.length;
    }

    @Override
    public InputStream openStream() {
        return new ByteArrayInputStream(bytes);
    }

    @Override
    public byte[] inMemory() {
        return bytes;
    }

    @Override
    public void close() {}
}
