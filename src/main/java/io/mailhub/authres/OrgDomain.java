package io.mailhub.authres;

import java.util.Locale;
import java.util.Set;

/**
 * The organizational domain of RFC 7489 section 3.2, approximated: the last two labels, or three when the last two are
 * a well-known multi-label public suffix (co.uk, com.au, ...). The full Public Suffix List is not shipped (it changes
 * weekly and cannot be fetched here); for the suffixes it lists and this set does not, alignment in relaxed mode can
 * be looser than it should (see docs/security.md).
 */
final class OrgDomain {

    private static final Set<String> MULTI_LABEL_SUFFIXES = Set.of(
            "co.uk", "org.uk", "ac.uk", "gov.uk", "me.uk", "net.uk", "ltd.uk", "plc.uk",
            "com.au", "net.au", "org.au", "edu.au", "gov.au", "co.nz", "org.nz", "net.nz",
            "co.jp", "ne.jp", "or.jp", "ac.jp", "go.jp", "com.br", "net.br", "org.br", "com.cn", "net.cn", "org.cn",
            "co.in", "net.in", "org.in", "co.za", "org.za", "com.mx", "com.ar", "com.tr", "co.kr", "or.kr",
            "com.sg", "com.hk", "com.tw", "co.il", "com.pl", "co.at", "or.at", "com.es", "com.ua", "co.id");

    private OrgDomain() {}

    static String of(String domain) {
        String d = domain.toLowerCase(Locale.ROOT);
        String[] labels = d.split("\\.");
        if (labels.length <= 2) {
            return d;
        }
        String lastTwo = labels[labels.length - 2] + "." + labels[labels.length - 1];
        int keep = MULTI_LABEL_SUFFIXES.contains(lastTwo) ? 3 : 2;
        StringBuilder sb = new StringBuilder();
        for (int i = labels.length - keep; i < labels.length; i++) {
            sb.append(sb.length() == 0 ? "" : ".").append(labels[i]);
        }
        return sb.toString();
    }

    /** DMARC identifier alignment (section 3.1): strict means equal, relaxed means the same organizational domain. */
    static boolean aligned(String a, String b, boolean strict) {
        if (a == null || b == null) {
            return false;
        }
        String x = a.toLowerCase(Locale.ROOT);
        String y = b.toLowerCase(Locale.ROOT);
        return strict ? x.equals(y) : of(x).equals(of(y));
    }
}
