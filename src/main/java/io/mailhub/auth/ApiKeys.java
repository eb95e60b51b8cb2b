package io.mailhub.auth;

import io.mailhub.model.DataSize;
import io.mailhub.model.SyntaxException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The API keys file ({@code mailhub.api.keys-file}), one key per line, fields separated by white space:
 *
 * <pre>
 * # name    secret hash        scopes
 * billing   sha256:9f86d08...  from=billing@shop.example,@shop.example rate=1000/h max-size=10MB route=yes send-at=no
 * alerts    sha256:2c26b46...  from=alerts@shop.example scope=webhooks
 * </pre>
 *
 * <p>Only the SHA-256 of a secret is stored: secrets are 256 random bits ({@code mh_} and 43 base64url characters, made
 * by {@code java -jar mailhub.jar api-key create}), so a fast hash is as good as a slow one, and a request costs one
 * digest and one map lookup. {@code from=} is required; {@code rate} (messages per hour, default none),
 * {@code max-size} (default the hub's limit), {@code route} and {@code send-at} (default {@code no}) and {@code scope} ({@code all}, the default; {@code send}: the
 * send endpoints only; {@code webhooks}: the monitoring webhooks only) are optional. A
 * malformed line is reported with its number and skipped; the file is read again when it changes.
 */
public final class ApiKeys {

    private static final String PREFIX = "mh_";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final WatchedFile<Map<String, ApiKey>> byHash;

    private ApiKeys(WatchedFile<Map<String, ApiKey>> byHash) {
        this.byHash = byHash;
    }

    /** Who hears of each reload after the file changed (the audit log). */
    public void onReload(java.util.function.Consumer<WatchedFile.Reload> listener) {
        byHash.onReload(listener);
    }

    public static ApiKeys load(Path file) throws IOException {
        return new ApiKeys(WatchedFile.load(file, "API keys", ApiKeys::parse));
    }

    /** The key whose secret this is, or {@code null}. */
    public ApiKey find(String secret) {
        if (secret == null || !secret.startsWith(PREFIX)) {
            return null;
        }
        return byHash.get().get(hash(secret));
    }

    /** A new secret: {@code mh_} and 256 random bits in base64url. */
    public static String newSecret() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** How a secret is stored: {@code sha256:} and the hex digest. */
    public static String hash(String secret) {
        try {
            return "sha256:" + HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always there", e);
        }
    }

    /** The line of the keys file for a key. */
    public static String line(ApiKey k) {
        StringBuilder sb = new StringBuilder(k.name()).append(' ').append(k.hash()).append(" from=").append(k.sendAs());
        if (k.messagesPerHour() > 0) {
            sb.append(" rate=").append(k.messagesPerHour()).append("/h");
        }
        if (k.maxSize() > 0) {
            sb.append(" max-size=").append(k.maxSize());
        }
        sb.append(" route=").append(k.mayRoute() ? "yes" : "no").append(" send-at=").append(k.maySchedule() ? "yes" : "no");
        if (k.scope() != ApiKey.Scope.ALL) {
            sb.append(" scope=").append(k.scope().keyword());
        }
        return sb.toString();
    }

    /** Parses the lines of a keys file (by hash); {@code file} only names it in messages. */
    public static WatchedFile.Parsed<Map<String, ApiKey>> parse(Path file, List<String> lines) {
        Map<String, ApiKey> keys = new LinkedHashMap<>();
        List<String> names = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (WatchedFile.Entry entry : WatchedFile.entries(file, lines)) {
            try {
                ApiKey k = parseLine(entry.text());
                if (names.contains(k.name())) {
                    throw new SyntaxException("key " + k.name() + " is defined twice; the first definition counts");
                }
                names.add(k.name());
                keys.put(k.hash(), k);
            } catch (SyntaxException e) {
                problems.add(entry.where() + e.getMessage());
            }
        }
        return new WatchedFile.Parsed<>(Map.copyOf(keys), List.copyOf(problems));
    }

    /** One line of the keys file (no comments, no blank line). */
    public static ApiKey parseLine(String line) throws SyntaxException {
        String[] f = line.split("\\s+");
        if (f.length < 3) {
            throw new SyntaxException("expected 'name sha256:hash from=addresses [rate=N/h] [max-size=S] [route=yes]"
                    + " [send-at=yes] [scope=all|send|webhooks]'");
        }
        String name = f[0];
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            throw new SyntaxException("the key name '" + name + "' must be letters, digits, '.', '_' or '-'");
        }
        if (!f[1].matches("sha256:[0-9a-f]{64}")) {
            throw new SyntaxException("the hash of " + name + " must be sha256: and 64 hex digits (never the secret)");
        }
        SendAs sendAs = null;
        int rate = 0;
        long maxSize = 0;
        boolean route = false;
        boolean sendAt = false;
        ApiKey.Scope scope = ApiKey.Scope.ALL;
        for (int i = 2; i < f.length; i++) {
            int eq = f[i].indexOf('=');
            String option = eq < 0 ? f[i] : f[i].substring(0, eq).toLowerCase(Locale.ROOT);
            String value = eq < 0 ? "" : f[i].substring(eq + 1);
            switch (option) {
                case "from" -> sendAs = SendAs.parse(value);
                case "rate" -> rate = rate(value);
                case "max-size" -> maxSize = DataSize.parse(value);
                case "route" -> route = yesNo(option, value);
                case "send-at" -> sendAt = yesNo(option, value);
                case "scope" -> scope = scope(value);
                default -> throw new SyntaxException("unknown option '" + f[i] + "' of key " + name);
            }
        }
        if (sendAs == null || sendAs.isEmpty()) {
            throw new SyntaxException("key " + name + " needs from=ADDRESS,@domain,... (what it may send as)");
        }
        return new ApiKey(name, f[1], sendAs, rate, maxSize, route, sendAt, scope);
    }

    /** {@code all}, {@code send} or {@code webhooks}. */
    public static ApiKey.Scope scope(String value) throws SyntaxException {
        for (ApiKey.Scope s : ApiKey.Scope.values()) {
            if (s.keyword().equals(value)) {
                return s;
            }
        }
        throw new SyntaxException("scope '" + value + "' must be all, send or webhooks");
    }

    /** {@code N/h} (or a bare N): messages per hour. */
    public static int rate(String value) throws SyntaxException {
        String v = value.endsWith("/h") ? value.substring(0, value.length() - 2) : value;
        try {
            int n = Integer.parseInt(v);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new SyntaxException("rate '" + value + "' must be messages per hour, such as 1000/h");
    }

    private static boolean yesNo(String option, String value) throws SyntaxException {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "yes", "on", "true" -> true;
            case "no", "off", "false" -> false;
            default -> throw new SyntaxException(option + " must be yes or no, not '" + value + "'");
        };
    }
}
