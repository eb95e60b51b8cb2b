package io.mailhub.crypto;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

/**
 * A secret key kept in a file: 32 random octets made at the first start (owner-only where the file system can say
 * so, written to a temporary file and renamed, so two starts racing end with one key), read as it is afterwards.
 */
public final class KeyFile {

    private static final SecureRandom RANDOM = new SecureRandom();

    private KeyFile() {}

    /**
     * The key in {@code file}, made if absent.
     *
     * @param what what the key is for, named in the error for a file that holds too little
     * @throws IOException when it cannot be read or made, or holds fewer than 32 octets
     */
    public static byte[] loadOrMake(Path file, String what) throws IOException {
        if (!Files.exists(file)) {
            byte[] fresh = new byte[32];
            RANDOM.nextBytes(fresh);
            Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
            Files.write(tmp, fresh);
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // Windows: the data directory's own permissions protect it
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException raced) {
                Files.deleteIfExists(tmp); // another start made one first: use that one
            }
        }
        byte[] key = Files.readAllBytes(file);
        if (key.length < 32) {
            throw new IOException(file + " is not " + what + " (32 octets or more); remove it to make a new one");
        }
        return key;
    }
}
