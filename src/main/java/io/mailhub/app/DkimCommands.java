package io.mailhub.app;

import io.mailhub.dkim.DkimKey;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.util.Base64;

/**
 * {@code dkim-keygen DOMAIN SELECTOR rsa|ed25519 KEYFILE}: makes a signing key (RSA-2048 or Ed25519), writes it as
 * PKCS#8 PEM readable by its owner only, and prints the DNS TXT record to publish. {@code dkim-record DOMAIN SELECTOR
 * KEYFILE}: prints the record for an existing key.
 */
final class DkimCommands {

    private DkimCommands() {}

    static int run(String[] args, PrintStream out, PrintStream err) {
        try {
            if (args[0].equals("dkim-keygen") && args.length == 5) {
                Path file = Path.of(args[4]);
                if (Files.exists(file)) {
                    err.println("mailhub dkim-keygen: " + file + " exists; not overwriting a key");
                    return 2;
                }
                writeKey(file, generate(args[3]));
                out.println(DkimKey.load(args[1], args[2], file).zoneFileLine());
                return 0;
            }
            if (args[0].equals("dkim-record") && args.length == 4) {
                out.println(DkimKey.load(args[1], args[2], Path.of(args[3])).zoneFileLine());
                return 0;
            }
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            err.println("mailhub " + args[0] + ": " + e.getMessage());
            return 2;
        }
        err.println("usage: mailhub dkim-keygen DOMAIN SELECTOR rsa|ed25519 KEYFILE\n"
                + "       mailhub dkim-record DOMAIN SELECTOR KEYFILE");
        return 2;
    }

    private static PrivateKey generate(String type) throws GeneralSecurityException {
        return switch (type) {
            case "rsa" -> {
                KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                g.initialize(2048);
                yield g.generateKeyPair().getPrivate();
            }
            case "ed25519" -> KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate();
            default -> throw new IllegalArgumentException("key type must be rsa or ed25519, not '" + type + "'");
        };
    }

    private static void writeKey(Path file, PrivateKey key) throws IOException {
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        Files.writeString(file, pem, StandardCharsets.US_ASCII);
    }
}
