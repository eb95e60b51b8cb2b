package io.mailhub.authres;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * SPF, RFC 7208's {@code check_host()}: is {@code ip} allowed to send mail for {@code domain}? All mechanisms but
 * {@code ptr} (which RFC 7208 section 5.5 says not to use; it never matches here), the {@code redirect} modifier,
 * macros (section 7), the limits of 10 DNS-querying terms and 2 void lookups (section 4.6.4).
 */
public final class Spf {

    public enum Result {
        NONE, NEUTRAL, PASS, FAIL, SOFTFAIL, TEMPERROR, PERMERROR;

        /** The lower-case name used in Authentication-Results and Received-SPF. */
        public String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** @param reason why, for the header comment and logs */
    public record Verdict(Result result, String reason) {}

    static final int LOOKUP_LIMIT = 10;
    static final int VOID_LIMIT = 2;
    static final int MX_LIMIT = 10;

    /** The whole evaluation's time limit: RFC 7208 section 4.6.4 suggests at least 20 s; beyond it, temperror. */
    static final java.time.Duration TIME_LIMIT = java.time.Duration.ofSeconds(20);

    private final Dns dns;
    private final java.time.Clock clock;

    public Spf(Dns dns) {
        this(dns, java.time.Clock.systemUTC());
    }

    Spf(Dns dns, java.time.Clock clock) {
        this.dns = dns;
        this.clock = clock;
    }

    /**
     * @param sender the MAIL FROM address ({@code postmaster@helo} for the null sender, section 2.4)
     * @param helo the HELO/EHLO name (for the {@code %{h}} macro)
     */
    public Verdict check(InetAddress ip, String domain, String sender, String helo) {
        Evaluation e = new Evaluation(ip, sender, helo, clock.millis() + TIME_LIMIT.toMillis());
        try {
            return e.checkHost(domain.toLowerCase(Locale.ROOT), 0);
        } catch (Abort a) {
            return new Verdict(a.result, a.getMessage());
        }
    }

    /** Ends the whole evaluation with a temperror or permerror. */
    private static final class Abort extends Exception {
        final transient Result result;

        Abort(Result result, String message) {
            super(message, null, false, false);
            this.result = result;
        }
    }

    private final class Evaluation {
        final InetAddress ip;
        final String sender;
        final String helo;
        int lookups;
        int voids;
        final long deadline;

        Evaluation(InetAddress ip, String sender, String helo, long deadline) {
            this.deadline = deadline;
            this.ip = ip;
            this.sender = sender;
            this.helo = helo == null ? "unknown" : helo;
        }

        Verdict checkHost(String domain, int depth) throws Abort {
            if (!validDomain(domain)) {
                return new Verdict(Result.NONE, "'" + domain + "' is not a domain name");
            }
            List<String> records = new ArrayList<>();
            for (String txt : txt(domain)) {
                String t = txt.strip();
                if (t.equalsIgnoreCase("v=spf1") || t.regionMatches(true, 0, "v=spf1 ", 0, 7)) {
                    records.add(t);
                }
            }
            if (records.isEmpty()) {
                return new Verdict(Result.NONE, "no SPF record for " + domain);
            }
            if (records.size() > 1) {
                throw new Abort(Result.PERMERROR, domain + " has " + records.size() + " SPF records");
            }
            String[] terms = records.get(0).substring(6).strip().split("\\s+");
            String redirect = null;
            for (String term : terms) {
                if (term.isEmpty()) {
                    continue;
                }
                int eq = term.indexOf('=');
                int colon = term.indexOf(':');
                if (eq > 0 && (colon < 0 || eq < colon) && term.substring(0, eq).matches("[A-Za-z][A-Za-z0-9._-]*")) {
                    String name = term.substring(0, eq).toLowerCase(Locale.ROOT);
                    if (name.equals("redirect")) {
                        if (redirect != null) {
                            throw new Abort(Result.PERMERROR, domain + ": two redirect modifiers");
                        }
                        redirect = term.substring(eq + 1);
                    }
                    continue; // exp= and unknown modifiers are ignored
                }
                Result qualifier = switch (term.charAt(0)) {
                    case '+' -> Result.PASS;
                    case '-' -> Result.FAIL;
                    case '~' -> Result.SOFTFAIL;
                    case '?' -> Result.NEUTRAL;
                    default -> null;
                };
                String mechanism = qualifier == null ? term : term.substring(1);
                if (matches(mechanism, domain, depth)) {
                    Result r = qualifier == null ? Result.PASS : qualifier;
                    return new Verdict(r, ip.getHostAddress() + " " + (r == Result.PASS ? "is" : "is not")
                            + " allowed by " + domain + " (" + term + ")");
                }
            }
            if (redirect != null) {
                countLookup();
                String target = expand(redirect, domain);
                Verdict v = checkHost(target, depth + 1);
                if (v.result() == Result.NONE) {
                    throw new Abort(Result.PERMERROR, "redirect of " + domain + " to " + target + ": no SPF record");
                }
                return v;
            }
            return new Verdict(Result.NEUTRAL, "no mechanism of " + domain + " matched " + ip.getHostAddress());
        }

