package io.mailhub.auth;

import io.mailhub.model.DomainName;
import io.mailhub.model.SmtpPath;
import io.mailhub.model.SyntaxException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The users file ({@code mailhub.auth.users-file}): one user per line, {@code name:bcrypt-hash:address,address,@domain},
 * blank lines and {@code #} comments ignored. A malformed line is reported with its line number and skipped; the other
 * users still load. The file is read again when it changes (checked at most once a second, on use), so adding a user
 * or changing a password needs no restart; if it cannot be read, the users loaded before stay.
 */
public final class UsersFile {

    private static final Logger LOG = LoggerFactory.getLogger(UsersFile.class);
    private static final long RECHECK_NANOS = 1_000_000_000L;

    /** What one reading of the file gave: the users and, per bad line, a message naming file and line. */
    public record Contents(Map<String, User> users, List<String> problems) {}

    private final Path file;
    private volatile Map<String, User> users;
    private volatile FileTime loadedTime;
    private volatile long checkedAt;

    private UsersFile(Path file, Contents contents, FileTime time) {
        this.file = file;
        this.users = contents.users();
        this.loadedTime = time;
        this.checkedAt = System.nanoTime();
    }

    /** Reads the file; bad lines are logged (with their line numbers) and skipped. Fails only if it cannot be read. */
    public static UsersFile load(Path file) throws IOException {
        FileTime time = Files.getLastModifiedTime(file);
        Contents contents = parse(file, Files.readAllLines(file, StandardCharsets.UTF_8));
        contents.problems().forEach(p -> LOG.error("{}", p));
        LOG.info("{} user(s) loaded from {}", contents.users().size(), file);
        return new UsersFile(file, contents, time);
    }

    /** The user called {@code name}, or {@code null}; rereads the file first if it changed. */
    public User find(String name) {
        reloadIfChanged();
        return users.get(name);
    }

    public int size() {
        return users.size();
    }

    void reloadIfChanged() {
        long now = System.nanoTime();
        if (now - checkedAt < RECHECK_NANOS) {
            return;
        }
        checkedAt = now;
        synchronized (this) {
            try {
                FileTime time = Files.getLastModifiedTime(file);
                if (time.equals(loadedTime)) {
                    return;
                }
                Contents contents = parse(file, Files.readAllLines(file, StandardCharsets.UTF_8));
                contents.problems().forEach(p -> LOG.error("{}", p));
                users = contents.users();
                loadedTime = time;
                LOG.info("{} user(s) reloaded from {}", contents.users().size(), file);
            } catch (IOException e) {
                LOG.error("cannot reread users file {}: {}; keeping the {} user(s) loaded before", file, e.toString(),
                        users.size());
            }
        }
    }

    /** Parses the lines of a users file; {@code file} only names it in messages. */
    public static Contents parse(Path file, List<String> lines) {
        Map<String, User> users = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = file + " line " + (i + 1) + ": ";
            String[] fields = line.split(":", -1);
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
            List<String> addresses = new ArrayList<>();
            List<String> domains = new ArrayList<>();
            String bad = null;
            for (String a : fields[2].split(",")) {
                String v = a.strip();
                if (v.isEmpty()) {
                    continue;
                }
                String key = key(v);
                if (key != null && v.startsWith("@")) {
                    domains.add(key);
                } else if (key != null) {
                    addresses.add(key);
                } else {
                    bad = a.strip();
                    break;
                }
            }
            if (bad != null) {
                problems.add(where + "'" + bad + "' is neither an address (user@domain) nor a domain (@domain)");
                continue;
            }
            if (users.containsKey(name)) {
                problems.add(where + "user " + name + " is defined twice; the first definition counts");
                continue;
            }
            users.put(name, new User(name, hash, addresses, domains));
        }
        return new Contents(Collections.unmodifiableMap(users), List.copyOf(problems));
    }

    /** The comparison key of an address ({@code MailAddress.key()}) or of an {@code @domain}; null when neither. */
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
