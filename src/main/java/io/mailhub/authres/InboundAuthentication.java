package io.mailhub.authres;

import io.mailhub.dkim.DkimVerifier;
import io.mailhub.dkim.MessageHeader;
import io.mailhub.model.Ascii;
import io.mailhub.model.MailAddress;
import io.mailhub.model.MessageContent;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Checks mail arriving from other servers (port 25 role, client neither logged in nor trusted): SPF for the MAIL FROM
 * domain (or the HELO name for the null sender), every DKIM signature, and DMARC for the From: domain; the results go
 * into an Authentication-Results header (RFC 8601) in front of the message. What happens to a DMARC failure is the
 * caller's decision ({@link Report#disposition()}).
 */
public final class InboundAuthentication {

    /** What the checks found; {@code header} is the Authentication-Results field, folded, ending in CRLF. */
    public record Report(Spf.Verdict spf, List<DkimVerifier.Outcome> dkim, Dmarc.Verdict dmarc, String header) {

        /** {@code none}, {@code quarantine} or {@code reject}: what the From: domain asks for this message. */
        public String disposition() {
            return dmarc.disposition();
        }
    }

    private final String authservId;
    private final Spf spf;
    private final DkimVerifier dkim;
    private final Dmarc dmarc;

    public InboundAuthentication(String authservId, Dns dns, Clock clock, RandomGenerator random) {
        this.authservId = authservId;
        this.spf = new Spf(dns);
        this.dkim = new DkimVerifier(name -> {
            try {
                return dns.txt(name);
            } catch (Dns.DnsFailure e) {
                throw new DkimVerifier.TemporaryFailure(e.getMessage());
            }
        }, clock);
        this.dmarc = new Dmarc(dns, random);
    }

    public Report check(InetAddress client, String helo, MailAddress sender, MessageContent message)
            throws IOException {
        String spfDomain = sender != null ? sender.domainKey() : helo == null ? null : helo.toLowerCase();
        String spfIdentity = sender != null ? sender.toString() : "postmaster@" + spfDomain;
        Spf.Verdict spfVerdict = spfDomain == null ? new Spf.Verdict(Spf.Result.NONE, "no domain to check")
                : spf.check(client, spfDomain, spfIdentity, helo);
        List<String> fields = new ArrayList<>();
        boolean complete;
        try (InputStream in = message.openStream()) {
            complete = MessageHeader.read(in, fields);
        }
        List<DkimVerifier.Outcome> signatures = complete ? dkim.verify(fields, message) : List.of();
        String fromDomain = MessageHeader.withName(fields, "from").size() == 1 ? MessageHeader.fromDomain(fields) : null;
        List<String> passed = signatures.stream().filter(o -> o.result() == DkimVerifier.Result.PASS)
                .map(DkimVerifier.Outcome::domain).toList();
        Dmarc.Verdict dmarcVerdict = dmarc.evaluate(fromDomain, spfDomain, spfVerdict.result() == Spf.Result.PASS,
                passed);
        return new Report(spfVerdict, signatures, dmarcVerdict,
                header(spfVerdict, spfIdentity, sender == null, signatures, dmarcVerdict));
    }

    private String header(Spf.Verdict spfVerdict, String spfIdentity, boolean nullSender,
            List<DkimVerifier.Outcome> signatures, Dmarc.Verdict dmarcVerdict) {
        StringBuilder sb = new StringBuilder("Authentication-Results: ").append(authservId);
        sb.append(";\r\n\tspf=").append(spfVerdict.result().keyword())
                .append(nullSender ? " smtp.helo=" + spfIdentity.substring(spfIdentity.indexOf('@') + 1)
                        : " smtp.mailfrom=" + spfIdentity);
        if (signatures.isEmpty()) {
            sb.append(";\r\n\tdkim=none");
        }
        for (DkimVerifier.Outcome o : signatures) {
            sb.append(";\r\n\tdkim=").append(o.result().keyword());
            if (o.result() != DkimVerifier.Result.PASS) {
                sb.append(" (").append(comment(o.reason())).append(')');
            }
            if (o.domain() != null) {
                sb.append(" header.d=").append(o.domain()).append(" header.s=").append(o.selector())
                        .append(" header.a=").append(o.algorithm());
            }
            if (o.b() != null) {
                sb.append(" header.b=").append(o.b().replaceAll("[^A-Za-z0-9+/]", ""));
            }
        }
        sb.append(";\r\n\tdmarc=").append(dmarcVerdict.result().keyword());
        if (dmarcVerdict.policy() != null) {
            sb.append(" (p=").append(dmarcVerdict.policy()).append(" dis=").append(dmarcVerdict.disposition())
                    .append(')');
        }
        if (dmarcVerdict.fromDomain() != null) {
            sb.append(" header.from=").append(dmarcVerdict.fromDomain());
        }
        return sb.append("\r\n").toString();
    }

    /**
     * Whether {@code field} (a whole header field, name and value) is an Authentication-Results field whose
     * authserv-id is {@code authservId}: such a field arriving with a message is a forgery (RFC 8601 section 5). The
     * authserv-id is read as RFC 8601 section 2.2 defines it (an RFC 2045 {@code value}: a token or a quoted-string,
     * after comments and folding white space) and compared without regard to ASCII case, so that no spelling of our
     * id gets past.
     */
    public static boolean claimsToBe(String field, String authservId) {
        int colon = field.indexOf(':');
        if (colon < 0 || !field.substring(0, colon).strip().equalsIgnoreCase("Authentication-Results")) {
            return false;
        }
        String id = AuthservId.read(field.substring(colon + 1));
        return id != null && Ascii.equalsIgnoreCase(id, authservId);
    }

    /** Text safe inside an RFC 8601 comment. */
    private static String comment(String text) {
        return text == null ? "" : text.replaceAll("[()\\\\\\r\\n]", " ");
    }
}
