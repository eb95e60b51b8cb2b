package io.mailhub.crypto;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Reads a certificate chain and a private key from PEM files, the way Postfix, OpenDKIM and every other mail server
 * keeps them. Errors name the file.
 */
public final class PemFiles {

    private PemFiles() {}

    /** The certificates in {@code file}, the server's own first. */
    public static List<X509Certificate> certificates(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> chain = new ArrayList<>();
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                chain.add((X509Certificate) c);
            }
            if (chain.isEmpty()) {
                throw new IOException(file + ": no PEM certificate (-----BEGIN CERTIFICATE-----) found");
            }
            return chain;
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException("cannot read certificate file " + file + ": no such file", e);
        } catch (CertificateException e) {
            throw new IOException(file + ": not a PEM certificate chain: " + e.getMessage(), e);
        }
    }

    /** The unencrypted private key in {@code file}: PKCS#8, PKCS#1 (RSA) or SEC1 (EC). */
    public static PrivateKey privateKey(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
                PEMParser parser = new PEMParser(reader)) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (o instanceof PEMKeyPair pair) {
                    return converter.getKeyPair(pair).getPrivate();
                }
            }
            throw new IOException(file + ": no unencrypted PEM private key found (encrypted keys are not"
                    + " supported: the hub must start unattended)");
        } catch (PEMException e) {
            throw new IOException(file + ": not a usable PEM private key: " + e.getMessage(), e);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException("cannot read key file " + file + ": no such file", e);
        }
    }
}
