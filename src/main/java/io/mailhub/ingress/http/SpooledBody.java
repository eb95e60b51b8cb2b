package io.mailhub.ingress.http;

import io.mailhub.acceptance.Spool;
import io.mailhub.model.MessageContent;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** A request body read ahead into a spool with its SHA-256, for requests with an Idempotency-Key. */
record SpooledBody(MessageContent content, byte[] hash) {

    static SpooledBody read(InputStream in, Path spoolDirectory, int spoolThreshold) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Spool spool = new Spool(spoolDirectory, spoolThreshold);
        try {
            byte[] buf = new byte[65536];
            int n;
            while ((n = in.read(buf)) > 0) {
                sha.update(buf, 0, n);
                spool.write(buf, 0, n);
            }
            return new SpooledBody(spool.finish(), sha.digest());
        } catch (IOException | RuntimeException e) {
            spool.close();
            throw e;
        }
    }
}
