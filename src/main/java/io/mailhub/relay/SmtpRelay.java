package io.mailhub.relay;

import io.mailhub.model.Envelope;
import io.mailhub.model.Recipient;
import io.mailhub.model.SmtpReply;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
    private final Myself myself;
    private final Timeouts timeouts;
    private final ConnectionPool pool;
    private final TlsClient tls;

    SmtpRelay(SmtpTransport transport, Myself myself, Timeouts timeouts, ConnectionPool pool) {
        this(transport, myself, timeouts, pool, TlsClient.withDefaultTrust());
    }

    SmtpRelay(SmtpTransport transport, Myself myself, Timeouts timeouts, ConnectionPool pool, TlsClient tls) {
        this.transport = transport;
        this.myself = myself;
        this.timeouts = timeouts;
        this.pool = pool;
        this.tls = tls;
    }

    /** Delivers with opportunistic TLS ({@link TlsPolicy#MAY}). */
    public DeliveryReport deliver(Destination destination, Envelope envelope, BodySource body) throws InterruptedException {
        return deliver(destination, TlsPolicy.MAY, envelope, body);
    }

    public DeliveryReport deliver(Destination destination, TlsPolicy tlsPolicy, Envelope envelope, BodySource body)
            throws InterruptedException {
        return deliver(destination, SessionProfile.of(tlsPolicy), envelope, body);
    }

    /**
     * Delivers over a connection with this TLS policy and AUTH identity. Every result names the destination as its
     * {@link NextHop} and carries the connection setup and transmission times.
     */
    public DeliveryReport deliver(Destination destination, SessionProfile profile, Envelope envelope, BodySource body)
            throws InterruptedException {
        long start = System.nanoTime();
        if (!pool.acquire(destination, timeouts.connect())) {
            SmtpReply busy = SmtpReply.of(421, "4.4.5", "all connections to " + destination + " are busy");
            return log(envelope, stamped(all(envelope, RecipientStatus.DEFERRED, busy, null, Blame.SESSION),
                    hop(destination, null, null), start));
        }
        try {
            SmtpClientConnection c = pool.takeIdle(destination, profile);
            boolean reused = c != null;
            while (true) {
                if (c == null) {
                    try {
                        c = SmtpClientConnection.open(transport, destination, myself, timeouts, profile, tls);
                    } catch (SessionFailure f) {
                        LOG.info("{}: {}", envelope.queueId(), f.getMessage());
                        DeliveryReport failed = f.isLoop()
                                ? all(envelope, RecipientStatus.FAILED, f.reply(), f.remoteMta(), Blame.MESSAGE)
                                : all(envelope, RecipientStatus.DEFERRED, f.reply(), f.remoteMta(),
                                        f.isPolicy() ? Blame.POLICY : f.isSite() ? Blame.SITE : Blame.SESSION);
                        return log(envelope, stamped(failed, hop(destination, f.peer(), null), start));
                    }
                }
                long ready = System.nanoTime();
                try {
                    List<RecipientResult> results = MailTransaction.run(c, envelope, body, timeouts, reused);
                    results = sendOverflow(c, envelope, body, results);
                    pool.giveBack(c);
                    return log(envelope, stamped(new DeliveryReport(results), hop(destination, c.peer(), c.tls()),
                            start, ready));
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

    /**
     * Recipients the server took no more of in this transaction (RCPT answered 452, or 552, which RFC 5321 section
     * 4.5.3.1.10 says to treat alike: "too many recipients") go in further transactions on the same connection, as
     * long as each one gets some recipient accepted; what is still left stays deferred for the retry schedule.
     */
    private List<RecipientResult> sendOverflow(SmtpClientConnection c, Envelope envelope, BodySource body,
            List<RecipientResult> results) {
        List<RecipientResult> all = new ArrayList<>(results);
        List<RecipientResult> round = results;
        while (!c.isBroken()) {
            List<Recipient> over = round.stream().filter(SmtpRelay::isOverflow).map(RecipientResult::recipient).toList();
            if (over.isEmpty() || over.size() == round.size()) {
                return all; // nothing left over, or the server took none of them: no progress to be made now
            }
            LOG.debug("{}: {} recipient(s) over the server's limit; another transaction", envelope.queueId(),
                    over.size());
            try {
                round = MailTransaction.run(c, envelope.withRecipients(over), body, timeouts, true);
            } catch (StaleConnectionException e) {
                return all; // the server hung up: the rest stays deferred
            }
            for (RecipientResult r : round) {
                all.replaceAll(old -> old.recipient().equals(r.recipient()) ? r : old);
            }
        }
        return all;
    }

    private static boolean isOverflow(RecipientResult r) {
        return r.status() == RecipientStatus.DEFERRED && r.blame() == Blame.RECIPIENT && r.reply().code() == 452;
    }

    /** Reports every recipient as deferred with the given reply, without any connection (e.g. a dead destination). */
    public DeliveryReport deferAll(Envelope envelope, SmtpReply reply) {
        return log(envelope, all(envelope, RecipientStatus.DEFERRED, reply, null, Blame.SITE));
    }

    /** Reports every recipient with the given status and reply, without any connection (DNS said so). */
    public DeliveryReport reportAll(Envelope envelope, RecipientStatus status, SmtpReply reply) {
        return log(envelope, all(envelope, status, reply, null, status == RecipientStatus.FAILED ? Blame.RECIPIENT : Blame.SITE));
    }

    private static DeliveryReport all(
            Envelope envelope, RecipientStatus status, SmtpReply reply, String remoteMta, Blame blame) {
        List<RecipientResult> results = new ArrayList<>();
        for (Recipient r : envelope.recipients()) {
            results.add(new RecipientResult(r, status, reply, remoteMta, blame, false));
        }
        return new DeliveryReport(results);
    }

    private static NextHop hop(Destination d, java.net.InetAddress connectedTo, TlsSession tls) {
        return new NextHop(d.host(), connectedTo == null ? null : connectedTo.getHostAddress(), d.mxPreference(), tls);
    }

    /**
     * The report with its next hop and times: connection setup from {@code start} to {@code ready} (when the
     * connection could take MAIL FROM) and transmission from then to now.
     */
    private static DeliveryReport stamped(DeliveryReport report, NextHop hop, long start, long ready) {
        AttemptTimes times = new AttemptTimes(null, Duration.ofNanos(ready - start),
                Duration.ofNanos(System.nanoTime() - ready));
        return report.map(r -> r.with(hop, times));
    }

    /** The report of a session that never reached a transaction: all the time since {@code start} went to setup. */
    private static DeliveryReport stamped(DeliveryReport report, NextHop hop, long start) {
        AttemptTimes times = new AttemptTimes(null, Duration.ofNanos(System.nanoTime() - start), null);
        return report.map(r -> r.with(hop, times));
    }

    private static DeliveryReport log(Envelope envelope, DeliveryReport report) {
        if (LOG.isInfoEnabled()) {
            String delay = seconds(Duration.between(envelope.arrival(), Instant.now()).toMillis());
            for (RecipientResult r : report.results()) {
                LOG.info("{}: to=<{}>, relay={}, delay={}, dsn={}, status={} ({})", envelope.queueId(),
                        r.recipient().address(), r.remoteMta() == null ? "none" : r.remoteMta(),
                        delay, r.statusCode(), word(r.status()), r.reply());
            }
        }
        return report;
    }

    /** Milliseconds as seconds with two decimals, rounded half up, as {@code %.2f} writes them (without a Formatter). */
    static String seconds(long millis) {
        long hundredths = Math.floorDiv(Math.abs(millis) + 5, 10);
        long rest = hundredths % 100;
        return (millis < 0 && hundredths > 0 ? "-" : "") + hundredths / 100 + (rest < 10 ? ".0" : ".") + rest;
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
