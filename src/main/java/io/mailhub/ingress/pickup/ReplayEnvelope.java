package io.mailhub.ingress.pickup;

import io.mailhub.model.DsnRet;
import io.mailhub.model.EsmtpParameters;
import io.mailhub.model.MailAddress;
import io.mailhub.model.Recipient;
import io.mailhub.model.SmtpPath;
import io.mailhub.model.SyntaxException;
import io.mailhub.model.Xtext;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The envelope lines that may lead a pickup file, as in Exchange's Replay directory: {@code X-Sender: <a@b> RET=HDRS
 * ENVID=xyz} (once) and {@code X-Receiver: <c@d> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;c@d} (once per recipient).
 * Exchange's own {@code X-CreatedBy} and {@code X-EndOfInjectedXHeaders} lines are skipped. The lines are read off the
 * stream, so that what is left is the message itself, without them. Without any, the envelope comes from the header.
 *
 * @param senderGiven whether there was an X-Sender line ({@code sender} {@code null} then is the null sender)
 * @param recipients the X-Receiver lines' recipients, or empty
 */
public record ReplayEnvelope(boolean senderGiven, MailAddress sender, DsnRet ret, String envid, List<Recipient> recipients) {

    /** The longest envelope line read (an address of 256 octets and its parameters fit with room to spare). */
    private static final int MAX_LINE = 2048;

    public ReplayEnvelope {
        recipients = List.copyOf(recipients);
    }

    boolean isEmpty() {
        return !senderGiven && recipients.isEmpty();
    }

    /**
     * Reads the leading envelope lines of {@code in} (which must support mark and reset, as a {@link
     * BufferedInputStream} does) and leaves it at the first line of the message.
     *
     * @throws SyntaxException a bad envelope line, named by its number
     */
    public static ReplayEnvelope read(InputStream in) throws IOException, SyntaxException {
        boolean senderGiven = false;
        MailAddress sender = null;
        DsnRet ret = null;
        String envid = null;
        List<Recipient> recipients = new ArrayList<>();
        for (int n = 1; ; n++) {
            in.mark(MAX_LINE + 2);
            String line = line(in);
            int colon = line == null ? -1 : line.indexOf(':');
            String name = colon < 0 ? "" : line.substring(0, colon).toLowerCase(Locale.ROOT);
            if (!name.equals("x-sender") && !name.equals("x-receiver") && !name.equals("x-createdby")
                    && !name.equals("x-endofinjectedxheaders")) {
                in.reset();
                return new ReplayEnvelope(senderGiven, sender, ret, envid, recipients);
            }
            String value = line.substring(colon + 1).strip();
            try {
                if (name.equals("x-sender")) {
                    if (senderGiven) {
                        throw new SyntaxException("a second X-Sender line");
                    }
                    senderGiven = true;
                    SmtpPath.Parsed path = SmtpPath.parse(bracketed(value), true);
                    sender = path.address().orElse(null);
                    EsmtpParameters params = EsmtpParameters.parse(rest(value, path), true);
                    ret = ret(params);
                    envid = envid(params);
                } else if (name.equals("x-receiver")) {
                    SmtpPath.Parsed path = SmtpPath.parse(bracketed(value), true);
                    if (path.address().isEmpty()) {
                        throw new SyntaxException("a recipient cannot be <>");
                    }
                    EsmtpParameters params = EsmtpParameters.parse(orcptWithType(rest(value, path)), true);
                    recipients.add(Recipient.withParameters(path.address().get(), params, true));
                }
            } catch (SyntaxException | UnsupportedOperationException e) {
                String what = e instanceof UnsupportedOperationException ? "unknown parameter " + e.getMessage()
                        : e.getMessage();
                throw new SyntaxException("line " + n + " (" + line.substring(0, colon) + "): " + what);
            }
        }
    }

    /** Exchange writes bare addresses as well as bracketed ones. */
    private static String bracketed(String value) {
        if (value.startsWith("<")) {
            return value;
        }
        int space = value.indexOf(' ');
        return "<" + (space < 0 ? value : value.substring(0, space)) + ">" + (space < 0 ? "" : value.substring(space));
    }

    private static String rest(String value, SmtpPath.Parsed path) {
        String b = bracketed(value);
        return b.substring(path.end());
    }

    /** Exchange's ORCPT may lack the address type: {@code ORCPT=c@d} is {@code rfc822;c@d}. */
    private static String orcptWithType(String params) {
        return params.replaceAll("(?i)(^| )ORCPT=([^; ]+)( |$)", "$1ORCPT=rfc822;$2$3");
    }

    private static DsnRet ret(EsmtpParameters params) throws SyntaxException {
        if (!params.has("RET")) {
            return null;
        }
        String v = params.get("RET") == null ? "" : params.get("RET").toUpperCase(Locale.ROOT);
        return switch (v) {
            case "FULL" -> DsnRet.FULL;
            case "HDRS" -> DsnRet.HDRS;
            default -> throw new SyntaxException("RET must be FULL or HDRS");
        };
    }

    private static String envid(EsmtpParameters params) throws SyntaxException {
        String envid = params.get("ENVID");
        if (params.has("ENVID") && (envid == null || envid.length() > 100 || !Xtext.isValid(envid, true))) {
            throw new SyntaxException("ENVID must be xtext of at most 100 characters");
        }
        return envid; // BODY and AUTH, which Exchange writes too, are left alone
    }

    /** One line without its line end, or {@code null} at the end of the stream or for a line that is too long. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(128);
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (b.size() > MAX_LINE) {
                return null;
            }
            b.write(c);
        }
        if (c < 0 && b.size() == 0) {
            return null;
        }
        String s = b.toString(StandardCharsets.UTF_8);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }
}
