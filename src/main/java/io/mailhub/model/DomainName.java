package io.mailhub.model;

import com.ibm.icu.text.IDNA;

/**
 * One canonical form for mail domains (RFC 5890-5893, IDNA2008, with the UTS #46 mapping in its nontransitional
 * form): every domain the hub reads is mapped once, so that policy compares, routing looks up and the next hop
 * receives the same name.
 *
 * <p>A domain of US-ASCII letters, digits and hyphens is left as it is (the fast path; only its case is ignored in
 * comparisons). Any other domain is mapped: a name that maps to plain ASCII becomes that ASCII name
 * ({@code ban\u212A.test}, with KELVIN SIGN, is {@code bank.test}), an internationalized name keeps its mapped U-label
 * form ({@code B\u00FCcher.example} is {@code b\u00FCcher.example}) and has an A-label form
 * ({@code xn--bcher-kva.example}) for comparisons, DNS and next hops without SMTPUTF8. A name that IDNA2008 does not
 * allow is a syntax error.
 */
public final class DomainName {

    private static final IDNA UTS46 = IDNA.getUTS46Instance(IDNA.NONTRANSITIONAL_TO_ASCII
            | IDNA.NONTRANSITIONAL_TO_UNICODE | IDNA.CHECK_BIDI | IDNA.CHECK_CONTEXTJ | IDNA.CHECK_CONTEXTO
            | IDNA.USE_STD3_RULES);

    private DomainName() {}

    /**
     * The canonical form of a domain that passed the SMTP syntax check ({@link SmtpPath#isDomain}).
     *
     * @throws SyntaxException when IDNA2008 does not allow the name
     */
    public static String canonical(String domain) throws SyntaxException {
        if (Ascii.isAscii(domain)) {
            return domain;
        }
        String ascii = toAscii(domain);
        if (!ascii.startsWith("xn--") && !ascii.contains(".xn--")) {
            return ascii; // only look-alikes of ASCII letters: the name is the ASCII one
        }
        IDNA.Info info = new IDNA.Info();
        StringBuilder unicode = UTS46.nameToUnicode(ascii, new StringBuilder(domain.length()), info);
        if (info.hasErrors()) {
            throw new SyntaxException("'" + domain + "' is not a valid internationalized domain name: " + info.getErrors());
        }
        int bad = unicode.codePoints().filter(c -> c > 127 && !idna2008Allows(c)).findFirst().orElse(-1);
        if (bad >= 0) {
            throw new SyntaxException("'" + domain + "' is not a valid internationalized domain name: "
                    + String.format("U+%04X", bad) + " is not allowed by IDNA2008 (RFC 5892)");
        }
        return unicode.toString();
    }

    /**
     * Whether a code point of a mapped U-label may appear in IDNA2008: UTS #46 still treats symbols and punctuation
     * that IDNA2008 disallows as valid (its NV8/XV8 marks). RFC 5892 section 2 in short: letters, marks and decimal
     * digits, less its DISALLOWED exceptions, plus the CONTEXTO punctuation that {@code CHECK_CONTEXTO} has checked.
     */
    private static boolean idna2008Allows(int c) {
        switch (c) {
            case 0x00B7, 0x0375, 0x05F3, 0x05F4, 0x30FB:
                return true; // CONTEXTO (RFC 5892 section 2.6), context checked by ICU
            case 0x0640, 0x07FA, 0x302E, 0x302F, 0x3031, 0x3032, 0x3033, 0x3034, 0x3035, 0x303B:
                return false; // DISALLOWED exceptions (RFC 5892 section 2.6)
            default:
                break;
        }
        int type = Character.getType(c);
        return type == Character.LOWERCASE_LETTER || type == Character.OTHER_LETTER || type == Character.MODIFIER_LETTER
                || type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
                || type == Character.DECIMAL_DIGIT_NUMBER || type == Character.TITLECASE_LETTER;
    }

    /**
     * The A-label form in lower case: the key for comparisons and DNS, and the form for next hops without SMTPUTF8.
     *
     * @throws SyntaxException when IDNA2008 does not allow the name
     */
    public static String toAscii(String domain) throws SyntaxException {
        if (Ascii.isAscii(domain)) {
            return Ascii.toLowerCase(domain);
        }
        IDNA.Info info = new IDNA.Info();
        StringBuilder ascii = UTS46.nameToASCII(domain, new StringBuilder(domain.length() + 16), info);
        if (info.hasErrors()) {
            throw new SyntaxException("'" + domain + "' is not a valid internationalized domain name: " + info.getErrors());
        }
        return ascii.toString();
    }

    /** The key of a domain already in canonical form (it cannot fail then). */
    public static String key(String canonicalDomain) {
        try {
            return toAscii(canonicalDomain);
        } catch (SyntaxException e) {
            throw new IllegalArgumentException("not a canonical domain: " + canonicalDomain, e);
        }
    }
}
