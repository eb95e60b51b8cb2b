package io.mailhub.dkim;

/** The signing algorithms: {@code a=} in the signature, {@code k=} in the DNS record, and the JCA name. */
public enum DkimAlgorithm {
    RSA_SHA256("rsa-sha256", "rsa", "SHA256withRSA"),
    /** RFC 8463: Ed25519 over the SHA-256 digest of the canonicalized header data. */
    ED25519_SHA256("ed25519-sha256", "ed25519", "Ed25519");

    private final String tag;
    private final String keyType;
    private final String jcaName;

    DkimAlgorithm(String tag, String keyType, String jcaName) {
        this.tag = tag;
        this.keyType = keyType;
        this.jcaName = jcaName;
    }

    public String tag() {
        return tag;
    }

    public String keyType() {
        return keyType;
    }

    String jcaName() {
        return jcaName;
    }
}
