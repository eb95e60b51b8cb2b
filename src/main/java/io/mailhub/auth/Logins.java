package io.mailhub.auth;

/**
 * Where the listeners check logins: the users file today ({@link Authenticator}), another backend (LDAP, a Dovecot
 * auth socket) later. A backend that cannot answer now throws {@link IllegalStateException}; the listener then
 * answers {@code 454 4.7.0 Temporary authentication failure} and counts nothing against the client.
 */
public interface Logins {

    /** The user when name and password match, otherwise {@code null}. */
    User authenticate(String name, char[] password);

    /** The user called {@code name} (for the sender checks after login), or {@code null}. */
    User user(String name);
}
