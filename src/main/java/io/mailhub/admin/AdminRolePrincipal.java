package io.mailhub.admin;

import java.security.Principal;

/** An admin user's role in a JAAS subject (Hawtio's login checks it by this class's name). */
public record AdminRolePrincipal(String getName) implements Principal {}
