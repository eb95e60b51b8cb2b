package io.mailhub.bounce;

import io.mailhub.model.DsnRet;
import io.mailhub.model.Envelope;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a delivery status notification (RFC 3464) as a complete RFC 5322 message: {@code multipart/report;
 * report-type=delivery-status} (RFC 6522) with the human-readable text from {@link DsnTemplates}, the
 * {@code message/delivery-status} part ({@link DeliveryStatusPart}) and, when it may and can be returned, the original
 * as {@code message/rfc822} or its header section as {@code text/rfc822-headers}.
 *
 * <p>The original is returned whole only in a failure notice whose sender did not ask for RET=HDRS (RFC 3461 section
 * 4.3), and only if the notice then stays within the size limit and the original has no line over 998 octets;
 * otherwise its header section is returned under the same conditions, otherwise nothing, and the human text says which
 * and why ({@link ReturnedContent}). The notice never exceeds the size limit. The original is read twice as a stream
 * (once to measure, once to copy) and never held in memory.
 *
 * <p>Every line ends in CRLF and stays within 998 octets. The notice is 7-bit unless the returned original has 8-bit
 * octets or an address needs UTF-8; {@link DsnResult#eightBitMime()} then tells the caller to send it with
 * BODY=8BITMIME.
 */
public final class DsnComposer {

    private final String reportingMta;
    private final long maxSize;
    private final DsnTemplates templates;
    private final Clock clock;

    /**
     * @param reportingMta our host name ({@code mailhub.hostname}): Reporting-MTA, From and Message-ID
     * @param maxSize the largest notice in octets ({@code mailhub.max-message-size})
     * @param templates the human-readable texts
     * @param clock the source of Date, Last-Attempt-Date and the time zone of every date
     */
    public DsnComposer(String reportingMta, long maxSize, DsnTemplates templates, Clock clock) {
        this.reportingMta = Objects.requireNonNull(reportingMta, "reportingMta");
        if (maxSize <= 0) {
            throw new IllegalArgumentException("maxSize must be positive: " + maxSize);
        }
        this.maxSize = maxSize;
        this.templates = Objects.requireNonNull(templates, "templates");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Writes the notice to {@code out}, which is neither flushed nor closed. On an exception the output may be
     * incomplete and must be discarded.
     *
     * @throws DsnTooLargeException when even the notice without the original exceeds the size limit (nothing written)
     * @throws IOException when the original cannot be read or {@code out} cannot be written
     */
    public DsnResult compose(DsnRequest request, OutputStream out) throws IOException {
        Envelope env = request.envelope();
        DsnKind kind = DsnKind.of(request.outcomes());
        boolean fullWanted = kind == DsnKind.FAILURE && env.ret() != DsnRet.HDRS;
        OriginalScan scan = OriginalScan.read(request.original(), fullWanted && request.original().size() < maxSize);
        Instant now = clock.instant();
        DeliveryStatusPart.Rendered status = DeliveryStatusPart.render(reportingMta, request, now, clock.getZone());
        String boundary = env.queueId() + "/" + random(16);
        String messageId = "<" + env.queueId() + "." + random(8) + ".dsn@" + reportingMta + ">";
        Notice notice = new Notice(request, kind, scan, status, boundary, messageId, now);
        byte[] tail = ("\r\n--" + notice.boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        for (ReturnedContent returned : choices(fullWanted, scan)) {
            long length = returned.includesBody() ? scan.size() : returned.includesHeaders() ? scan.headerLength() : 0;
            boolean eightBitPart =
                    returned.includesBody() ? scan.eightBit() : returned.includesHeaders() && scan.headerEightBit();
            byte[] head = head(notice, returned, eightBitPart).getBytes(StandardCharsets.UTF_8);
            long total = head.length + length + tail.length;
            if (total <= maxSize) {
                out.write(head);
                copy(request.original(), length, out);
                out.write(tail);
                boolean eightBit = eightBitPart || notice.status.global();
                return new DsnResult(total, returned, eightBit, env.sender().needsUtf8(), notice.messageId);
            }
        }
        throw new DsnTooLargeException(env.queueId() + ": a notice about " + request.outcomes().size()
                + " recipient(s) exceeds the size limit of " + maxSize + " octets even without the original");
    }

    /** What stays the same whichever content is returned; the boundary is 47 characters (RFC 2046 allows 70). */
    private record Notice(
            DsnRequest request,
            DsnKind kind,
            OriginalScan scan,
            DeliveryStatusPart.Rendered status,
            String boundary,
            String messageId,
            Instant now) {}

    /** Everything before the returned content: the message header, the text, the status and the third part's header. */
    private String head(Notice n, ReturnedContent returned, boolean eightBitPart) {
        Envelope env = n.request.envelope();
        ZoneId zone = clock.getZone();
        boolean eightBit = eightBitPart || n.status.global();
        NotificationText.Rendered text = NotificationText.render(templates.template(n.kind), values(n, returned));
        StringBuilder head = new StringBuilder(4096 + n.status.text().length());
        head.append("From: Mail Delivery System <MAILER-DAEMON@").append(reportingMta).append(">\r\n");
        head.append("To: <").append(env.sender()).append(">\r\n");
        head.append(HeaderFields.fold("Subject", HeaderFields.encodeText(text.subject())));
        head.append("Date: ").append(RfcDates.format(n.now, zone)).append("\r\n");
        head.append("Message-ID: ").append(n.messageId).append("\r\n");
        head.append("Auto-Submitted: auto-replied\r\n");
        head.append("MIME-Version: 1.0\r\n");
        head.append(HeaderFields.fold("Content-Type",
                "multipart/report; report-type=delivery-status; boundary=\"" + n.boundary + "\""));
        head.append("Content-Transfer-Encoding: ").append(eightBit ? "8bit" : "7bit").append("\r\n\r\n");
        part(head, n.boundary, true, "Notification", "text/plain; charset=" + text.charset(), text.transferEncoding());
        head.append(text.body());
        boolean global = n.status.global();
        part(head, n.boundary, false, "Delivery report",
                global ? "message/global-delivery-status" : "message/delivery-status", global ? "8bit" : "7bit");
        head.append(n.status.text());
        if (returned.includesHeaders()) {
            part(head, n.boundary, false, returned.includesBody() ? "Undelivered Message" : "Message Headers",
                    returnedType(returned, env.smtputf8() && n.scan.headerEightBit()), eightBitPart ? "8bit" : "7bit");
        }
        return head.toString();
    }

    /** What to try returning, best first; each later choice is smaller. */
    private static List<ReturnedContent> choices(boolean fullWanted, OriginalScan scan) {
        List<ReturnedContent> choices = new ArrayList<>(3);
        ReturnedContent headers = ReturnedContent.HEADERS;
        if (fullWanted && !scan.complete()) {
            headers = ReturnedContent.HEADERS_TOO_BIG;
        } else if (fullWanted && scan.longestLine() > HeaderFields.HARD_LIMIT) {
            headers = ReturnedContent.HEADERS_LONG_LINES;
        } else if (fullWanted) {
            choices.add(ReturnedContent.FULL);
            headers = ReturnedContent.HEADERS_TOO_BIG; // used only when the full message did not fit
        }
        if (scan.longestHeaderLine() <= HeaderFields.HARD_LIMIT) {
            choices.add(headers);
        }
        choices.add(ReturnedContent.NOTHING);
        return choices;
    }

    private Map<String, String> values(Notice n, ReturnedContent returned) {
        Envelope env = n.request.envelope();
        ZoneId zone = clock.getZone();
        long originalSize = n.scan.complete() ? n.scan.size() : n.request.original().size();
        Map<String, String> noteValues = Map.of("hostname", reportingMta, "original_size",
                Long.toString(originalSize), "size_limit", Long.toString(maxSize));
        Map<String, String> values = new HashMap<>();
        values.put("hostname", reportingMta);
        values.put("queue_id", env.queueId());
        values.put("sender", env.sender().toString());
        values.put("arrival_date", RfcDates.format(env.arrival(), zone));
        values.put("recipients", NotificationText.recipients(n.request.outcomes()));
        values.put("returned", NotificationText.note(templates.note(returned), noteValues));
        Instant until = n.request.willRetryUntil();
        values.put("will_retry_until", until == null ? "(not known)" : RfcDates.format(until, zone));
        return values;
    }

    private static String returnedType(ReturnedContent returned, boolean global) {
        if (returned.includesBody()) {
            return global ? "message/global" : "message/rfc822";
        }
        return global ? "message/global-headers" : "text/rfc822-headers";
    }

    /**
     * Writes a boundary and the next part's header section. The CRLF before a boundary belongs to the boundary (RFC
     * 2046 section 5.1.1), so a part body that ends in CRLF keeps it; the first boundary follows the empty line that
     * ends the message header (no preamble).
     */
    private static void part(StringBuilder sb, String boundary, boolean first, String description, String type,
            String encoding) {
        sb.append(first ? "--" : "\r\n--").append(boundary).append("\r\n");
        sb.append("Content-Description: ").append(description).append("\r\n");
        sb.append("Content-Type: ").append(type).append("\r\n");
        sb.append("Content-Transfer-Encoding: ").append(encoding).append("\r\n\r\n");
    }

    private static void copy(OriginalMessage original, long length, OutputStream out) throws IOException {
        if (length == 0) {
            return;
        }
        byte[] buf = new byte[64 * 1024];
        long left = length;
        try (InputStream in = original.open()) {
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    throw new IOException("the original ended after " + (length - left) + " of " + length
                            + " octets: it changed while the notice was written");
                }
                out.write(buf, 0, n);
                left -= n;
            }
        }
    }

    private static String random(int octets) {
        byte[] b = new byte[octets];
        ThreadLocalRandom.current().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
