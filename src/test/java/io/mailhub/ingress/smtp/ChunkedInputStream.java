package io.mailhub.ingress.smtp;

import java.io.InputStream;
import java.util.function.IntSupplier;

/** Hands out its bytes in pieces no larger than the next chunk size, the way a network peer might. */
final class ChunkedInputStream extends InputStream {

    private final byte[] data;
    private final IntSupplier chunkSizes;
    private int pos;

    ChunkedInputStream(byte[] data, IntSupplier chunkSizes) {
        this.data = data;
        this.chunkSizes = chunkSizes;
    }

    @Override
    public int read() {
        return pos < data.length ? data[pos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (pos == data.length) {
            return -1;
        }
        int n = Math.min(Math.min(len, Math.max(1, chunkSizes.getAsInt())), data.length - pos);
        System.arraycopy(data, pos, b, off, n);
        pos += n;
        return n;
    }
}
