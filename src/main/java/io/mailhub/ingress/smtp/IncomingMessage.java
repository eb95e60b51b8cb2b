package io.mailhub.ingress.smtp;

import io.mailhub.cleanup.HeaderScanner;
import io.mailhub.model.MessageContent;
import io.mailhub.model.SmtpReply;
import java.io.IOException;

/**
 * One message while it is received (by DATA or by BDAT chunks): every octet is checked, the header section scanned,
 * and the content spooled, until the first problem; after that octets are only counted.
 */
final class IncomingMessage {

    private static final long HEADER_SCAN_LIMIT = 1 << 20;
    private static final byte[] CRLF = {'\r', '\n'};

    private final ContentChecker checker;
    private final HeaderScanner headers = new HeaderScanner(HEADER_SCAN_LIMIT);
    private final Spool spool;

    IncomingMessage(SmtpSettings settings) {
        this.checker = new ContentChecker(settings.maxMessageSize(), settings.maxLineLength());
        this.spool = new Spool(settings.spoolDirectory(), settings.spoolMemoryThreshold());
    }

    void accept(byte[] b, int off, int len) throws IOException {
        if (checker.update(b, off, len)) {
            headers.update(b, off, len);
            spool.write(b, off, len);
        }
    }

    /** The reply refusing the content so far, or {@code null}. */
    SmtpReply problem() {
        return checker.problem();
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
    MessageContent finish() throws IOException {
        checker.finish();
        if (checker.problem() != null) {
            spool.close();
            return null;
        }
        if (!checker.endsWithLineEnd()) {
            spool.write(CRLF, 0, 2); // BDAT content may end mid-line; stored messages always end in CRLF
        }
        return spool.finish();
    }

    void discard() {
        spool.close();
    }
}
