package io.mailhub.dkim;

import io.mailhub.model.MessageContent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Signs outbound mail (RFC 6376) with every key the key table has for the domain of the From: address: typically one
 * RSA-2048 and one Ed25519 key (RFC 8463 recommends signing with both while verifiers catch up). Relaxed/relaxed
 * canonicalization; the usual originator and content header fields are signed when present, and From once more than
 * present so that no second From can be added without breaking the signature. The signatures are added in front of
 * the message; the message itself is not changed.
 */
public final class DkimSigner {

    /** Signed when present, in this order (RFC 6376 section 5.4.1's recommendations). */
    static final List<String> SIGNED = List.of("from", "reply-to", "subject", "date", "to", "cc", "message-id",
            "in-reply-to", "references", "mime-version", "content-type", "content-transfer-encoding", "sender",
            "list-id", "list-unsubscribe", "list-unsubscribe-post");

    private final Map<String, List<DkimKey>> keys;
    private final Clock clock;

    public DkimSigner(Map<String, List<DkimKey>> keysByDomain, Clock clock) {
        this.keys = Map.copyOf(keysByDomain);
        this.clock = clock;
    }

    /**
     * A message after signing.
     *
     * @param content the message with its DKIM-Signature fields in front, or unchanged when not signed
     * @param domain the signing domain ({@code d=}), or {@code null} when not signed
     * @param selectors the selectors ({@code s=}) of the signatures, in their order; empty when not signed
     */
    public record Signed(MessageContent content, String domain, List<String> selectors) {

        public Signed {
            selectors = List.copyOf(selectors);
        }

        /** Not signed. */
        public static Signed not(MessageContent content) {
            return new Signed(content, null, List.of());
        }
    }

    /** {@code content} with DKIM-Signature fields in front, or {@code content} itself when no key fits. */
    public MessageContent sign(MessageContent content) throws IOException {
        return signed(content).content();
    }

    /** As {@link #sign}, saying with which domain and selectors. */
    public Signed signed(MessageContent content) throws IOException {
        List<String> fields = new ArrayList<>();
        byte[] bodyHash;
        try (InputStream in = content.openStream()) {
            if (!MessageHeader.read(in, fields)) {
                return Signed.not(content); // no header/body separator within the limit: not a message we can sign
            }
            String domain = MessageHeader.fromDomain(fields);
            List<DkimKey> domainKeys = domain == null ? null : keys.get(domain);
            if (domainKeys == null) {
                return Signed.not(content);
            }
            Canonical.Body body = new Canonical.Body(MessageDigest.getInstance("SHA-256"));
            in.transferTo(body);
            bodyHash = body.finish();
            StringBuilder signatures = new StringBuilder();
            long now = clock.instant().getEpochSecond();
            for (DkimKey key : domainKeys) {
                signatures.append(signature(key, fields, bodyHash, now));
            }
            return new Signed(MessageContent.prefixed(signatures.toString().getBytes(StandardCharsets.UTF_8), content),
                    domainKeys.get(0).domain(), domainKeys.stream().map(DkimKey::selector).toList());
        } catch (GeneralSecurityException e) {
            throw new IOException("DKIM signing failed: " + e.getMessage(), e);
        }
    }

    /**
     * A message this signer signed once and a route changed since (a field added or removed, the Subject prefixed):
     * its own DKIM-Signature fields (those of {@code domain} with one of {@code selectors}) are taken out, then it is
     * signed again. Other signatures (an original sender's) stay as they are.
     */
    public byte[] resigned(byte[] message, String domain, java.util.Collection<String> selectors) throws IOException {
        int end = headerEnd(message);
        String header = new String(message, 0, end, StandardCharsets.ISO_8859_1);
        StringBuilder kept = new StringBuilder();
        for (String field : header.split("\r\n(?![ \t])")) {
            if (!field.isEmpty() && !ours(field, domain, selectors)) {
                kept.append(field).append("\r\n");
            }
        }
        java.io.ByteArrayOutputStream unsigned = new java.io.ByteArrayOutputStream(message.length);
        unsigned.writeBytes(kept.toString().getBytes(StandardCharsets.ISO_8859_1));
        unsigned.write(message, end, message.length - end);
        try (InputStream in = sign(MessageContent.of(unsigned.toByteArray())).openStream()) {
            return in.readAllBytes();
        }
    }

    /** Whether {@code field} is a DKIM-Signature of {@code domain} with one of {@code selectors}. */
    static boolean ours(String field, String domain, java.util.Collection<String> selectors) {
        int colon = field.indexOf(':');
        if (colon < 0 || !field.substring(0, colon).strip().equalsIgnoreCase("DKIM-Signature") || domain == null) {
            return false;
        }
        String d = null;
        String sel = null;
        for (String tag : field.substring(colon + 1).replaceAll("[ \t\r\n]", "").split(";")) {
            if (tag.startsWith("d=")) {
                d = tag.substring(2);
            } else if (tag.startsWith("s=")) {
                sel = tag.substring(2);
            }
        }
        return domain.equalsIgnoreCase(d) && selectors.contains(sel);
    }

    /** Where the header ends: just after the CRLF of its last field (the empty line and the body follow). */
    private static int headerEnd(byte[] raw) {
        for (int i = 0; i + 3 < raw.length; i++) {
            if (raw[i] == '\r' && raw[i + 1] == '\n' && raw[i + 2] == '\r' && raw[i + 3] == '\n') {
                return i + 2;
            }
        }
        return raw.length;
    }

    /** One DKIM-Signature field, folded, ending in CRLF. */
    static String signature(DkimKey key, List<String> fields, byte[] bodyHash, long timestamp)
            throws GeneralSecurityException {
        List<String> signedNames = new ArrayList<>();
        StringBuilder data = new StringBuilder();
        for (String name : SIGNED) {
            List<String> present = MessageHeader.withName(fields, name);
            // from the bottom up (RFC 6376 section 5.4.2); each instance once
            for (int i = present.size() - 1; i >= 0; i--) {
                data.append(Canonical.header(present.get(i)));
                signedNames.add(name);
            }
        }
        signedNames.add("from"); // oversigned: a From added later would break the signature
        String field = "DKIM-Signature: v=1; a=" + key.algorithm().tag() + "; c=relaxed/relaxed; d=" + key.domain()
                + "; s=" + key.selector() + ";\r\n\tt=" + timestamp + "; h=" + String.join(":", signedNames)
                + ";\r\n\tbh=" + Base64.getEncoder().encodeToString(bodyHash) + ";\r\n\tb=";
        String unsigned = Canonical.header(field);
        data.append(unsigned, 0, unsigned.length() - 2); // without its CRLF (section 3.7)
        byte[] input = data.toString().getBytes(StandardCharsets.UTF_8);
        Signature signer = Signature.getInstance(key.algorithm().jcaName());
        signer.initSign(key.privateKey());
        if (key.algorithm() == DkimAlgorithm.ED25519_SHA256) {
            signer.update(MessageDigest.getInstance("SHA-256").digest(input));
        } else {
            signer.update(input);
        }
        return field + Base64.getEncoder().encodeToString(signer.sign()) + "\r\n";
    }

}
