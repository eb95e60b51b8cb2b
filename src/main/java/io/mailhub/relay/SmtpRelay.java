package io.mailhub.relay;

import io.mailhub.model.Envelope;
import io.mailhub.model.Recipient;
import io.mailhub.model.SmtpReply;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one message to one destination once and reports per recipient; it never retries later or bounces (the
 * queue stages decide that from the report). Reuses pooled connections, and retries once on a fresh connection when
 * a pooled one turns out to have been closed by the server before anything was accepted.
 */
public final class SmtpRelay implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger("io.mailhub.delivery");

    private final SmtpTransport transport;
    private final String heloName;
    private final Timeouts timeouts;
    private final ConnectionPool pool;

    SmtpRelay(SmtpTransport transport, String heloName, Timeouts timeouts, ConnectionPool pool) {
        this.transport = transport;
        this.heloName = heloName;
        this.timeouts = timeouts;
        this.pool = pool;
    }

    public DeliveryReport deliver(Destination destination, Envelope envelope, BodySource body) throws InterruptedException {
        if (!pool.acquire(destination, timeouts.connect())) {
            SmtpReply busy = SmtpReply.of(421, "4.4.5", "all connections to " + destination + " are busy");
            return log(envelope, all(envelope, RecipientStatus.DEFERRED, busy, null, Blame.SITE));
        }
        try {
            SmtpClientConnection c = pool.takeIdle(destination);
            boolean reused = c != null;
            while (true) {
                if (c == null) {
                    try {
                        c = SmtpClientConnection.open(transport, destination, heloName, timeouts);
                    } catch (SessionFailure f) {
                        LOG.info("{}: {}", envelope.queueId(), f.getMessage());
                        return log(envelope, all(envelope, RecipientStatus.DEFERRED, f.reply(), f.remoteMta(),
                                f.isSite() ? Blame.SITE : Blame.SESSION));
                    }
                }
                try {
                    List<RecipientResult> results = MailTransaction.run(c, envelope, body, timeouts, reused);
                    pool.giveBack(c);
                    return log(envelope, new DeliveryReport(results));
                } catch (StaleConnectionException e) {
                    LOG.debug("{}: {}; reconnecting", envelope.queueId(), e.getMessage());
                    c.close();
                    c = null;
                    reused = false;
                }
            }
        } finally {
            pool.releaseSlot(destination);
        }
    }

    /** Reports every recipient as deferred with the given reply, without any connection (no route yet). */
    public DeliveryReport deferAll(Envelope envelope, SmtpReply reply) {
        return log(envelope, all(envelope, RecipientStatus.DEFERRED, reply, null, Blame.SITE));
    }

    private static DeliveryReport all(
            Envelope envelope, RecipientStatus status, SmtpReply reply, String remoteMta, Blame blame) {
        List<RecipientResult> results = new ArrayList<>();
        for (Recipient r : envelope.recipients()) {
            results.add(new RecipientResult(r, status, reply, remoteMta, blame, false));
        }
        return new DeliveryReport(results);
    }

    private static DeliveryReport log(Envelope envelope, DeliveryReport report) {
        if (LOG.isInfoEnabled()) {
            double delay = Duration.between(envelope.arrival(), Instant.now()).toMillis() / 1000.0;
            for (RecipientResult r : report.results()) {
                LOG.info("{}: to=<{}>, relay={}, delay={}, dsn={}, status={} ({})", envelope.queueId(),
                        r.recipient().address(), r.remoteMta() == null ? "none" : r.remoteMta(),
                        String.format(Locale.ROOT, "%.2f", delay), r.statusCode(), word(r.status()), r.reply());
            }
        }
        return report;
    }

    private static String word(RecipientStatus s) {
        return switch (s) {
            case DELIVERED -> "sent";
            case DEFERRED -> "deferred";
            case FAILED -> "failed";
        };
    }

    @Override
    public void close() {
        pool.close();
    }
}
