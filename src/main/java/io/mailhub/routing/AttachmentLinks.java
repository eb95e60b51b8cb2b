package io.mailhub.routing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signed links to attachments sent by reference: {@code BASE/api/v1/attachments/TOKEN?expires=UNIX&signature=SIG},
 * where SIG is HMAC-SHA256 over {@code TOKEN.UNIX} with a 256-bit key generated once and kept in the data directory.
 * A token alone (a leaked directory listing, a log line cut short) opens nothing; a changed expiry breaks the
 * signature.
 */
final class AttachmentLinks {

    /** Where the hub serves the attachments (the servlet's path without the {@code *}). */
    static final String PATH = "/api/v1/attachments/";

    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;

    private AttachmentLinks(byte[] key) {
        this.key = new SecretKeySpec(key, "HmacSHA256");
    }

    /** The key in {@code keyFile}, made (32 random octets, owner-only where the file system can say so) if absent. */
    static AttachmentLinks load(Path keyFile) throws IOException {
        return new AttachmentLinks(io.mailhub.crypto.KeyFile.loadOrMake(keyFile,
                "an attachment link key (links given out before stop working when it is made again)"));
    }

    /** A new token: 256 random bits, base64url (43 characters). */
    static String newToken() {
        byte[] t = new byte[32];
        RANDOM.nextBytes(t);
        return B64URL.encodeToString(t);
    }

    /** Whether {@code token} has the shape of one of ours (so it can name a file safely). */
    static boolean isToken(String token) {
        return token != null && token.matches("[A-Za-z0-9_-]{43}");
    }

    String signature(String token, long expires) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return B64URL.encodeToString(mac.doFinal((token + "." + expires).getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** Whether {@code signature} was made by this hub for this token and expiry (compared in constant time). */
    boolean verify(String token, long expires, String signature) {
        return signature != null && MessageDigest.isEqual(signature(token, expires).getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.US_ASCII));
    }

    String url(String base, String token, long expires) {
        return base + PATH + token + "?expires=" + expires + "&signature=" + signature(token, expires);
    }
}
