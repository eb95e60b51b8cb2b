package io.mailhub.relay;

import io.mailhub.model.SyntaxException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A user name and password for SMTP AUTH towards a next hop (Postfix's {@code smtp_sasl_password_maps} entry). Read
 * from a file of its own, so that the secret can have stricter permissions than the transport map: the first line
 * that is neither blank nor a {@code #} comment, in the form {@code user:password} (the password may contain colons).
 * {@link #toString()} never shows the password.
 */
public record Credentials(String user, String password) {

    public Credentials {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
    }

    /** @throws SyntaxException naming the file when it has no {@code user:password} line */
    public static Credentials load(Path file) throws IOException, SyntaxException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || colon == line.length() - 1) {
                throw new SyntaxException(file + " line " + (i + 1) + ": expected 'user:password'");
            }
            return new Credentials(line.substring(0, colon), line.substring(colon + 1));
        }
        throw new SyntaxException(file + ": no 'user:password' line");
    }

    @Override
    public String toString() {
        return "Credentials[user=" + user + "]";
    }
}