        boolean matches(String mechanism, String domain, int depth) throws Abort {
            String lower = mechanism.toLowerCase(Locale.ROOT);
            String name = lower.split("[:/]", 2)[0];
            String arg = mechanism.length() > name.length() && mechanism.charAt(name.length()) == ':'
                    ? mechanism.substring(name.length() + 1) : null;
            switch (name) {
                case "all":
                    return true;
                case "include": {
                    countLookup();
                    if (arg == null) {
                        throw new Abort(Result.PERMERROR, "include without a domain in " + domain);
                    }
                    if (depth > LOOKUP_LIMIT) {
                        throw new Abort(Result.PERMERROR, "include loop at " + domain);
                    }
                    Verdict v = checkHost(expand(arg, domain), depth + 1);
                    return switch (v.result()) {
                        case PASS -> true;
                        case FAIL, SOFTFAIL, NEUTRAL -> false;
                        case TEMPERROR -> throw new Abort(Result.TEMPERROR, v.reason());
                        case PERMERROR, NONE -> throw new Abort(Result.PERMERROR, "include:" + arg + ": " + v.reason());
                    };
                }
                case "a": {
                    countLookup();
                    Cidr cidr = Cidr.parse(mechanism.substring(1), true);
                    String target = cidr.domain == null ? domain : expand(cidr.domain, domain);
                    return anyInRange(addresses(target), cidr);
                }
                case "mx": {
                    countLookup();
                    Cidr cidr = Cidr.parse(mechanism.substring(2), true);
                    String target = cidr.domain == null ? domain : expand(cidr.domain, domain);
                    List<String> hosts = mx(target);
                    if (hosts.size() > MX_LIMIT) {
                        throw new Abort(Result.PERMERROR, target + " has more than " + MX_LIMIT + " MX records");
                    }
                    for (String host : hosts) {
                        if (anyInRange(addresses(host), cidr)) {
                            return true;
                        }
                    }
                    return false;
                }
                case "ptr":
                    countLookup();
                    return false; // deprecated (section 5.5); never matches here
                case "ip4":
                case "ip6": {
                    if (arg == null) {
                        throw new Abort(Result.PERMERROR, name + " without an address in " + domain);
                    }
                    return inNetwork(arg, name.equals("ip6"), domain);
                }
                case "exists": {
                    countLookup();
                    if (arg == null) {
                        throw new Abort(Result.PERMERROR, "exists without a domain in " + domain);
                    }
                    return addresses4(expand(arg, domain));
                }
                default:
                    throw new Abort(Result.PERMERROR, "unknown mechanism '" + mechanism + "' in " + domain);
            }
        }

        private boolean inNetwork(String spec, boolean v6, String domain) throws Abort {
            int slash = spec.indexOf('/');
            String address = slash < 0 ? spec : spec.substring(0, slash);
            int bits;
            InetAddress network;
            try {
                bits = slash < 0 ? (v6 ? 128 : 32) : Integer.parseInt(spec.substring(slash + 1));
                if (v6 ? address.indexOf(':') < 0 : !address.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
                    throw new NumberFormatException();
                }
                network = InetAddress.getByName(address); // a literal: no lookup
            } catch (NumberFormatException | UnknownHostException e) {
                throw new Abort(Result.PERMERROR, "bad " + (v6 ? "ip6" : "ip4") + " network '" + spec + "' in " + domain);
            }
            if ((network instanceof Inet6Address) != v6 || bits < 0 || bits > (v6 ? 128 : 32)) {
                throw new Abort(Result.PERMERROR, "bad " + (v6 ? "ip6" : "ip4") + " network '" + spec + "' in " + domain);
            }
            return sameNetwork(network, ip, bits);
        }

