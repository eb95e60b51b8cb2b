package io.mailhub.dkim;

import io.mailhub.model.MessageContent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Verifies the DKIM signatures of a received message (RFC 6376 section 6): rsa-sha256 and ed25519-sha256, simple and
 * relaxed canonicalization, {@code l=}, {@code x=}. At most {@link #MAX_SIGNATURES} signatures are checked. rsa-sha1
 * is refused as RFC 8301 requires.
 */
public final class DkimVerifier {

    static final int MAX_SIGNATURES = 5;
    /** Ed25519 keys are wrapped in this SubjectPublicKeyInfo prefix for the JCA. */
    private static final byte[] ED25519_SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

    /** Finds the TXT records of a name; throws when DNS gives no usable answer now. */
    @FunctionalInterface
    public interface KeyLookup {
        List<String> txt(String name) throws TemporaryFailure;
    }

    public static final class TemporaryFailure extends Exception {
        public TemporaryFailure(String message) {
            super(message);
        }
    }

    public enum Result {
        PASS, FAIL, NEUTRAL, TEMPERROR, PERMERROR;

        public String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The outcome for one signature; {@code domain}, {@code selector} are null when the signature is unreadable. */
    public record Outcome(Result result, String domain, String selector, String algorithm, String b, String reason) {}

    private final KeyLookup keys;
    private final Clock clock;

    public DkimVerifier(KeyLookup keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    /** One outcome per signature (none when the message is unsigned). */
    public List<Outcome> verify(MessageContent message) throws IOException {
        List<String> fields = new ArrayList<>();
        try (InputStream in = message.openStream()) {
            if (!MessageHeader.read(in, fields)) {
                return List.of();
            }
        }
        return verify(fields, message);
    }

    /** As {@link #verify(MessageContent)}, with the message's header fields already read ({@link MessageHeader}). */
    public List<Outcome> verify(List<String> fields, MessageContent message) throws IOException {
        List<String> signatures = MessageHeader.withName(fields, "dkim-signature");
        List<Outcome> outcomes = new ArrayList<>();
        Map<String, byte[]> bodyHashes = new HashMap<>(); // signatures with the same c= and l= share one pass
        for (int i = 0; i < signatures.size() && i < MAX_SIGNATURES; i++) {
            outcomes.add(verifyOne(signatures.get(i), fields, message, bodyHashes));
        }
        return outcomes;
    }

    private Outcome verifyOne(String field, List<String> fields, MessageContent message, Map<String, byte[]> bodyHashes)
            throws IOException {
        Map<String, String> tags = tags(field.substring(field.indexOf(':') + 1));
        if (tags == null) {
            return new Outcome(Result.PERMERROR, null, null, null, null, "unreadable signature");
        }
        String d = lower(tags.get("d"));
        String s = tags.get("s");
        String a = lower(tags.get("a"));
        String b = tags.get("b") == null ? null : tags.get("b").replaceAll("\\s", "");
        String shortB = b == null ? null : b.substring(0, Math.min(8, b.length()));
        if (!"1".equals(tags.get("v")) || d == null || s == null || a == null || b == null
                || tags.get("bh") == null || tags.get("h") == null) {
            return new Outcome(Result.PERMERROR, d, s, a, shortB, "signature lacks a required tag");
        }
        DkimAlgorithm algorithm = switch (a) {
            case "rsa-sha256" -> DkimAlgorithm.RSA_SHA256;
            case "ed25519-sha256" -> DkimAlgorithm.ED25519_SHA256;
            default -> null;
        };
        if (algorithm == null) {
            return new Outcome(Result.PERMERROR, d, s, a, shortB, "algorithm " + a + " not accepted (RFC 8301)");
        }
        List<String> signed = Arrays.stream(tags.get("h").split(":")).map(h -> h.strip().toLowerCase(Locale.ROOT))
                .toList();
        if (!signed.contains("from")) {
            return new Outcome(Result.PERMERROR, d, s, a, shortB, "From is not signed (h=)");
        }
        String i = tags.get("i");
        if (i != null && !(lower(i).endsWith("@" + d) || lower(i).endsWith("." + d))) {
            return new Outcome(Result.PERMERROR, d, s, a, shortB, "i= is not in the domain of d=");
        }
        String expires = tags.get("x");
        if (expires != null && expires.matches("\\d{1,12}") && Long.parseLong(expires) < clock.instant().getEpochSecond()) {
            return new Outcome(Result.FAIL, d, s, a, shortB, "signature expired");
        }
        String[] canon = (tags.getOrDefault("c", "simple/simple") + "/simple").split("/");
        boolean relaxedHeader = canon[0].strip().equalsIgnoreCase("relaxed");
        boolean relaxedBody = canon[1].strip().equalsIgnoreCase("relaxed");
        long length = -1;
        if (tags.get("l") != null) {
            if (!tags.get("l").matches("\\d{1,15}")) {
                return new Outcome(Result.PERMERROR, d, s, a, shortB, "bad l= tag");
            }
            length = Long.parseLong(tags.get("l"));
        }

        PublicKey key;
        try {
            key = publicKey(d, s, algorithm);
        } catch (TemporaryFailure e) {
            return new Outcome(Result.TEMPERROR, d, s, a, shortB, e.getMessage());
        } catch (KeyProblem e) {
            return new Outcome(Result.PERMERROR, d, s, a, shortB, e.getMessage());
        }

        String bodyKey = relaxedBody + "/" + length;
        byte[] bodyHash = bodyHashes.get(bodyKey);
        if (bodyHash == null) {
            try {
                bodyHash = bodyHash(message, relaxedBody, length);
            } catch (GeneralSecurityException e) {
                throw new IOException(e);
            }
            bodyHashes.put(bodyKey, bodyHash);
        }
        if (!Arrays.equals(bodyHash, decode(tags.get("bh")))) {
            return new Outcome(Result.FAIL, d, s, a, shortB, "body hash did not verify");
        }
        StringBuilder data = new StringBuilder();
        Map<String, Integer> used = new LinkedHashMap<>();
        for (String name : signed) {
            List<String> present = MessageHeader.withName(fields, name);
            int taken = used.merge(name, 1, Integer::sum);
            int index = present.size() - taken;
            if (index >= 0) {
                String f = present.get(index);
                data.append(relaxedHeader ? Canonical.header(f) : f);
            }
        }
        // the signature field itself, its b= value emptied and without its final CRLF (section 3.7)
        String unterminated = field.endsWith("\r\n") ? field.substring(0, field.length() - 2) : field;
        String withoutB = unterminated.replaceFirst("(?s)(\\bb\\s*=)[^;]*", "$1");
        if (relaxedHeader) {
            String own = Canonical.header(withoutB);
            data.append(own, 0, own.length() - 2);
        } else {
            data.append(withoutB);
        }
        try {
            byte[] input = data.toString().getBytes(StandardCharsets.UTF_8);
            Signature verifier = Signature.getInstance(algorithm.jcaName());
            verifier.initVerify(key);
            verifier.update(algorithm == DkimAlgorithm.ED25519_SHA256
                    ? MessageDigest.getInstance("SHA-256").digest(input) : input);
            boolean ok = verifier.verify(decode(b));
            return new Outcome(ok ? Result.PASS : Result.FAIL, d, s, a, shortB,
                    ok ? "good signature" : "signature did not verify");
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return new Outcome(Result.FAIL, d, s, a, shortB, "signature did not verify: " + e.getMessage());
        }
    }

    private static final class KeyProblem extends Exception {
        KeyProblem(String message) {
            super(message);
        }
    }

    private PublicKey publicKey(String domain, String selector, DkimAlgorithm algorithm)
            throws TemporaryFailure, KeyProblem {
        String name = selector + "._domainkey." + domain;
        List<String> records = keys.txt(name);
        if (records.isEmpty()) {
            throw new KeyProblem("no key at " + name);
        }
        Map<String, String> tags = tags(records.get(0));
        if (tags == null || tags.get("p") == null) {
            throw new KeyProblem("unreadable key record at " + name);
        }
        String p = tags.get("p").replaceAll("\\s", "");
        if (p.isEmpty()) {
            throw new KeyProblem("key at " + name + " is revoked");
        }
        String k = lower(tags.getOrDefault("k", "rsa"));
        if (!k.equals(algorithm.keyType())) {
            throw new KeyProblem("key at " + name + " is " + k + ", signature is " + algorithm.tag());
        }
        try {
            byte[] raw = decode(p);
            if (algorithm == DkimAlgorithm.ED25519_SHA256) {
                byte[] spki = Arrays.copyOf(ED25519_SPKI_PREFIX, ED25519_SPKI_PREFIX.length + raw.length);
                System.arraycopy(raw, 0, spki, ED25519_SPKI_PREFIX.length, raw.length);
                return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
            }
            PublicKey rsa = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(raw));
            if (rsa instanceof java.security.interfaces.RSAPublicKey r && r.getModulus().bitLength() < 1024) {
                throw new KeyProblem("key at " + name + " has fewer than 1024 bits (RFC 8301)");
            }
            return rsa;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new KeyProblem("unusable key at " + name + ": " + e.getMessage());
        }
    }

    private static byte[] bodyHash(MessageContent message, boolean relaxed, long length)
            throws IOException, GeneralSecurityException {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = message.openStream()) {
            skipHeader(in);
            if (relaxed) {
                Canonical.Body body = new Canonical.Body(digest, length);
                in.transferTo(body);
                return body.finish();
            }
            Canonical.SimpleBody body = new Canonical.SimpleBody(digest, length);
            in.transferTo(body);
            return body.finish();
        }
    }

    private static void skipHeader(InputStream in) throws IOException {
        int state = 0; // matched octets of CRLF CRLF
        for (int c = in.read(); c >= 0; c = in.read()) {
            state = switch (state) {
                case 0, 2 -> c == '\r' ? state + 1 : 0;
                case 1, 3 -> c == '\n' ? state + 1 : (c == '\r' ? 1 : 0);
                default -> 0;
            };
            if (state == 4) {
                return;
            }
        }
    }

    /** A DKIM tag list (RFC 6376 section 3.2); {@code null} when malformed. */
    static Map<String, String> tags(String list) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (String part : list.replace("\r\n", "").split(";")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq <= 0) {
                return null;
            }
            String name = part.substring(0, eq).strip();
            if (tags.putIfAbsent(name, part.substring(eq + 1).strip()) != null) {
                return null; // a duplicate tag makes the list invalid
            }
        }
        return tags;
    }

    private static byte[] decode(String base64) {
        return Base64.getDecoder().decode(base64.replaceAll("\\s", ""));
    }

    private static String lower(String s) {
        return s == null ? null : s.strip().toLowerCase(Locale.ROOT);
    }
}
