package io.mailhub.relay;

import io.mailhub.model.BodyType;
import io.mailhub.model.DsnNotify;
import io.mailhub.model.Envelope;
import io.mailhub.model.MailAddress;
import io.mailhub.model.Recipient;
import io.mailhub.model.SmtpReply;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * One mail transaction on an open connection (RFC 5321 section 3.3): MAIL, RCPT for each recipient, DATA, content,
 * final reply. With PIPELINING (RFC 2920) MAIL, all RCPTs and DATA go out in one write and their replies are read in
 * order. The result has one entry per recipient; a recipient is reported delivered only after the final 2xx. Over
 * LMTP (RFC 2033 section 4.2) the server gives one final reply per accepted recipient, in their order, each deciding
 * for its recipient alone.
 */
final class MailTransaction {

    private final SmtpClientConnection c;
    private final Envelope envelope;
    private final BodySource body;
    private final Timeouts timeouts;
    private final boolean reused;
    private final RecipientResult[] results;
    private boolean anyReplyRead;

    private MailTransaction(SmtpClientConnection c, Envelope envelope, BodySource body, Timeouts timeouts, boolean reused) {
        this.c = c;
        this.envelope = envelope;
        this.body = body;
        this.timeouts = timeouts;
        this.reused = reused;
        this.results = new RecipientResult[envelope.recipients().size()];
    }

    /**
     * Runs the transaction. I/O failures are turned into deferred results and a broken connection.
     *
     * @param reused whether the connection served an earlier transaction (then an immediate EOF means "stale")
     * @throws StaleConnectionException when a reused connection was dead before anything was accepted
     */
    static List<RecipientResult> run(
            SmtpClientConnection c, Envelope envelope, BodySource body, Timeouts timeouts, boolean reused)
            throws StaleConnectionException {
        return new MailTransaction(c, envelope, body, timeouts, reused).execute();
    }

    private List<RecipientResult> execute() throws StaleConnectionException {
        SmtpReply unsupported = checkCapabilities();
        if (unsupported != null) {
            fillRemaining(RecipientStatus.FAILED, unsupported, null, Blame.MESSAGE);
            return List.of(results);
        }
        String phase = "sending MAIL FROM";
        try {
            c.setTimeout(timeouts.command().toMillis());
            List<Integer> accepted = envelopePhase();
            if (accepted == null) {
                return List.of(results);
            }
            phase = "sending message body";
            SmtpReply finalReply = sendContent();
            if (c.lmtp()) {
                phase = "reading the replies for each recipient";
                for (int k = 0; k < accepted.size(); k++) {
                    SmtpReply reply = k == 0 ? finalReply : finalReply();
                    results[accepted.get(k)] = result(accepted.get(k), reply, Blame.RECIPIENT);
                }
                c.transactionDone();
                return List.of(results);
            }
            c.transactionDone();
            for (int i : accepted) {
                results[i] = result(i, finalReply, Blame.MESSAGE);
            }
            return List.of(results);
        } catch (IOException e) {
            c.markBroken();
            if (reused && !anyReplyRead) {
                throw new StaleConnectionException(e);
            }
            String text = (e instanceof SocketTimeoutException ? "conversation with " + c.remoteMta() + " timed out"
                    : "lost connection with " + c.remoteMta()) + " while " + phase;
            fillRemaining(RecipientStatus.DEFERRED, SmtpReply.of(421, "4.4.2", text), null, Blame.SESSION);
            return List.of(results);
        }
    }

