package io.mailhub.ingress.smtp;

import io.mailhub.model.LineEnds;
import io.mailhub.model.SmtpReply;

/**
 * Checks message content as it arrives: line ends must be CRLF (a bare CR or LF is refused, as hardened Postfix does
 * with {@code smtpd_forbid_bare_newline = reject}), no NUL octet may appear (it is not allowed in 7bit or 8bit content,
 * RFC 5322 section 3.5 and RFC 2045 sections 2.7-2.8, and we offer no BINARYMIME; a next hop that strips NUL could
 * otherwise be made to see an end of data that we did not), no line may exceed the hard per-line limit, and the whole
 * must fit the size limit. The first problem found decides the reply; later octets are still counted but no longer matter.
 */
final class ContentChecker {

    private final long maxSize;
    private final int maxLineLength;
    private long size;
    private int lineLength;
    private boolean pendingCr;
    private SmtpReply problem;

    ContentChecker(long maxSize, int maxLineLength) {
        this.maxSize = maxSize;
        this.maxLineLength = maxLineLength;
    }

    /** Checks the next octets; returns false once the content is known to be unacceptable. */
    boolean update(byte[] b, int off, int len) {
        size += len;
        if (problem != null) {
            return false;
        }
        if (size > maxSize) {
            problem = SmtpReplies.MESSAGE_TOO_BIG;
            return false;
        }
        boolean cr = pendingCr;
        int line = lineLength;
        int i = off;
        int end = off + len;
        while (i < end) {
            if (cr) { // the octet after a CR must be its LF
                if (b[i] != '\n') {
                    problem = SmtpReplies.BARE_CR;
                    return false;
                }
                cr = false;
                line = 0;
                i++;
                continue;
            }
            int lineEnd = LineEnds.indexOfLineEndOrNul(b, i, end);
            line += lineEnd - i;
            if (line > maxLineLength) {
                problem = SmtpReplies.LINE_TOO_LONG;
                return false;
            }
            if (lineEnd == end) {
                break;
            }
            if (b[lineEnd] == 0) {
                problem = SmtpReplies.NUL_IN_CONTENT;
                return false;
            }
            if (b[lineEnd] == '\n') {
                problem = SmtpReplies.BARE_LF;
                return false;
            }
            cr = true;
            i = lineEnd + 1;
        }
        pendingCr = cr;
        lineLength = line;
        return true;
    }

    /** Call at the end of the content: a CR as the very last octet is bare too. */
    void finish() {
        if (problem == null && pendingCr) {
            problem = SmtpReplies.BARE_CR;
        }
    }

    /** The reply refusing the content, or {@code null} when it is acceptable. */
    SmtpReply problem() {
        return problem;
    }

    /** Octets seen so far. */
    long size() {
        return size;
    }

    /** Whether the content seen so far ends at a line end (or is empty). */
    boolean endsWithLineEnd() {
        return lineLength == 0 && !pendingCr;
    }
}
