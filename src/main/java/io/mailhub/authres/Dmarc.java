package io.mailhub.authres;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * DMARC (RFC 7489): finds the policy of the From: domain (or of its organizational domain), and decides pass or fail
 * from the SPF and DKIM results and their alignment with the From: domain.
 */
public final class Dmarc {

    public enum Result {
        NONE, PASS, FAIL, TEMPERROR, PERMERROR;

        public String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** @param policy {@code none}, {@code quarantine} or {@code reject} as published; {@code disposition} what applies */
    public record Verdict(Result result, String fromDomain, String policy, String disposition, String reason) {}

    private final Dns dns;
    private final RandomGenerator random;

    public Dmarc(Dns dns, RandomGenerator random) {
        this.dns = dns;
        this.random = random;
    }

    /**
     * @param spfDomain the domain SPF checked (MAIL FROM's, or HELO's for the null sender), with its result
     * @param dkimPassDomains the {@code d=} of every signature that passed
     */
    public Verdict evaluate(String fromDomain, String spfDomain, boolean spfPass, List<String> dkimPassDomains) {
        if (fromDomain == null) {
            return new Verdict(Result.NONE, null, null, "none", "no single From: domain");
        }
        Map<String, String> record;
        boolean fromOrg = false;
        try {
            record = record(fromDomain);
            String org = OrgDomain.of(fromDomain);
            if (record == null && !org.equals(fromDomain)) {
                record = record(org);
                fromOrg = true;
            }
        } catch (Dns.DnsFailure e) {
            return new Verdict(Result.TEMPERROR, fromDomain, null, "none", e.getMessage());
        } catch (IllegalArgumentException e) {
            return new Verdict(Result.PERMERROR, fromDomain, null, "none", e.getMessage());
        }
        if (record == null) {
            return new Verdict(Result.NONE, fromDomain, null, "none", "no DMARC record");
        }
        String p = record.get("p").toLowerCase(Locale.ROOT);
        String policy = fromOrg && record.containsKey("sp") ? record.get("sp").toLowerCase(Locale.ROOT) : p;
        boolean strictDkim = "s".equalsIgnoreCase(record.getOrDefault("adkim", "r"));
        boolean strictSpf = "s".equalsIgnoreCase(record.getOrDefault("aspf", "r"));
        boolean spfAligned = spfPass && OrgDomain.aligned(spfDomain, fromDomain, strictSpf);
        boolean dkimAligned = dkimPassDomains.stream().anyMatch(d -> OrgDomain.aligned(d, fromDomain, strictDkim));
        if (spfAligned || dkimAligned) {
            return new Verdict(Result.PASS, fromDomain, policy, "none",
                    (dkimAligned ? "aligned DKIM" : "") + (dkimAligned && spfAligned ? " and " : "")
                            + (spfAligned ? "aligned SPF" : ""));
        }
        int pct = 100;
        try {
            pct = Math.max(0, Math.min(100, Integer.parseInt(record.getOrDefault("pct", "100").strip())));
        } catch (NumberFormatException e) {
            // RFC 7489 section 6.6.3: an invalid value is ignored, the default applies
        }
        String disposition = pct == 100 || random.nextInt(100) < pct ? policy : "none";
        return new Verdict(Result.FAIL, fromDomain, policy, disposition, "neither SPF nor DKIM aligned with "
                + fromDomain);
    }

    /** The DMARC record at {@code _dmarc.domain}, or {@code null}; invalid records count as none (section 6.6.3). */
    private Map<String, String> record(String domain) throws Dns.DnsFailure {
        Map<String, String> found = null;
        for (String txt : dns.txt("_dmarc." + domain)) {
            Map<String, String> tags = tags(txt);
            if (tags != null && "DMARC1".equals(tags.get("v")) && tags.containsKey("p")
                    && List.of("none", "quarantine", "reject").contains(tags.get("p").toLowerCase(Locale.ROOT))) {
                if (found != null) {
                    return null; // more than one record: as if none
                }
                found = tags;
            }
        }
        return found;
    }

    private static Map<String, String> tags(String text) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (String part : text.split(";")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq <= 0) {
                return null;
            }
            tags.putIfAbsent(part.substring(0, eq).strip().toLowerCase(Locale.ROOT), part.substring(eq + 1).strip());
        }
        return tags.isEmpty() || !tags.keySet().iterator().next().equals("v") ? null : tags;
    }
}
