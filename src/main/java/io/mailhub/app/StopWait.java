package io.mailhub.app;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JVM shutdown hook that holds the JVM until the hub's last stop step is done. On SIGTERM, Camel Main's own hook
 * stops the Camel context and returns, and the JVM halts as soon as every hook has returned; the main thread's
 * {@code afterStop} (closing the queue, stopping the embedded broker, writing the last files) would otherwise be cut
 * short wherever it is. The wait is bounded, so a stop step that hangs cannot keep a stopping hub alive for ever.
 */
final class StopWait {

    private static final Logger LOG = LoggerFactory.getLogger(StopWait.class);

    private final Duration bound;
    private final CountDownLatch done = new CountDownLatch(1);
    private final Thread hook = new Thread(this::awaitStop, "mailhub-stop-wait");
    private boolean installed;

    StopWait(Duration bound) {
        this.bound = bound;
    }

    /** Registers the hook; once only. */
    synchronized void install() {
        if (!installed && done.getCount() > 0) {
            Runtime.getRuntime().addShutdownHook(hook);
            installed = true;
        }
    }

    /** The last stop step is done: the hook returns at once, and is removed unless the JVM is already stopping. */
    synchronized void done() {
        done.countDown();
        if (installed) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException stopping) {
                // the JVM is running its hooks: ours returns now that the latch is open
            }
            installed = false;
        }
    }

    /** What the hook runs: waits for {@link #done()}, at most the bound; whether it came in time. */
    boolean awaitStop() {
        try {
            if (done.await(bound.toMillis(), TimeUnit.MILLISECONDS)) {
                return true;
            }
            LOG.warn("the hub's last stop step (queue, broker) did not finish within {} ms; the JVM exits anyway",
                    bound.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    /** The hook thread, for tests. */
    Thread hook() {
        return hook;
    }
}
