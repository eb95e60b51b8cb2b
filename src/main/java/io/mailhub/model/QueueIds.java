package io.mailhub.model;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes queue ids: 14 characters of Crockford base 32, the first 10 a millisecond timestamp (so ids sort by arrival,
 * like Postfix's long queue ids) and the last 4 random (20 bits), which keeps ids from several hub instances sharing
 * one broker apart. Within one instance ids are strictly increasing: an id that would not be greater than the previous
 * one (same millisecond, smaller random part, or a clock step back) is the previous one plus one, so it is unique.
 */
public final class QueueIds {

    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    private static final AtomicLong LAST = new AtomicLong();

    private QueueIds() {}

    /**
     * An id made from {@code seed} (a hash of it, in the same alphabet and length): the same seed always gives the same
     * id, so that a request repeated after a crash (an API call with an Idempotency-Key) makes the same message.
     */
    public static String derived(String seed) {
        byte[] h;
        try {
            h = java.security.MessageDigest.getInstance("SHA-256").digest(seed.getBytes(
                    java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always there", e);
        }
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (h[i] & 0xff);
        }
        char[] id = new char[14];
        for (int i = 13; i >= 0; i--) {
            id[i] = ALPHABET[(int) (v & 31)];
            v >>>= 5;
        }
        return new String(id);
    }

    public static String next() {
        long candidate = (System.currentTimeMillis() << 20) | ThreadLocalRandom.current().nextInt(1 << 20);
        long v = LAST.accumulateAndGet(candidate, (last, c) -> c > last ? c : last + 1);
        char[] id = new char[14];
        for (int i = 13; i >= 0; i--) {
            id[i] = ALPHABET[(int) (v & 31)];
            v >>>= 5;
        }
        return new String(id);
    }
}
