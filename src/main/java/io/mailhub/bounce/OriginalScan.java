package io.mailhub.bounce;

import java.io.IOException;
import java.io.InputStream;

/**
 * One streaming pass over the original that learns what the composer must know before it writes the first octet: the
 * exact size, where the header section ends (RFC 5322 section 2.1: at the first empty line), whether there are octets
 * above 127, and the longest line, each for the header section and the whole. With {@code wholeMessage} false it
 * stops after the header section, so a body too big to return is never read.
 */
final class OriginalScan {

    private long size;
    private long lineStart;
    private long headerLength = -1;
    private int lineLength;
    private int longestLine;
    private int longestHeaderLine;
    private boolean eightBit;
    private boolean headerEightBit;
    private boolean complete;

    private OriginalScan() {}

    static OriginalScan read(OriginalMessage original, boolean wholeMessage) throws IOException {
        OriginalScan scan = new OriginalScan();
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = original.open()) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (!scan.update(buf, n, wholeMessage)) {
                    return scan;
                }
            }
        }
        scan.finish();
        return scan;
    }

    /** Returns false when the header section is complete and the rest is not wanted. */
    private boolean update(byte[] b, int len, boolean wholeMessage) {
        for (int i = 0; i < len; i++) {
            int c = b[i] & 0xff;
            size++;
            boolean inHeaders = headerLength < 0;
            if (c > 127) {
                eightBit = true;
                headerEightBit |= inHeaders;
            }
            if (c == '\n') {
                if (inHeaders && lineLength == 0) {
                    headerLength = lineStart; // the empty line ends the header section and is not part of it
                    if (!wholeMessage) {
                        return false;
                    }
                }
                endLine(inHeaders);
                lineStart = size;
            } else if (c != '\r') {
                lineLength++;
            }
        }
        return true;
    }

    private void endLine(boolean inHeaders) {
        longestLine = Math.max(longestLine, lineLength);
        if (inHeaders) {
            longestHeaderLine = Math.max(longestHeaderLine, lineLength);
        }
        lineLength = 0;
    }

    private void finish() {
        boolean inHeaders = headerLength < 0;
        endLine(inHeaders);
        if (inHeaders) {
            headerLength = size; // no body: the whole content is header section
        }
        complete = true;
    }

    /** Whether the whole message was read; if not, only the header facts are known. */
    boolean complete() {
        return complete;
    }

    /** Exact size in octets; meaningful only when {@link #complete()}. */
    long size() {
        return size;
    }

    /** Octets of the header section, from the start to the CRLF ending its last field (without the empty line). */
    long headerLength() {
        return headerLength;
    }

    /** Longest line in octets without its line end; meaningful only when {@link #complete()}. */
    int longestLine() {
        return longestLine;
    }

    int longestHeaderLine() {
        return longestHeaderLine;
    }

    /** Octets above 127 anywhere; meaningful only when {@link #complete()}. */
    boolean eightBit() {
        return eightBit;
    }

    boolean headerEightBit() {
        return headerEightBit;
    }
}
