package io.mailhub.model;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Makes queue ids: 14 characters of Crockford base 32, the first 10 a millisecond timestamp (so ids sort by arrival,
 * like Postfix's long queue ids) and the last 4 random (20 bits), which keeps ids from several hub instances sharing
 * one broker apart.
 */
public final class QueueIds {

    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

    private QueueIds() {}

    public static String next() {
        char[] id = new char[14];
        long t = System.currentTimeMillis();
        for (int i = 9; i >= 0; i--) {
            id[i] = ALPHABET[(int) (t & 31)];
            t >>>= 5;
        }
        int r = ThreadLocalRandom.current().nextInt(1 << 20);
        for (int i = 13; i >= 10; i--) {
            id[i] = ALPHABET[r & 31];
            r >>>= 5;
        }
        return new String(id);
    }
}
