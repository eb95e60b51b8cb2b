package io.mailhub.auth;

import java.security.SecureRandom;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/** bcrypt password hashes (the OpenBSD format {@code $2y$cost$salt+hash}, as htpasswd -B and Dovecot write them). */
public final class Passwords {

    /** Cost 10: about 50-100 ms per check on a server core, so guessing is slow and a login is not. */
    public static final int DEFAULT_COST = 10;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Passwords() {}

    public static String hash(char[] password) {
        return hash(password, DEFAULT_COST);
    }

    public static String hash(char[] password, int cost) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return OpenBSDBCrypt.generate("2y", password, salt, cost);
    }

    /** Whether {@code hash} looks like a bcrypt hash this class can check. */
    public static boolean isBcrypt(String hash) {
        return hash.matches("\\$2[aby]\\$(0[4-9]|[12][0-9]|3[01])\\$[./A-Za-z0-9]{53}");
    }

    public static boolean matches(String hash, char[] password) {
        return OpenBSDBCrypt.checkPassword(hash, password);
    }
}
