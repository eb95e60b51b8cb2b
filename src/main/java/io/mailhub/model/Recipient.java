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

    /**
     * A recipient with the parameters of its RCPT command (or a pickup file's X-Receiver line): NOTIFY and ORCPT
     * (RFC 3461 section 4).
     *
     * @throws SyntaxException a bad NOTIFY or ORCPT value
     * @throws UnsupportedOperationException another parameter (its name is the message)
     */
    public static Recipient withParameters(MailAddress address, EsmtpParameters params, boolean utf8)
            throws SyntaxException {
        for (String key : params.asMap().keySet()) {
            if (!key.equals("NOTIFY") && !key.equals("ORCPT")) {
                throw new UnsupportedOperationException(key);
            }
        }
        Set<DsnNotify> notify = Set.of();
        if (params.has("NOTIFY")) {
            if (params.get("NOTIFY") == null) {
                throw new SyntaxException("NOTIFY needs a value");
            }
            notify = DsnNotify.parseList(params.get("NOTIFY"));
        }
        String orcpt = params.get("ORCPT");
        if (params.has("ORCPT")) {
            int semi = orcpt == null ? -1 : orcpt.indexOf(';');
            if (semi <= 0 || !orcpt.substring(0, semi).matches("[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+")
                    || !Xtext.isValid(orcpt.substring(semi + 1), utf8) || orcpt.length() > 500) {
                throw new SyntaxException("ORCPT must be addr-type;xtext");
            }
        }
        return new Recipient(address, notify, orcpt);
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