        private boolean anyInRange(List<InetAddress> addresses, Cidr cidr) {
            for (InetAddress a : addresses) {
                boolean v6 = a instanceof Inet6Address;
                if (v6 == (ip instanceof Inet6Address) && sameNetwork(a, ip, v6 ? cidr.v6 : cidr.v4)) {
                    return true;
                }
            }
            return false;
        }

        private boolean addresses4(String name) throws Abort {
            for (InetAddress a : addresses(name)) {
                if (a instanceof Inet4Address) {
                    return true;
                }
            }
            return false;
        }

        private void countLookup() throws Abort {
            if (++lookups > LOOKUP_LIMIT) {
                throw new Abort(Result.PERMERROR, "more than " + LOOKUP_LIMIT + " DNS-querying terms");
            }
        }

        /** Before each DNS question: a slow or unanswering DNS must not hold the SMTP session for minutes. */
        private void inTime() throws Abort {
            if (clock.millis() > deadline) {
                throw new Abort(Result.TEMPERROR, "SPF evaluation took longer than " + TIME_LIMIT.toSeconds() + " s");
            }
        }

        private List<String> txt(String name) throws Abort {
            inTime();
            try {
                return dns.txt(name);
            } catch (Dns.DnsFailure e) {
                throw new Abort(Result.TEMPERROR, e.getMessage());
            }
        }

        private List<InetAddress> addresses(String name) throws Abort {
            inTime();
            try {
                return countVoid(dns.addresses(name));
            } catch (Dns.DnsFailure e) {
                throw new Abort(Result.TEMPERROR, e.getMessage());
            }
        }

        private List<String> mx(String name) throws Abort {
            inTime();
            try {
                return countVoid(dns.mx(name));
            } catch (Dns.DnsFailure e) {
                throw new Abort(Result.TEMPERROR, e.getMessage());
            }
        }

        private <T> List<T> countVoid(List<T> answer) throws Abort {
            if (answer.isEmpty() && ++voids > VOID_LIMIT) {
                throw new Abort(Result.PERMERROR, "more than " + VOID_LIMIT + " DNS lookups without an answer");
            }
            return answer;
        }

        /** Macro expansion (section 7) of a domain-spec; a malformed macro is a permerror. */
        String expand(String spec, String domain) throws Abort {
            try {
                return SpfMacros.expand(spec, domain, ip, sender, helo);
            } catch (IllegalArgumentException e) {
                throw new Abort(Result.PERMERROR, e.getMessage());
            }
        }
    }

    /** The optional domain and prefix lengths of {@code a} and {@code mx}: {@code [:domain][/v4][//v6]}. */
    private record Cidr(String domain, int v4, int v6) {
        static Cidr parse(String rest, boolean allowDomain) throws Abort {
            String domain = null;
            String cidrs = rest;
            if (rest.startsWith(":")) {
                int slash = rest.indexOf('/');
                domain = slash < 0 ? rest.substring(1) : rest.substring(1, slash);
                cidrs = slash < 0 ? "" : rest.substring(slash);
            }
            int v4 = 32;
            int v6 = 128;
            try {
                if (cidrs.startsWith("//")) {
                    v6 = Integer.parseInt(cidrs.substring(2));
                } else if (cidrs.startsWith("/")) {
                    int dbl = cidrs.indexOf("//");
                    v4 = Integer.parseInt(dbl < 0 ? cidrs.substring(1) : cidrs.substring(1, dbl));
                    if (dbl >= 0) {
                        v6 = Integer.parseInt(cidrs.substring(dbl + 2));
                    }
                } else if (!cidrs.isEmpty()) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw new Abort(Result.PERMERROR, "bad prefix length in '" + rest + "'");
            }
            if (v4 < 0 || v4 > 32 || v6 < 0 || v6 > 128 || (domain != null && !allowDomain)) {
                throw new Abort(Result.PERMERROR, "bad prefix length in '" + rest + "'");
            }
            return new Cidr(domain == null || domain.isEmpty() ? null : domain, v4, v6);
        }
    }

    static boolean sameNetwork(InetAddress a, InetAddress b, int bits) {
        byte[] x = a.getAddress();
        byte[] y = b.getAddress();
        if (x.length != y.length) {
            return false;
        }
        for (int i = 0; i < x.length && bits > 0; i++, bits -= 8) {
            int mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
            if ((x[i] & mask) != (y[i] & mask)) {
                return false;
            }
        }
        return true;
    }

    static boolean validDomain(String d) {
        return d.length() <= 253 && d.indexOf('.') > 0 && !d.endsWith(".")
                && d.matches("[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})(\\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,62}))*");
    }
}
