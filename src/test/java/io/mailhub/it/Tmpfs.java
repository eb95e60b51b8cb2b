package io.mailhub.it;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs mounted for one test (needs root, which {@code .ci/run} has): a data disk that can really be filled,
 * so the hub meets ENOSPC as it would on a full volume.
 */
final class Tmpfs implements AutoCloseable {

    private final Path dir;
    private final Path filler;

    Tmpfs(Path dir, String size) throws IOException, InterruptedException {
        this.dir = Files.createDirectories(dir);
        this.filler = dir.resolve("filler");
        run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString());
    }

    static boolean canMount() {
        return "root".equals(System.getProperty("user.name"));
    }

    Path path() {
        return dir;
    }

    /** Fills the disk with a file of its own until only {@code keep} octets (rounded to 4 KiB) are left. */
    void fillLeaving(long keep) throws IOException {
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (Files.getFileStore(dir).getUsableSpace() > keep + block.length) {
                out.write(block);
            }
            long rest = Files.getFileStore(dir).getUsableSpace() - keep;
            if (rest > 0) {
                out.write(block, 0, (int) rest);
            }
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("No space left")) {
                throw e;
            }
        }
    }

    /** Fills the disk completely. */
    void fill() throws IOException {
        fillLeaving(0);
    }

    long free() throws IOException {
        return Files.getFileStore(dir).getUsableSpace();
    }

    /** Gives the filled space back. */
    void release() throws IOException {
        Files.deleteIfExists(filler);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        run("umount", "-l", dir.toString());
    }

    private static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out);
        }
    }
}