    /** Refuses before sending anything when the next hop lacks what the message needs. */
    private SmtpReply checkCapabilities() {
        long limit = c.sizeLimit();
        if (limit > 0 && body.size() > limit) {
            return SmtpReply.of(552, "5.3.4", "message size " + body.size() + " exceeds size limit " + limit
                    + " of server " + c.remoteMta());
        }
        if (envelope.body() == BodyType.EIGHT_BIT_MIME && !c.supports("8BITMIME")) {
            return SmtpReply.of(554, "5.6.3", "server " + c.remoteMta() + " does not accept 8-bit content (no 8BITMIME)");
        }
        if (!utf8() && addresses().anyMatch(a -> !a.hasAsciiForm())) {
            return SmtpReply.of(553, "5.6.7", "server " + c.remoteMta() + " does not support SMTPUTF8, needed for"
                    + " non-ASCII addresses");
        }
        return null;
    }

    private java.util.stream.Stream<MailAddress> addresses() {
        return java.util.stream.Stream.concat(java.util.stream.Stream.ofNullable(envelope.sender()),
                envelope.recipients().stream().map(Recipient::address));
    }

    /**
     * Whether the addresses go as they are, with SMTPUTF8 (RFC 6531): when they need it and the next hop has it.
     * Otherwise internationalized domains go as A-labels (RFC 5891), the form every server takes; only a non-ASCII
     * local part has no such form.
     */
    private boolean utf8() {
        return envelope.smtputf8() && c.supports("SMTPUTF8") && addresses().anyMatch(MailAddress::needsUtf8);
    }

    private String path(MailAddress address) {
        return address == null ? "<>" : "<" + (utf8() ? address : address.asciiForm()) + ">";
    }

    /** MAIL, RCPTs and DATA; returns the indexes of accepted recipients, or null when no content is to be sent. */
    private List<Integer> envelopePhase() throws IOException {
        boolean pipelining = c.supports("PIPELINING");
        List<Recipient> recipients = envelope.recipients();
        c.write(mailCommand());
        if (pipelining) {
            for (Recipient r : recipients) {
                c.write(rcptCommand(r));
            }
            c.write("DATA");
        }
        c.flush();
        SmtpReply mail = read();
        if (!mail.isPositiveCompletion()) {
            fillRemaining(statusOf(mail), mail, c.remoteMta(), Blame.MESSAGE);
            if (pipelining) {
                abort(recipients.size() + 1);
            }
            return null;
        }
        List<Integer> accepted = new ArrayList<>();
        for (int i = 0; i < recipients.size(); i++) {
            SmtpReply rcpt = tooManyRecipients(pipelining ? read() : c.command(rcptCommand(recipients.get(i))));
            if (rcpt.isPositiveCompletion()) {
                accepted.add(i);
            } else {
                results[i] = result(i, rcpt, Blame.RECIPIENT);
            }
        }
        if (accepted.isEmpty() && !pipelining) {
            abort(0);
            return null;
        }
        SmtpReply data = pipelining ? read() : c.command("DATA");
        if (data.code() == 354 && !accepted.isEmpty()) {
            return accepted;
        }
        for (int i : accepted) {
            results[i] = result(i, data, Blame.MESSAGE);
        }
        if (data.code() == 354) {
            c.write("."); // 354 without any accepted recipient: send an empty message, which the server must refuse
            c.flush();
            read();
        }
        abort(0);
        return null;
    }

    /**
     * RFC 5321 section 4.5.3.1.10: RFC 821 wrongly gave 552 for "too many recipients", so a client should take a 552
     * to RCPT as the 452 it means (temporary: the recipient goes in another transaction). Postfix does the same for
     * every 552 to RCPT; a "mailbox full" 552 5.2.2 thereby becomes a deferral too, which is what RFC 3463 X.2.2
     * allows ("useful for both permanent and persistent transient errors").
     */
    private static SmtpReply tooManyRecipients(SmtpReply rcpt) {
        if (rcpt.code() != 552) {
            return rcpt;
        }
        String status = rcpt.status() == null ? "4.5.3" : "4" + rcpt.status().substring(1);
        return new SmtpReply(452, status, rcpt.lines());
    }

