package io.mailhub.app;

import io.mailhub.auth.ApiKey;
import io.mailhub.auth.ApiKeys;
import io.mailhub.auth.SendAs;
import io.mailhub.model.DataSize;
import io.mailhub.model.SyntaxException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * {@code java -jar mailhub.jar api-key create NAME --from ADDR[,ADDR,@domain...] --keys-file FILE [--rate N/h]
 * [--max-size S] [--route] [--send-at] [--scope all|send|webhooks]}: makes a secret, appends the key's line (with the secret's hash, never the
 * secret) to FILE, and prints only the secret on standard output, once. Exit codes from sysexits.h: 64 for a bad
 * command line, 65 for a name that exists, 73 when the file cannot be written.
 */
final class ApiKeyCommand {

    static final int EX_USAGE = 64;
    static final int EX_DATAERR = 65;
    static final int EX_CANTCREAT = 73;
    private static final String USAGE = "usage: mailhub api-key create NAME --from ADDR[,ADDR,@domain...] --keys-file"
            + " FILE [--rate N/h] [--max-size S] [--route] [--send-at] [--scope all|send|webhooks]";

    private ApiKeyCommand() {}

    static int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.size() < 2 || !args.get(0).equals("create") || args.get(1).startsWith("--")) {
            err.println("mailhub: " + USAGE);
            return EX_USAGE;
        }
        String name = args.get(1);
        String from = null;
        Path file = null;
        int rate = 0;
        long maxSize = 0;
        boolean route = false;
        boolean sendAt = false;
        ApiKey.Scope scope = ApiKey.Scope.ALL;
        try {
            for (int i = 2; i < args.size(); i++) {
                String a = args.get(i);
                switch (a) {
                    case "--from" -> from = value(args, ++i, a);
                    case "--keys-file" -> file = Path.of(value(args, ++i, a));
                    case "--rate" -> rate = ApiKeys.rate(value(args, ++i, a));
                    case "--max-size" -> maxSize = DataSize.parse(value(args, ++i, a));
                    case "--route" -> route = true;
                    case "--send-at" -> sendAt = true;
                    case "--scope" -> scope = ApiKeys.scope(value(args, ++i, a));
                    default -> throw new SyntaxException("unknown option " + a);
                }
            }
            if (from == null || file == null) {
                throw new SyntaxException("--from and --keys-file are required");
            }
            String secret = ApiKeys.newSecret();
            ApiKey key = new ApiKey(name, ApiKeys.hash(secret), SendAs.parse(from), rate, maxSize, route, sendAt,
                    scope);
            String line = ApiKeys.line(key);
            ApiKeys.parseLine(line); // the same rules as loading: a bad name or address fails here, not at start-up
            if (Files.exists(file) && Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .map(l -> l.strip().split("\\s+")[0]).anyMatch(name::equals)) {
                err.println("mailhub: api-key: key " + name + " already exists in " + file + "; remove its line first");
                return EX_DATAERR;
            }
            append(file, line);
            out.println(secret);
            err.println("mailhub: api-key " + name + " added to " + file + " (the secret above is shown only once)");
            return 0;
        } catch (SyntaxException e) {
            err.println("mailhub: api-key: " + e.getMessage() + "; " + USAGE);
            return EX_USAGE;
        } catch (IOException e) {
            err.println("mailhub: api-key: cannot write " + file + ": " + e.getMessage());
            return EX_CANTCREAT;
        }
    }

    private static String value(List<String> args, int i, String option) throws SyntaxException {
        if (i >= args.size()) {
            throw new SyntaxException(option + " needs a value");
        }
        return args.get(i);
    }

    /** Appends a line, creating the file readable by its owner only. */
    private static void append(Path file, String line) throws IOException {
        if (!Files.exists(file)) {
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        String text = Files.size(file) > 0 && !Files.readString(file).endsWith("\n") ? "\n" + line + "\n" : line + "\n";
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }
}
