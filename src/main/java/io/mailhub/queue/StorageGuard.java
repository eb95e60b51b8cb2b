package io.mailhub.queue;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Refuses new mail before the disk holding the queue fills up, like Postfix's {@code queue_minfree}: the broker would
 * otherwise block producers, and a client waiting on a blocked write learns nothing. The free space is read at most
 * once a second.
 */
public final class StorageGuard {

    private final FileStore store;
    private final Path path;
    private final long minFree;
    private volatile long checkedAt;
    private volatile long usable;

    public StorageGuard(Path path, long minFree) throws IOException {
        this.path = path;
        this.store = Files.getFileStore(path);
        this.minFree = minFree;
        this.usable = store.getUsableSpace();
        this.checkedAt = System.nanoTime();
    }

    /** Whether a message of {@code size} octets (0 when unknown) still leaves the minimum free. */
    public boolean hasRoomFor(long size) {
        long now = System.nanoTime();
        if (now - checkedAt > 1_000_000_000L) {
            try {
                usable = store.getUsableSpace();
            } catch (IOException e) {
                usable = 0;
            }
            checkedAt = now;
        }
        return usable - Math.max(size, 0) > minFree;
    }

    public long usableSpace() {
        return usable;
    }

    @Override
    public String toString() {
        return path + " (keeps " + minFree + " octets free)";
    }
}
