package io.mailhub.auth;

import io.mailhub.model.SyntaxException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The users file ({@code mailhub.auth.users-file}): one user per line, {@code name:bcrypt-hash:address,address,@domain},
 * blank lines and {@code #} comments ignored. A malformed line is reported with its line number and skipped; the other
 * users still load. The file is read again when it changes (checked at most once a second, on use), so adding a user
 * or changing a password needs no restart; if it cannot be read, the users loaded before stay.
 */
public final class UsersFile {

    /** What one reading of the file gave: the users and, per bad line, a message naming file and line. */
    public record Contents(Map<String, User> users, List<String> problems) {}

    private final WatchedFile<Map<String, User>> file;

    private UsersFile(WatchedFile<Map<String, User>> file) {
        this.file = file;
    }

    /** Who hears of each reload after the file changed (the audit log). */
    public void onReload(java.util.function.Consumer<WatchedFile.Reload> listener) {
        file.onReload(listener);
    }

    /** Reads the file; bad lines are logged (with their line numbers) and skipped. Fails only if it cannot be read. */
    public static UsersFile load(Path path) throws IOException {
        return new UsersFile(WatchedFile.load(path, "users", (f, lines) -> {
            Contents c = parse(f, lines);
            return new WatchedFile.Parsed<>(c.users(), c.problems());
        }));
    }

    /** The user called {@code name}, or {@code null}; rereads the file first if it changed. */
    public User find(String name) {
        return file.get().get(name);
    }

    public int size() {
        return file.get().size();
    }

    /** Parses the lines of a users file; {@code file} only names it in messages. */
    public static Contents parse(Path file, List<String> lines) {
        Map<String, User> users = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (WatchedFile.Entry entry : WatchedFile.entries(file, lines)) {
            String where = entry.where();
            String[] fields = entry.text().split(":", -1);
            if (fields.length != 3) {
                problems.add(where + "expected name:bcrypt-hash:addresses, found " + fields.length + " field(s)");
                continue;
            }
            String name = fields[0].strip();
            String hash = fields[1].strip();
            if (name.isEmpty() || !name.chars().allMatch(c -> c > 32 && c < 127)) {
                problems.add(where + "the user name must be printable ASCII without spaces");
                continue;
            }
            if (!Passwords.isBcrypt(hash)) {
                problems.add(where + "the password of " + name + " is not a bcrypt hash ($2y$10$...);"
                        + " make one with: java -jar mailhub.jar hash-password");
                continue;
            }
            SendAs sendAs;
            try {
                sendAs = SendAs.parse(fields[2]);
            } catch (SyntaxException e) {
                problems.add(where + e.getMessage());
                continue;
            }
            if (users.containsKey(name)) {
                problems.add(where + "user " + name + " is defined twice; the first definition counts");
                continue;
            }
            users.put(name, new User(name, hash, sendAs.addresses(), sendAs.domains()));
        }
        return new Contents(Collections.unmodifiableMap(users), List.copyOf(problems));
    }
}
