package io.mailhub.bounce;

import io.mailhub.model.Ascii;
import io.mailhub.model.MailAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The hub's return path, one address per message (VERP): {@code bounce-QUEUEID-SIGNATURE@DOMAIN}, the queue id in
 * lower case and an 8-character signature, HMAC-SHA256 of the queue id with the hub's key, 40 bits in Crockford base
 * 32. A bounce that comes back later names the message it is about by the address it is sent to; the signature makes
 * sure the hub made that address (an address made up by anybody else is refused at RCPT, so the domain takes no
 * spam and no forged reports). Compared without regard to case, since some servers change the case of local parts.
 */
public final class ReturnPath {

    private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
    private static final Pattern LOCAL = Pattern.compile("bounce-([0-9a-z]{1,32})-([0-9a-z]{8})",
            Pattern.CASE_INSENSITIVE);

    private final String domain;
    private final SecretKeySpec key;

    /** @param domain the domain's key (lower case, A-labels) */
    public ReturnPath(String domain, byte[] key) {
        this.domain = domain;
        this.key = new SecretKeySpec(key, "HmacSHA256");
    }

    public String domain() {
        return domain;
    }

    /** The return path of the message with this queue id. */
    public MailAddress of(String queueId) {
        String id = Ascii.toLowerCase(queueId);
        return new MailAddress("bounce-" + id + "-" + signature(id), domain);
    }

    /** Whether {@code address} is in the return path's domain (ours or not). */
    public boolean isOurDomain(MailAddress address) {
        return !address.isAddressLiteral() && address.domainKey().equals(domain);
    }

    /**
     * The queue id (upper case, as the hub writes it) of the message whose return path {@code address} is, or
     * {@code null} when it is not one the hub made (another domain, another shape, a wrong signature).
     */
    public String queueIdOf(MailAddress address) {
        if (!isOurDomain(address)) {
            return null;
        }
        Matcher m = LOCAL.matcher(address.localPart());
        if (!m.matches()) {
            return null;
        }
        String id = Ascii.toLowerCase(m.group(1));
        byte[] expected = signature(id).getBytes(StandardCharsets.US_ASCII);
        byte[] given = Ascii.toLowerCase(m.group(2)).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, given) ? id.toUpperCase(java.util.Locale.ROOT) : null;
    }

    private String signature(String lowerCaseId) {
        byte[] mac;
        try {
            Mac hmac = Mac.getInstance("HmacSHA256");
            hmac.init(key);
            mac = hmac.doFinal(lowerCaseId.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
        long v = 0;
        for (int i = 0; i < 5; i++) {
            v = (v << 8) | (mac[i] & 0xff);
        }
        char[] out = new char[8];
        for (int i = 7; i >= 0; i--) {
            out[i] = ALPHABET[(int) (v & 31)];
            v >>>= 5;
        }
        return new String(out);
    }
}
