package io.mailhub.relay;

import java.io.IOException;
import java.io.InputStream;

/** The message content to send; may be opened more than once (a second MX host after a failed first). */
public interface BodySource {

    /** Size in octets, or -1 when unknown (then no SIZE parameter is sent). */
    long size();

    InputStream open() throws IOException;

    /** Content held in memory. */
    static BodySource of(byte[] bytes) {
        return new BodySource() {
            @Override
            public long size() {
                return bytes.length;
            }

            @Override
            public InputStream open() {
                return new java.io.ByteArrayInputStream(bytes);
            }
        };
    }
}
