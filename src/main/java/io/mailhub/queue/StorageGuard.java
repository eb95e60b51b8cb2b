package io.mailhub.queue;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Keeps the disk that holds the queue from filling up, like Postfix's {@code queue_minfree}: a full disk would stop the
 * broker (Artemis shuts itself down on a write that fails for want of space), and a client waiting on a blocked write
 * learns nothing. Three levels below the free space that is always to stay, {@code minFree}:
 *
 * <ul>
 *   <li>new mail is refused when it would leave less than {@code minFree} ({@link #hasRoomFor});
 *   <li>delivery pauses below half of it ({@link #isCritical}), since retries and the stream cache write too; it
 *       resumes above three quarters;
 *   <li>the broker itself blocks its producers below a quarter ({@link #brokerMinFree}, Artemis' {@code
 *       min-disk-free}), so that what is in flight when delivery pauses can still finish.
 * </ul>
 *
 * The free space is read at most once a second; octets admitted since the last reading count as used, so a burst of
 * messages within that second cannot overshoot the limit.
 *
 * <p>With an external broker the queue lives on the broker's disk, which the hub cannot read: the {@link
 * QueueSupervisor} asks the broker, and while the broker says its disk is full ({@link #brokerDisk}) the guard answers
 * as for a full data disk: no room for new mail, delivery paused.
 */
public final class StorageGuard {

    private static final long READ_INTERVAL_NANOS = 1_000_000_000L;

    private final Path path;
    private final long minFree;
    private final LongSupplier usableSpace;
    private final AtomicLong admitted = new AtomicLong();
    private volatile long checkedAt;
    private volatile long usable;
    private volatile boolean critical;
    private volatile String brokerDiskFull;

    public StorageGuard(Path path, long minFree) throws IOException {
        this(path, minFree, usableSpaceOf(Files.getFileStore(path)));
    }

    /** @param usableSpace reads the free space of the disk (the file store's usable space; a test's value) */
    StorageGuard(Path path, long minFree, LongSupplier usableSpace) {
        this.path = path;
        this.minFree = minFree;
        this.usableSpace = usableSpace;
        this.usable = usableSpace.getAsLong();
        this.checkedAt = System.nanoTime();
    }

    private static LongSupplier usableSpaceOf(FileStore store) {
        return () -> {
            try {
                return store.getUsableSpace();
            } catch (IOException e) {
                return 0;
            }
        };
    }

    /** Whether a message of {@code size} octets (0 when unknown) still leaves the minimum free. */
    public boolean hasRoomFor(long size) {
        return brokerDiskFull == null && free() - Math.max(size, 0) > minFree;
    }

    /**
     * Takes room for a message that is about to be stored: like {@link #hasRoomFor}, but when there is room the octets
     * count as used until the next reading of the disk.
     */
    public boolean reserve(long size) {
        long n = Math.max(size, 0);
        if (!hasRoomFor(n)) {
            return false;
        }
        admitted.addAndGet(n);
        return true;
    }

    /** Whether the disk is so full that delivery should pause (below half the minimum, until above three quarters). */
    public boolean isCritical() {
        long f = free();
        boolean c = critical;
        if (!c && f < minFree / 2) {
            critical = true;
        } else if (c && f >= minFree - minFree / 4) {
            critical = false;
        }
        return critical || brokerDiskFull != null;
    }

    /**
     * Records what an external broker last said of its own disk.
     *
     * @param full why the broker refuses new messages for want of disk, or {@code null} while it has room
     */
    public void brokerDisk(String full) {
        brokerDiskFull = full;
    }

    /** Why the external broker refuses new messages for want of disk, or {@code null}. */
    public String brokerDiskFull() {
        return brokerDiskFull;
    }

    /** Why there is no room for new mail: the external broker's full disk, or the data disk's free space. */
    public String lacking() {
        String broker = brokerDiskFull;
        return broker != null ? broker : "not enough free space in " + this + ": " + free() + " octets free";
    }

    /** The free space below which the broker should block its producers: a quarter of the minimum. */
    public long brokerMinFree() {
        return minFree / 4;
    }

    /** The free space as last read, less what was admitted since. */
    public long free() {
        long now = System.nanoTime();
        if (now - checkedAt > READ_INTERVAL_NANOS) {
            read(now);
        }
        return usable - admitted.get();
    }

    public long minFree() {
        return minFree;
    }

    private synchronized void read(long now) {
        if (now - checkedAt <= READ_INTERVAL_NANOS) {
            return; // another thread has just read it
        }
        usable = usableSpace.getAsLong();
        admitted.set(0);
        checkedAt = now;
    }

    @Override
    public String toString() {
        return path + " (keeps " + minFree + " octets free)";
    }
}
