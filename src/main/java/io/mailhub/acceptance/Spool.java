package io.mailhub.acceptance;

import io.mailhub.model.MessageContent;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects one message as a door receives or builds it: in memory up to a threshold, then in a file in the spool directory, so the
 * heap holds at most the threshold per session whatever the message size. The spool file is not the durable copy (the
 * broker is); it only lets the session check the whole message before anything is queued. Files left by a crash are
 * removed at start-up.
 */
public final class Spool implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("io.mailhub.ingress");

    private final Path directory;
    private final int memoryThreshold;
    private byte[] memory = new byte[4096];
    private int memorySize;
    private Path file;
    private OutputStream fileOut;
    private long size;

    public Spool(Path directory, int memoryThreshold) {
        this.directory = directory;
        this.memoryThreshold = memoryThreshold;
    }

    public void write(byte[] b, int off, int len) throws IOException {
        if (fileOut == null && memorySize + len <= memoryThreshold) {
            if (memorySize + len > memory.length) {
                memory = Arrays.copyOf(memory, Math.min(memoryThreshold, Math.max(memory.length * 2, memorySize + len)));
            }
            System.arraycopy(b, off, memory, memorySize, len);
            memorySize += len;
        } else {
            if (fileOut == null) {
                file = Files.createTempFile(directory, "spool-", ".eml");
                fileOut = new BufferedOutputStream(Files.newOutputStream(file), 65536);
                fileOut.write(memory, 0, memorySize);
                memory = null;
            }
            fileOut.write(b, off, len);
        }
        size += len;
    }

    public long size() {
        return size;
    }

    /** Ends writing and hands over the content; the spool must not be written to afterwards. */
    public MessageContent finish() throws IOException {
        if (fileOut == null) {
            byte[] bytes = memorySize == memory.length ? memory : Arrays.copyOf(memory, memorySize);
            memory = null;
            return MessageContent.of(bytes);
        }
        OutputStream out = fileOut;
        fileOut = null;
        try {
            out.close(); // the last buffered octets: may fail on a full disk
        } catch (IOException e) {
            delete(file);
            file = null;
            throw e;
        }
        Path f = file;
        file = null;
        return new InFile(f, size);
    }

    /**
     * Discards whatever was collected. Never fails: a file that cannot be closed (its last write fails on a full disk)
     * is still deleted, and one that cannot be deleted is logged and removed at the next start.
     */
    @Override
    public void close() {
        memory = null;
        if (fileOut != null) {
            try {
                fileOut.close();
            } catch (IOException e) {
                LOG.debug("closing discarded spool file {}: {}", file, e.toString());
            }
            fileOut = null;
        }
        if (file != null) {
            delete(file);
            file = null;
        }
    }

    private static void delete(Path f) {
        try {
            Files.deleteIfExists(f);
        } catch (IOException e) {
            LOG.warn("cannot remove spool file {} (it is removed at the next start): {}", f, e.toString());
        }
    }

    /** Removes spool files left behind by a crash; none of them was ever acknowledged to a client. */
    public static int clean(Path directory) throws IOException {
        int removed = 0;
        if (!Files.isDirectory(directory)) {
            return 0;
        }
        try (var files = Files.newDirectoryStream(directory, "spool-*.eml")) {
            for (Path f : files) {
                Files.deleteIfExists(f);
                removed++;
            }
        }
        return removed;
    }

    private record InFile(Path file, long size) implements MessageContent {
        @Override
        public InputStream openStream() throws IOException {
            return Files.newInputStream(file);
        }

        @Override
        public byte[] inMemory() {
            return null;
        }

        @Override
        public void close() {
            delete(file);
        }
    }
}
