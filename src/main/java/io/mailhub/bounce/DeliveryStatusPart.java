package io.mailhub.bounce;

import io.mailhub.model.Ascii;
import io.mailhub.model.Envelope;
import io.mailhub.model.MailAddress;
import io.mailhub.model.RecipientOutcome;
import io.mailhub.model.Xtext;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The machine-readable part (RFC 3464 section 2): the per-message fields, then one block per recipient, each after an
 * empty line. Field values that came from outside (ENVID, ORCPT, diagnostics) are cleaned of control characters, so a
 * {@code +0D+0A} in xtext cannot start a field of its own.
 *
 * <p>A diagnostic that is an SMTP reply from the remote MTA (a {@code Remote-MTA} is known and the text starts with a
 * reply code) is written as {@code Diagnostic-Code: smtp; ...}; anything else is a local reason and written as
 * {@code Diagnostic-Code: X-Mailhub; ...}, like Postfix's {@code X-Postfix}. Addresses outside ASCII use the
 * {@code utf-8} address type (RFC 6533), which makes the part a {@code message/global-delivery-status}.
 */
final class DeliveryStatusPart {

    private static final Pattern REPLY = Pattern.compile("[2-5][0-9][0-9]([ -].*)?");
    private static final Pattern STATUS = Pattern.compile("[245]\\.[0-9]{1,3}\\.[0-9]{1,3}");

    /** The part's text, CRLF line ends, and whether it needs {@code message/global-delivery-status}. */
    record Rendered(String text, boolean global) {}

    private DeliveryStatusPart() {}

    static Rendered render(String reportingMta, DsnRequest request, Instant now, ZoneId zone) {
        Envelope env = request.envelope();
        StringBuilder sb = new StringBuilder(512 + 384 * request.outcomes().size());
        if (env.envid() != null) {
            sb.append(field("Original-Envelope-Id", HeaderFields.ascii(Xtext.decode(env.envid()))));
        }
        sb.append(field("Reporting-MTA", "dns; " + reportingMta));
        sb.append(field("X-Mailhub-Queue-ID", env.queueId()));
        sb.append(field("X-Mailhub-Sender", address(env.sender())));
        sb.append(field("Arrival-Date", RfcDates.format(env.arrival(), zone)));
        Instant lastAttempt = request.lastAttempt() == null ? now : request.lastAttempt();
        for (RecipientOutcome o : request.outcomes()) {
            sb.append("\r\n");
            recipient(sb, o, lastAttempt, request.willRetryUntil(), zone);
        }
        String text = sb.toString();
        return new Rendered(text, !Ascii.isAscii(text));
    }

    private static void recipient(StringBuilder sb, RecipientOutcome o, Instant lastAttempt, Instant retryUntil,
            ZoneId zone) {
        DsnAction action = DsnAction.of(o.action());
        String orcpt = originalRecipient(o.recipient().orcpt());
        if (orcpt != null) {
            sb.append(field("Original-Recipient", orcpt));
        }
        sb.append(field("Final-Recipient", address(o.recipient().address())));
        sb.append(field("Action", action.keyword()));
        sb.append(field("Status", status(o.status(), action)));
        if (o.remoteMta() != null) {
            sb.append(field("Remote-MTA", "dns; " + HeaderFields.ascii(mtaName(o.remoteMta()))));
        }
        String diagnostic = o.diagnostic() == null ? "" : HeaderFields.clean(HeaderFields.ascii(o.diagnostic()));
        if (!diagnostic.isEmpty()) {
            sb.append(field("Diagnostic-Code", (isRemoteReply(o) ? "smtp; " : "X-Mailhub; ") + diagnostic));
        }
        sb.append(field("Last-Attempt-Date", RfcDates.format(lastAttempt, zone)));
        if (action == DsnAction.DELAYED && retryUntil != null) {
            sb.append(field("Will-Retry-Until", RfcDates.format(retryUntil, zone)));
        }
    }

    /** Whether the diagnostic is a reply the remote MTA sent, rather than a reason of our own. */
    static boolean isRemoteReply(RecipientOutcome o) {
        return o.remoteMta() != null && o.diagnostic() != null && REPLY.matcher(o.diagnostic()).matches();
    }

    /** {@code rfc822; a@b}, or {@code utf-8; ...} for an address outside ASCII (RFC 6533 section 3). */
    static String address(MailAddress a) {
        return (a.needsUtf8() ? "utf-8; " : "rfc822; ") + a;
    }

    /** ORCPT as stored ({@code addr-type;xtext}) to a field value, or {@code null} when absent or malformed. */
    static String originalRecipient(String orcpt) {
        if (orcpt == null) {
            return null;
        }
        int semi = orcpt.indexOf(';');
        if (semi <= 0 || semi == orcpt.length() - 1) {
            return null;
        }
        String type = HeaderFields.ascii(orcpt.substring(0, semi).strip());
        return type + "; " + HeaderFields.clean(Xtext.decode(orcpt.substring(semi + 1).strip()));
    }

    /** {@code mx.example.org[192.0.2.1]:25} to {@code mx.example.org}; the bracketed address when there is no name. */
    static String mtaName(String remoteMta) {
        int bracket = remoteMta.indexOf('[');
        if (bracket > 0) {
            return remoteMta.substring(0, bracket);
        }
        int close = remoteMta.indexOf(']');
        return bracket == 0 && close > 0 ? remoteMta.substring(0, close + 1) : remoteMta;
    }

    private static String status(String status, DsnAction action) {
        if (status != null && STATUS.matcher(status).matches()) {
            return status;
        }
        return switch (action) {
            case FAILED -> "5.0.0";
            case DELAYED -> "4.0.0";
            default -> "2.0.0";
        };
    }

    private static String field(String name, String value) {
        return HeaderFields.fold(name, value);
    }
}
