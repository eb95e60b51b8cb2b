package io.mailhub.auth;

import io.mailhub.model.MailAddress;
import java.util.List;

/**
 * One line of the users file.
 *
 * @param name the login name (compared exactly)
 * @param passwordHash the bcrypt hash ({@code $2a$}, {@code $2b$} or {@code $2y$})
 * @param addresses the envelope and header addresses the user may send as, as keys ({@link MailAddress#key()})
 * @param domains whole domains the user may send as (written {@code @domain} in the file), as domain keys
 */
public record User(String name, String passwordHash, List<String> addresses, List<String> domains) implements Principal {

    public User {
        addresses = List.copyOf(addresses);
        domains = List.copyOf(domains);
    }

    /** Whether the user may use {@code address} as sender (the null sender is always allowed, as in Postfix). */
    @Override
    public boolean maySendAs(MailAddress address) {
        if (address == null) {
            return true;
        }
        return new SendAs(addresses, domains).allows(address);
    }
}
