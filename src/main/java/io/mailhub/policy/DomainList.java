package io.mailhub.policy;

import io.mailhub.model.DomainName;
import io.mailhub.model.SmtpPath;
import io.mailhub.model.SyntaxException;
import java.util.HashSet;
import java.util.Set;

/**
 * A list of mail domains: {@code example.com} matches that domain only; {@code .example.com} matches every subdomain
 * of it (not the domain itself), as in Postfix's domain tables with {@code parent_domain_matches_subdomains} off.
 * Matching ignores ASCII case; internationalized names are compared as A-labels ({@link DomainName}).
 */
public final class DomainList {

    private final Set<String> exact = new HashSet<>();
    private final Set<String> parents = new HashSet<>();
    private final String text;

    private DomainList(String text) {
        this.text = text;
    }

    public static DomainList parse(String text) throws SyntaxException {
        DomainList list = new DomainList(text.trim());
        for (String item : text.trim().split("[,\\s]+")) {
            if (item.isEmpty()) {
                continue;
            }
            boolean parent = item.startsWith(".");
            String name = parent ? item.substring(1) : item;
            if (!SmtpPath.isDomain(name, true)) {
                throw new SyntaxException("'" + item + "' is not a domain name");
            }
            (parent ? list.parents : list.exact).add(DomainName.toAscii(name));
        }
        return list;
    }

    /** @param domain a domain, best its key ({@code MailAddress.domainKey()}: lower case, A-labels) */
    public boolean contains(String domain) {
        String d;
        try {
            d = DomainName.toAscii(domain);
        } catch (SyntaxException e) {
            return false;
        }
        if (exact.contains(d)) {
            return true;
        }
        for (int dot = d.indexOf('.'); dot >= 0; dot = d.indexOf('.', dot + 1)) {
            if (parents.contains(d.substring(dot + 1))) {
                return true;
            }
        }
        return false;
    }

    /** This list and {@code domain} (a key: lower case, A-labels), matched exactly. */
    public DomainList with(String domain) {
        DomainList list = new DomainList(text.isEmpty() ? domain : text + ", " + domain);
        list.exact.addAll(exact);
        list.parents.addAll(parents);
        list.exact.add(domain);
        return list;
    }

    public boolean isEmpty() {
        return exact.isEmpty() && parents.isEmpty();
    }

    @Override
    public String toString() {
        return text;
    }
}
