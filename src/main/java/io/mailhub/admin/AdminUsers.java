package io.mailhub.admin;

import io.mailhub.auth.Passwords;
import io.mailhub.auth.WatchedFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The admin users file ({@code mailhub.admin.users-file}): {@code name:bcrypt-hash:role} per line, role
 * {@code viewer}, {@code operator} or {@code admin}, hashes from {@code hash-password}; {@code #} comments. Read again
 * when it changes. A bcrypt check takes tens of milliseconds by design, so a verified name and password is remembered
 * (as a SHA-256 of both, never the password) for five minutes, until the file changes.
 */
public final class AdminUsers {

    /** One user: name, bcrypt hash, role. */
    public record AdminUser(String name, String hash, Role role) {}

    private static final long REMEMBER_NANOS = 5L * 60 * 1_000_000_000L;

    private final WatchedFile<Map<String, AdminUser>> file;
    private final Map<String, Long> verified = new ConcurrentHashMap<>();
    private volatile Map<String, AdminUser> seen;

    private AdminUsers(WatchedFile<Map<String, AdminUser>> file) {
        this.file = file;
    }

    /** Who hears of each reload after the file changed (the audit log). */
    public void onReload(java.util.function.Consumer<WatchedFile.Reload> listener) {
        file.onReload(listener);
    }

    public static AdminUsers load(Path path) throws IOException {
        return new AdminUsers(WatchedFile.load(path, "admin users", AdminUsers::parse));
    }

    /** The user whose name and password these are, or {@code null}. */
    public AdminUser check(String name, char[] password) {
        Map<String, AdminUser> users = file.get();
        if (users != seen) { // the file changed: forget every remembered check
            verified.clear();
            seen = users;
        }
        AdminUser user = users.get(name);
        if (user == null) {
            Passwords.matches(DUMMY, password); // the same time for an unknown name as for a wrong password
            return null;
        }
        String key = digest(name, user.hash(), password);
        Long at = verified.get(key);
        long now = System.nanoTime();
        if (at != null && now - at < REMEMBER_NANOS) {
            return user;
        }
        if (!Passwords.matches(user.hash(), password)) {
            return null;
        }
        if (verified.size() > 10_000) {
            verified.clear();
        }
        verified.put(key, now);
        return user;
    }

    private static final String DUMMY = Passwords.hash("not a password".toCharArray());

    private static String digest(String name, String hash, char[] password) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(name.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(hash.getBytes(StandardCharsets.US_ASCII));
            sha.update((byte) 0);
            sha.update(new String(password).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static WatchedFile.Parsed<Map<String, AdminUser>> parse(Path file, List<String> lines) {
        Map<String, AdminUser> users = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (WatchedFile.Entry entry : WatchedFile.entries(file, lines)) {
            String where = entry.where();
            String[] f = entry.text().split(":", -1);
            if (f.length != 3) {
                problems.add(where + "expected name:bcrypt-hash:role, found " + f.length + " field(s)");
            } else if (f[0].isEmpty()) {
                problems.add(where + "the name is empty");
            } else if (!Passwords.isBcrypt(f[1])) {
                problems.add(where + "the password is not a bcrypt hash (make one with hash-password)");
            } else if (Role.parse(f[2]) == null) {
                problems.add(where + "unknown role '" + f[2] + "' (viewer, operator or admin)");
            } else if (users.containsKey(f[0])) {
                problems.add(where + "user " + f[0] + " is listed twice; the first line counts");
            } else {
                users.put(f[0], new AdminUser(f[0], f[1], Role.parse(f[2])));
            }
        }
        return new WatchedFile.Parsed<>(Map.copyOf(users), problems);
    }
}
