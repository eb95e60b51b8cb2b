package io.mailhub.model;

/**
 * Case rules of the protocols: SMTP verbs, local names such as {@code postmaster}, domain names and header tokens are
 * case-insensitive in US-ASCII only. Java's own {@code equalsIgnoreCase} folds Unicode too, so that {@code "po\u017Ftmaster"}
 * (LONG S) or {@code "ban\u212A"} (KELVIN SIGN) would equal {@code "postmaster"} and {@code "bank"}: a look-alike that
 * policy would take for the real name while the next hop gets something else.
 */
public final class Ascii {

    private Ascii() {}

    /** Equal when they differ at most in the case of the letters A-Z. */
    public static boolean equalsIgnoreCase(String a, String b) {
        if (a.length() != b.length()) {
            return false;
        }
        for (int i = 0; i < a.length(); i++) {
            if (lower(a.charAt(i)) != lower(b.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** {@code s} with A-Z turned into a-z and every other character left as it is. */
    public static String toLowerCase(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                char[] chars = s.toCharArray();
                for (int j = i; j < chars.length; j++) {
                    chars[j] = lower(chars[j]);
                }
                return new String(chars);
            }
        }
        return s;
    }

    /** {@code s} with a-z turned into A-Z and every other character left as it is (SMTP verbs, keywords). */
    public static String toUpperCase(String s) {
        char[] chars = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'a' && c <= 'z') {
                if (chars == null) {
                    chars = s.toCharArray();
                }
                chars[i] = (char) (c - 32);
            }
        }
        return chars == null ? s : new String(chars);
    }

    /** Whether every character is US-ASCII. */
    public static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 127) {
                return false;
            }
        }
        return true;
    }

    private static char lower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
    }
}
