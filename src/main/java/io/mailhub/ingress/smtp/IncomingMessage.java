package io.mailhub.ingress.smtp;

import io.mailhub.acceptance.Spool;
import io.mailhub.cleanup.HeaderScanner;
import io.mailhub.model.MessageContent;
import io.mailhub.model.SmtpReply;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One message while it is received (by DATA or by BDAT chunks): every octet is checked, the header section scanned,
 * and the content spooled, until the first problem; after that octets are only counted. A spool that cannot be
 * written (the disk is full) is a problem too: the rest is read and discarded and the message refused with 452 4.3.1,
 * so the session stays in step and usable.
 */
final class IncomingMessage {

    private static final Logger LOG = LoggerFactory.getLogger("io.mailhub.ingress");

    private static final long HEADER_SCAN_LIMIT = 1 << 20;
    private static final byte[] CRLF = {'\r', '\n'};

    private final ContentChecker checker;
    private final HeaderScanner headers = new HeaderScanner(HEADER_SCAN_LIMIT);
    private final Spool spool;
    private SmtpReply storageProblem;

    IncomingMessage(SmtpSettings settings) {
        this.checker = new ContentChecker(settings.maxMessageSize(), settings.maxLineLength());
        this.spool = new Spool(settings.spoolDirectory(), settings.spoolMemoryThreshold());
    }

    void accept(byte[] b, int off, int len) {
        if (checker.update(b, off, len) && storageProblem == null) {
            headers.update(b, off, len);
            try {
                spool.write(b, off, len);
            } catch (IOException e) {
                spoolFailed(e);
            }
        }
    }

    private void spoolFailed(IOException e) {
        LOG.warn("cannot spool a message being received ({}): refusing it with 452 4.3.1 once it has been read",
                e.getMessage());
        storageProblem = SmtpReplies.INSUFFICIENT_STORAGE;
        spool.close();
    }

    /** The reply refusing the content so far, or {@code null}. */
    SmtpReply problem() {
        return checker.problem() != null ? checker.problem() : storageProblem;
    }

    HeaderScanner headers() {
        return headers;
    }

    long size() {
        return checker.size();
    }

    /**
     * Ends reception.
     *
     * @return the content, or {@code null} when the message is refused (see {@link #problem()})
     */
    MessageContent finish() {
        checker.finish();
        if (problem() != null) {
            spool.close();
            return null;
        }
        try {
            if (!checker.endsWithLineEnd()) {
                spool.write(CRLF, 0, 2); // BDAT content may end mid-line; stored messages always end in CRLF
            }
            return spool.finish();
        } catch (IOException e) {
            spoolFailed(e);
            return null;
        }
    }

    void discard() {
        spool.close();
    }
}
