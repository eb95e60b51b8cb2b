package io.mailhub.relay;

import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A time limit on writes, which Java's blocking sockets do not have: a next hop that stops reading the message content
 * would otherwise block the delivery thread for good. While a transfer is watched, a timer checks that it makes
 * progress; when it has not for {@code limit} (Postfix's {@code smtp_data_xfer_timeout} works the same way), the
 * connection is closed, the blocked write fails, and {@link Watch#failure} turns that into a timeout.
 */
final class WriteWatchdog {

    private static final ScheduledThreadPoolExecutor TIMER = timer();

    /** One daemon thread; a cancelled check leaves the queue at once (one watch per message on the hot path). */
    private static ScheduledThreadPoolExecutor timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "smtp-relay-write-watchdog");
            t.setDaemon(true);
            return t;
        });
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    private WriteWatchdog() {}

    /** Starts watching writes to {@code connection}; call {@link Watch#progress()} after each write. */
    static Watch watch(SmtpClientConnection connection, Duration limit) {
        return new Watch(connection, limit.toNanos());
    }

    static final class Watch implements AutoCloseable {
        private final SmtpClientConnection connection;
        private final long limitNanos;
        private final ScheduledFuture<?> check;
        private volatile long lastProgress = System.nanoTime();
        private volatile boolean expired;

        private Watch(SmtpClientConnection connection, long limitNanos) {
            this.connection = connection;
            this.limitNanos = limitNanos;
            long period = Math.max(TimeUnit.MILLISECONDS.toNanos(50), limitNanos / 4);
            this.check = TIMER.scheduleWithFixedDelay(this::check, period, period, TimeUnit.NANOSECONDS);
        }

        void progress() {
            lastProgress = System.nanoTime();
        }

        private void check() {
            if (!expired && System.nanoTime() - lastProgress > limitNanos) {
                expired = true;
                connection.close(); // the blocked write now fails
            }
        }

        /** The exception to report for a failed write: a timeout when the watchdog closed the connection. */
        java.io.IOException failure(java.io.IOException e) {
            if (!expired) {
                return e;
            }
            SocketTimeoutException timeout = new SocketTimeoutException("no progress sending the message content");
            timeout.initCause(e);
            return timeout;
        }

        @Override
        public void close() {
            check.cancel(false);
        }
    }
}
