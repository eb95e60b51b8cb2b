package io.mailhub.ingress.http;

import io.mailhub.acceptance.Spool;
import io.mailhub.cleanup.HeaderScanner;
import io.mailhub.model.LineEnds;
import io.mailhub.model.MessageContent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads a raw message ({@code POST /api/v1/messages/raw}, Mailgun's {@code messages.mime}) into a spool as it streams
 * in: line ends become CRLF (files written on Unix end lines in LF, and HTTP carries no SMTP dot to smuggle past), and
 * what the SMTP door refuses is refused here too: NUL, a line over the per-line limit, more than the size limit.
 */
final class RawMessage {

    private RawMessage() {}

    /** The message read, with the scan of its header section. */
    record Read(MessageContent content, HeaderScanner headers) {}

    static Read read(InputStream in, Path spoolDirectory, int spoolThreshold, long maxSize, int maxLineLength)
            throws IOException, ApiProblem {
        Spool spool = new Spool(spoolDirectory, spoolThreshold);
        HeaderScanner scan = new HeaderScanner(1 << 20);
        byte[] buf = new byte[65536];
        byte[] out = new byte[2 * buf.length];
        long size = 0;
        int line = 0;
        boolean cr = false;
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                int o = 0;
                for (int i = 0; i < n; ) {
                    int end = LineEnds.indexOfLineEndOrNul(buf, i, n);
                    int len = end - i;
                    if (len > 0) {
                        if (cr) { // a CR that no LF followed: a line end of its own
                            out[o++] = '\n';
                            line = 0;
                            cr = false;
                        }
                        System.arraycopy(buf, i, out, o, len);
                        o += len;
                        line += len;
                        if (line > maxLineLength) {
                            throw problem("line-too-long", "a line of the message is longer than " + maxLineLength
                                    + " octets", "5.3.4");
                        }
                    }
                    if (end == n) {
                        break;
                    }
                    byte b = buf[end];
                    if (b == 0) {
                        throw problem("content-refused", "the message contains a NUL octet", "5.6.0");
                    }
                    if (b == '\r') {
                        if (cr) {
                            out[o++] = '\n';
                        }
                        out[o++] = '\r';
                        cr = true;
                    } else { // LF: after a CR it completes it, alone it becomes CRLF
                        if (!cr) {
                            out[o++] = '\r';
                        }
                        out[o++] = '\n';
                        cr = false;
                        line = 0;
                    }
                    i = end + 1;
                }
                size += o;
                if (size > maxSize) {
                    throw new ApiProblem(413, "message-too-big", "The message is too big", "the message is larger than"
                            + " the " + maxSize + " octets allowed", List.of(), "5.3.4", 0);
                }
                scan.update(out, 0, o);
                spool.write(out, 0, o);
            }
            byte[] tail = cr ? new byte[] {'\n'} : line > 0 ? new byte[] {'\r', '\n'} : new byte[0];
            if (tail.length > 0) {
                scan.update(tail, 0, tail.length);
                spool.write(tail, 0, tail.length);
            }
            return new Read(spool.finish(), scan);
        } catch (IOException | ApiProblem | RuntimeException e) {
            spool.close();
            throw e;
        }
    }

    private static ApiProblem problem(String type, String detail, String enhanced) {
        return ApiProblem.unprocessable(type, "The content cannot be sent", detail, List.of(), enhanced);
    }
}
