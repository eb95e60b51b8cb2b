package io.mailhub.dkim;

import io.mailhub.crypto.PemFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

/**
 * One signing key: the domain ({@code d=}) and selector ({@code s=}) it signs for, and its private key. RSA keys must
 * have at least 1024 bits (RFC 8301; 2048 recommended); Ed25519 keys are always 256 bits.
 *
 * @param publicKey what goes into {@code p=} of the DNS record: the SubjectPublicKeyInfo for RSA, the raw 32-octet key
 *     for Ed25519 (RFC 8463 section 4)
 */
public record DkimKey(String domain, String selector, DkimAlgorithm algorithm, PrivateKey privateKey, byte[] publicKey) {

    public static DkimKey load(String domain, String selector, Path file) throws IOException {
        PrivateKey key = PemFiles.privateKey(file);
        try {
            if (key instanceof RSAPrivateCrtKey rsa) {
                if (rsa.getModulus().bitLength() < 1024) {
                    throw new IOException(file + ": an RSA key of " + rsa.getModulus().bitLength()
                            + " bits is too weak for DKIM (RFC 8301 needs at least 1024; use 2048)");
                }
                byte[] spki = KeyFactory.getInstance("RSA")
                        .generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent())).getEncoded();
                return new DkimKey(lower(domain), selector, DkimAlgorithm.RSA_SHA256, key, spki);
            }
            String algorithm = key.getAlgorithm();
            if (algorithm.equals("Ed25519") || algorithm.equals("EdDSA")) {
                byte[] raw = rawEd25519(key);
                byte[] pub = new Ed25519PrivateKeyParameters(raw, 0).generatePublicKey().getEncoded();
                Arrays.fill(raw, (byte) 0);
                return new DkimKey(lower(domain), selector, DkimAlgorithm.ED25519_SHA256, key, pub);
            }
        } catch (GeneralSecurityException e) {
            throw new IOException(file + ": cannot use the key: " + e.getMessage(), e);
        }
        throw new IOException(file + ": a " + key.getAlgorithm() + " key cannot sign DKIM; use RSA (2048 bits) or"
                + " Ed25519");
    }

    private static byte[] rawEd25519(PrivateKey key) throws IOException {
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
        byte[] octets = org.bouncycastle.asn1.ASN1OctetString.getInstance(info.parsePrivateKey()).getOctets();
        return octets;
    }

    private static String lower(String domain) {
        return domain.toLowerCase(Locale.ROOT);
    }

    /** The owner name of the DNS record: {@code selector._domainkey.domain}. */
    public String recordName() {
        return selector + "._domainkey." + domain;
    }

    /** The TXT record value to publish, e.g. {@code v=DKIM1; k=rsa; p=MIIBIjAN...}. */
    public String recordValue() {
        return "v=DKIM1; k=" + algorithm.keyType() + "; p=" + Base64.getEncoder().encodeToString(publicKey);
    }

    /** The record as a zone file line, its value split into strings of at most 255 octets (RFC 1035 section 3.3). */
    public String zoneFileLine() {
        String value = recordValue();
        StringBuilder sb = new StringBuilder(recordName()).append(". IN TXT (");
        for (int i = 0; i < value.length(); i += 255) {
            sb.append(" \"").append(value, i, Math.min(value.length(), i + 255)).append('"');
        }
        return sb.append(" )").toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DkimKey k && k.domain.equals(domain) && k.selector.equals(selector)
                && Arrays.equals(k.publicKey, publicKey);
    }

    @Override
    public int hashCode() {
        return (domain + selector).hashCode() * 31 + Arrays.hashCode(publicKey);
    }

    @Override
    public String toString() {
        return "DkimKey[" + recordName() + ", " + algorithm.tag() + "]";
    }
}
