package io.mailhub.auth;

import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks a user name and password against the users file without telling which part was wrong: an unknown name costs
 * the same bcrypt check as a wrong password (against a hash made at start-up), so neither the reply nor its timing
 * reveals which names exist.
 *
 * <p>A successful check is remembered for {@link #CACHE_TIME} under a keyed digest of name, password and stored hash
 * (never the password itself), like Dovecot's auth cache: a client that logs in for every message pays bcrypt once,
 * not every time. A changed password changes the stored hash and so misses the cache.
 */
public final class Authenticator implements Logins {

    static final Duration CACHE_TIME = Duration.ofMinutes(5);
    private static final int CACHE_LIMIT = 10_000;

    private final UsersFile users;
    private final Clock clock;
    private final String decoy;
    private final byte[] cacheKey = new byte[32];
    private final Map<String, Long> verified = new ConcurrentHashMap<>();

    public Authenticator(UsersFile users, Clock clock) {
        this.users = users;
        this.clock = clock;
        this.decoy = Passwords.hash("decoy".toCharArray());
        new SecureRandom().nextBytes(cacheKey);
    }

    @Override
    public User authenticate(String name, char[] password) {
        User user = users.find(name);
        if (user == null) {
            Passwords.matches(decoy, password); // same cost as a real check: no timing difference
            return null;
        }
        String key = cacheKey(user, password);
        long now = clock.millis();
        Long until = verified.get(key);
        if (until != null && until > now) {
            return user;
        }
        if (!Passwords.matches(user.passwordHash(), password)) {
            return null;
        }
        if (verified.size() >= CACHE_LIMIT) {
            verified.entrySet().removeIf(e -> e.getValue() <= now);
            if (verified.size() >= CACHE_LIMIT) {
                verified.clear();
            }
        }
        verified.put(key, now + CACHE_TIME.toMillis());
        return user;
    }

    @Override
    public User user(String name) {
        return users.find(name);
    }

    private String cacheKey(User user, char[] password) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(cacheKey);
            digest.update(user.name().getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(user.passwordHash().getBytes(StandardCharsets.US_ASCII));
            digest.update((byte) 0);
            var bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
            byte[] pw = new byte[bytes.remaining()];
            bytes.get(pw);
            digest.update(pw);
            Arrays.fill(pw, (byte) 0);
            return java.util.HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
