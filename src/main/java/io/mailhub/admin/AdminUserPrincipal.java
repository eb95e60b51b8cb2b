package io.mailhub.admin;

import java.security.Principal;

/** An admin user's name in a JAAS subject. */
public record AdminUserPrincipal(String getName) implements Principal {}
