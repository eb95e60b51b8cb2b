package io.mailhub.admin;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.security.auth.Subject;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.login.FailedLoginException;
import javax.security.auth.login.LoginException;
import javax.security.auth.spi.LoginModule;

/**
 * JAAS login against the admin users file, for Hawtio's login (the realm {@code hawtio}): a user of
 * {@code mailhub.admin.users-file} with the right password gets an {@link AdminUserPrincipal} and an
 * {@link AdminRolePrincipal} with their role. The {@link AdminUsers} come in the {@code users} option.
 */
public final class AdminLoginModule implements LoginModule {

    static final String USERS = "users";

    private Subject subject;
    private CallbackHandler handler;
    private AdminUsers users;
    private AdminUsers.AdminUser user;
    private final List<java.security.Principal> added = new ArrayList<>();

    @Override
    public void initialize(Subject subject, CallbackHandler handler, Map<String, ?> sharedState,
            Map<String, ?> options) {
        this.subject = subject;
        this.handler = handler;
        this.users = (AdminUsers) options.get(USERS);
    }

    @Override
    public boolean login() throws LoginException {
        if (users == null) {
            throw new FailedLoginException("no mailhub.admin.users-file: the console refuses every login");
        }
        NameCallback name = new NameCallback("user");
        PasswordCallback password = new PasswordCallback("password", false);
        try {
            handler.handle(new Callback[] {name, password});
        } catch (Exception e) {
            throw new LoginException("cannot read the credentials: " + e);
        }
        char[] secret = password.getPassword();
        try {
            user = name.getName() == null || secret == null ? null : users.check(name.getName(), secret);
        } finally {
            if (secret != null) {
                Arrays.fill(secret, '\0');
            }
            password.clearPassword();
        }
        if (user == null) {
            throw new FailedLoginException("wrong name or password");
        }
        return true;
    }

    @Override
    public boolean commit() {
        if (user == null) {
            return false;
        }
        added.add(new AdminUserPrincipal(user.name()));
        added.add(new AdminRolePrincipal(user.role().label()));
        subject.getPrincipals().addAll(added);
        return true;
    }

    @Override
    public boolean abort() {
        user = null;
        return true;
    }

    @Override
    public boolean logout() {
        subject.getPrincipals().removeAll(added);
        added.clear();
        return true;
    }
}
