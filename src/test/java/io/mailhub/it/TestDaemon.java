package io.mailhub.it;

import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** A filter daemon the tests start (rspamd, clamd): its process and port, ready once it answers its ping. */
abstract class TestDaemon implements AutoCloseable {

    final int port;
    private final Process process;

    TestDaemon(int port, Process process) {
        this.port = port;
        this.process = process;
    }

    /** Waits until {@code ping} answers true; fails with the daemon's log when the process ends first. */
    static void awaitReady(Process process, Path log, Duration limit, Callable<Boolean> ping) {
        await().atMost(limit).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("the daemon ended: " + Files.readString(log));
            }
            try {
                return ping.call();
            } catch (java.io.IOException e) {
                return false;
            }
        });
    }

    /** Ends the daemon (SIGTERM) and waits for it. */
    void kill() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