    /**
     * Leaves the connection ready for the next transaction after this one was abandoned: reads the pipelined replies
     * still outstanding, answers a stray 354 with an empty message, and sends RSET. Results are already recorded, so
     * a failure here only marks the connection broken.
     */
    private void abort(int outstandingReplies) {
        try {
            for (int i = 0; i < outstandingReplies && !c.isBroken(); i++) {
                SmtpReply r = read();
                if (i == outstandingReplies - 1 && r.code() == 354) {
                    c.write(".");
                    c.flush();
                    read();
                }
            }
            if (!c.isBroken()) {
                SmtpReply rset = c.command("RSET");
                if (!rset.isPositiveCompletion()) {
                    c.markBroken();
                }
            }
        } catch (IOException e) {
            c.markBroken();
        }
    }

    /** Streams the content; a next hop that stops reading for the command timeout ends it (see WriteWatchdog). */
    private SmtpReply sendContent() throws IOException {
        DotStuffingOutputStream data = new DotStuffingOutputStream(c.output());
        byte[] buf = new byte[65536];
        try (WriteWatchdog.Watch watch = WriteWatchdog.watch(c, timeouts.command())) {
            try (InputStream in = body.open()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    data.write(buf, 0, n);
                    watch.progress();
                }
                data.finish();
                c.flush();
            } catch (IOException e) {
                throw watch.failure(e);
            }
        }
        return finalReply();
    }

    /** A reply to the end of the content: it may take the next hop a while (filters, fsync, a mailbox to write). */
    private SmtpReply finalReply() throws IOException {
        c.setTimeout(timeouts.finalReply().toMillis());
        SmtpReply reply = read();
        c.setTimeout(timeouts.command().toMillis());
        return reply;
    }

    private SmtpReply read() throws IOException {
        SmtpReply r = c.readReply();
        anyReplyRead = true;
        if (r.code() == 421) {
            c.markBroken();
        }
        return r;
    }

    String mailCommand() {
        StringBuilder sb = new StringBuilder(96).append("MAIL FROM:").append(path(envelope.sender()));
        if (c.supports("SIZE") && body.size() >= 0) {
            sb.append(" SIZE=").append(body.size());
        }
        if (envelope.body() == BodyType.EIGHT_BIT_MIME) {
            sb.append(" BODY=8BITMIME");
        }
        if (utf8()) {
            sb.append(" SMTPUTF8");
        }
        if (c.supports("DSN")) {
            if (envelope.ret() != null) {
                sb.append(" RET=").append(envelope.ret().name());
            }
            if (envelope.envid() != null) {
                sb.append(" ENVID=").append(envelope.envid());
            }
        }
        return sb.toString();
    }

    String rcptCommand(Recipient r) {
        StringBuilder sb = new StringBuilder(64).append("RCPT TO:").append(path(r.address()));
        if (c.supports("DSN")) {
            if (!r.notifyOn().isEmpty()) {
                sb.append(" NOTIFY=").append(DsnNotify.format(r.notifyOn()));
            }
            if (r.orcpt() != null) {
                sb.append(" ORCPT=").append(r.orcpt());
            }
        }
        return sb.toString();
    }

    private RecipientResult result(int i, SmtpReply reply, Blame blame) {
        RecipientStatus status = statusOf(reply);
        return new RecipientResult(envelope.recipients().get(i), status, reply, c.remoteMta(),
                status == RecipientStatus.DELIVERED ? Blame.NONE : blame, c.supports("DSN"));
    }

    private void fillRemaining(RecipientStatus status, SmtpReply reply, String remoteMta, Blame blame) {
        for (int i = 0; i < results.length; i++) {
            if (results[i] == null) {
                results[i] = new RecipientResult(envelope.recipients().get(i), status, reply, remoteMta, blame,
                        c.supports("DSN"));
            }
        }
    }

    private static RecipientStatus statusOf(SmtpReply reply) {
        if (reply.isPositiveCompletion()) {
            return RecipientStatus.DELIVERED;
        }
        return reply.isPermanentFailure() ? RecipientStatus.FAILED : RecipientStatus.DEFERRED;
    }
}
