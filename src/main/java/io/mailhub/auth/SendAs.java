package io.mailhub.auth;

import io.mailhub.model.DomainName;
import io.mailhub.model.MailAddress;
import io.mailhub.model.SmtpPath;
import io.mailhub.model.SyntaxException;
import java.util.ArrayList;
import java.util.List;

/**
 * The addresses and whole domains a principal may send as (the users file's third field, an API key's {@code from=}):
 * {@code alice@example.com,@example.org}. Kept as comparison keys ({@link MailAddress#key()}, domain keys), so that
 * look-alike spellings never match and internationalized names match in either form.
 */
public record SendAs(List<String> addresses, List<String> domains) {

    public SendAs {
        addresses = List.copyOf(addresses);
        domains = List.copyOf(domains);
    }

    /**
     * Parses a comma-separated list.
     *
     * @throws SyntaxException naming the first item that is neither {@code user@domain} nor {@code @domain}
     */
    public static SendAs parse(String list) throws SyntaxException {
        List<String> addresses = new ArrayList<>();
        List<String> domains = new ArrayList<>();
        for (String item : list.split(",")) {
            String v = item.strip();
            if (v.isEmpty()) {
                continue;
            }
            String key = key(v);
            if (key == null) {
                throw new SyntaxException("'" + v + "' is neither an address (user@domain) nor a domain (@domain)");
            }
            (v.startsWith("@") ? domains : addresses).add(key);
        }
        return new SendAs(addresses, domains);
    }

    /** Whether {@code address} is one of the addresses or in one of the domains (the null sender always is). */
    public boolean allows(MailAddress address) {
        return address == null || addresses.contains(address.key()) || domains.contains(address.domainKey());
    }

    public boolean isEmpty() {
        return addresses.isEmpty() && domains.isEmpty();
    }

    /** The list as it is written in the files. */
    @Override
    public String toString() {
        List<String> all = new ArrayList<>(addresses);
        domains.forEach(d -> all.add("@" + d));
        return String.join(",", all);
    }

    private static String key(String v) {
        try {
            if (v.startsWith("@")) {
                return v.length() > 1 && SmtpPath.isDomain(v.substring(1), true) ? DomainName.toAscii(v.substring(1))
                        : null;
            }
            return SmtpPath.mailbox(v, true).key();
        } catch (SyntaxException e) {
            return null;
        }
    }
}
