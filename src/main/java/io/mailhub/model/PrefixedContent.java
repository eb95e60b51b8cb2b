package io.mailhub.model;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;

/** Header fields added in front of a content (trace headers, signatures); the content itself is not copied. */
record PrefixedContent(byte[] prefix, MessageContent content) implements MessageContent {
    @Override
    public long size() {
        return prefix.length + content.size();
    }

    @Override
    public InputStream openStream() throws IOException {
        return new SequenceInputStream(new ByteArrayInputStream(prefix), content.openStream());
    }

    @Override
    public byte[] inMemory() {
        byte[] body = content.inMemory();
        if (body == null) {
            return null;
        }
        byte[] all = new byte[prefix.length + body.length];
        System.arraycopy(prefix, 0, all, 0, prefix.length);
        System.arraycopy(body, 0, all, prefix.length, body.length);
        return all;
    }

    @Override
    public void close() {
        content.close();
    }
}
