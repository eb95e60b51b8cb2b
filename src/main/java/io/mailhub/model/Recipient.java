package io.mailhub.model;

import java.util.Set;

/**
 * One envelope recipient with its RFC 3461 DSN parameters.
 *
 * @param address the forward-path mailbox
 * @param notifyOn NOTIFY values; empty when the client gave none (then the default applies: FAILURE, and DELAY at our
 *     discretion)
 * @param orcpt ORCPT as given, {@code addr-type;xtext}, or {@code null}
 */
public record Recipient(MailAddress address, Set<DsnNotify> notifyOn, String orcpt) {

    public Recipient {
        notifyOn = Set.copyOf(notifyOn);
    }

    public static Recipient of(MailAddress address) {
        return new Recipient(address, Set.of(), null);
    }

    /** Whether the sender wants to hear about {@code event} for this recipient (RFC 3461 section 4.1 defaults). */
    public boolean wants(DsnNotify event) {
        if (notifyOn.isEmpty()) {
            return event == DsnNotify.FAILURE || event == DsnNotify.DELAY;
        }
        return notifyOn.contains(event);
    }

    /** The recipient as one line in RCPT syntax without the verb: {@code <a@b> NOTIFY=FAILURE ORCPT=rfc822;a@b}. */
    public String toLine() {
        StringBuilder sb = new StringBuilder(64).append('<').append(address).append('>');
        if (!notifyOn.isEmpty()) {
            sb.append(" NOTIFY=").append(DsnNotify.format(notifyOn));
        }
        if (orcpt != null) {
            sb.append(" ORCPT=").append(orcpt);
        }
        return sb.toString();
    }

    /** Parses a line written by {@link #toLine()}. */
    public static Recipient fromLine(String line) throws SyntaxException {
        SmtpPath.Parsed path = SmtpPath.parse(line, true);
        if (path.address().isEmpty()) {
            throw new SyntaxException("a recipient cannot be <>");
        }
        EsmtpParameters params = EsmtpParameters.parse(line.substring(path.end()), true);
        Set<DsnNotify> notify = params.has("NOTIFY") ? DsnNotify.parseList(params.get("NOTIFY")) : Set.of();
        return new Recipient(path.address().get(), notify, params.get("ORCPT"));
    }
}
