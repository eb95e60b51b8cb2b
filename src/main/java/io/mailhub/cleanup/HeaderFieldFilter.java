package io.mailhub.cleanup;

import io.mailhub.model.MessageContent;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Removes whole header fields from a content without copying it: one pass finds the octet ranges of the fields to
 * drop (with their folded lines), and the returned content skips them while it streams. Used to delete
 * Authentication-Results fields that claim to come from us (RFC 8601 section 5): only our own may be trusted.
 */
public final class HeaderFieldFilter {

    /** The longest header section looked at. */
    static final long HEADER_LIMIT = 1 << 20;

    private HeaderFieldFilter() {}

    /** {@code content} without the header fields {@code drop} accepts (each given with its CRLFs), or itself. */
    public static MessageContent without(MessageContent content, Predicate<String> drop) throws IOException {
        List<long[]> ranges = new ArrayList<>();
        try (InputStream in = new BufferedInputStream(content.openStream())) {
            ByteArrayOutputStream field = new ByteArrayOutputStream();
            long fieldStart = 0;
            long pos = 0;
            int prev = -1;
            boolean lineStart = true;
            for (int c = in.read(); c >= 0; c = in.read(), pos++) {
                if (lineStart && c != ' ' && c != '\t') {
                    // a new field (or the empty line) starts here: the previous field is complete
                    if (field.size() > 0 && drop.test(field.toString(StandardCharsets.UTF_8))) {
                        ranges.add(new long[] {fieldStart, pos});
                    }
                    field.reset();
                    fieldStart = pos;
                    if (c == '\r') {
                        break; // the empty line: end of the header section
                    }
                }
                field.write(c);
                lineStart = c == '\n' && prev == '\r';
                prev = c;
                if (pos > HEADER_LIMIT) {
                    return content; // no end of header in sight: leave the message alone
                }
            }
        }
        if (ranges.isEmpty()) {
            return content;
        }
        long removed = ranges.stream().mapToLong(r -> r[1] - r[0]).sum();
        return new MessageContent() {
            @Override
            public long size() {
                return content.size() - removed;
            }

            @Override
            public InputStream openStream() throws IOException {
                return new Skipping(content.openStream(), ranges);
            }

            @Override
            public byte[] inMemory() {
                return null;
            }

            @Override
            public void close() {
                content.close();
            }
        };
    }

    /** Streams {@code in} without the given octet ranges (sorted, not overlapping). */
    private static final class Skipping extends FilterInputStream {
        private final List<long[]> ranges;
        private int next;
        private long pos;

        Skipping(InputStream in, List<long[]> ranges) {
            super(in);
            this.ranges = ranges;
        }

        private void skipRange() throws IOException {
            while (next < ranges.size() && pos == ranges.get(next)[0]) {
                long end = ranges.get(next)[1];
                while (pos < end) {
                    long n = in.skip(end - pos);
                    if (n <= 0) {
                        if (in.read() < 0) {
                            return;
                        }
                        n = 1;
                    }
                    pos += n;
                }
                next++;
            }
        }

        @Override
        public int read() throws IOException {
            skipRange();
            int c = in.read();
            if (c >= 0) {
                pos++;
            }
            return c;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            skipRange();
            long limit = next < ranges.size() ? ranges.get(next)[0] - pos : Long.MAX_VALUE;
            int n = in.read(b, off, (int) Math.min(len, limit));
            if (n > 0) {
                pos += n;
            }
            return n;
        }
    }
}
