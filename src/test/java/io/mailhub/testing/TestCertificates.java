package io.mailhub.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * Throw-away TLS material for tests, made once per JVM with the JDK's {@code keytool} in a temporary folder: a test
 * CA, a server certificate it signed, and a self-signed server certificate. Both server certificates are for
 * {@code DNS:localhost} and {@code IP:127.0.0.1}. Nothing here is a secret: the keys live only as long as the folder.
 */
public final class TestCertificates {

    private static final String PASSWORD = "test-only";
    private static TestCertificates instance;

    private final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    /** The material, generated on first use (about two seconds of keytool). */
    public static synchronized TestCertificates get() {
        if (instance == null) {
            try {
                Path dir = Files.createTempDirectory("mailhub-tls-");
                generate(dir);
                instance = new TestCertificates(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return instance;
    }

    private static void generate(Path dir) throws IOException, InterruptedException {
        String ext = "SAN=DNS:localhost,IP:127.0.0.1";
        keytool(dir, "-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=Mailhub Test CA", "-ext", "bc:c", "-validity", "30", "-keystore", "ca.p12");
        keytool(dir, "-exportcert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-file", "ca.pem");
        keytool(dir, "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=localhost", "-validity", "30", "-keystore", "server.p12");
        keytool(dir, "-certreq", "-alias", "server", "-keystore", "server.p12", "-file", "server.csr");
        keytool(dir, "-gencert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-infile", "server.csr", "-outfile",
                "server.pem", "-ext", ext, "-ext", "EKU=serverAuth", "-validity", "30");
        keytool(dir, "-importcert", "-noprompt", "-alias", "ca", "-file", "ca.pem", "-keystore", "server.p12");
        keytool(dir, "-importcert", "-alias", "server", "-file", "server.pem", "-keystore", "server.p12");
        keytool(dir, "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=localhost", "-ext", ext, "-validity", "30", "-keystore", "selfsigned.p12");
        keytool(dir, "-exportcert", "-rfc", "-alias", "server", "-keystore", "selfsigned.p12", "-file",
                "selfsigned.pem");
    }

    private static void keytool(Path dir, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("keytool " + String.join(" ", args) + " failed: " + output);
        }
    }

    /** The test CA's certificate as PEM: the trust anchor for {@code verify}. */
    public Path caPem() {
        return dir.resolve("ca.pem");
    }

    /** The self-signed server certificate as PEM: a trust anchor that the CA-signed server does not lead to. */
    public Path selfSignedPem() {
        return dir.resolve("selfsigned.pem");
    }

    /** The CA-signed server's key and chain as a PKCS#12 key store (password {@link #storePassword()}). */
    public Path caSignedServerKeyStore() {
        return dir.resolve("server.p12");
    }

    /** The password of the key stores here. */
    public String storePassword() {
        return PASSWORD;
    }

    /** A server context whose certificate chain leads to the test CA. */
    public SSLContext caSignedServer() {
        return serverContext("server.p12");
    }

    /**
     * A server context whose certificate, signed by the test CA, names {@code host} (made on first use with keytool,
     * about a second).
     */
    public synchronized SSLContext caSignedServerFor(String host) {
        String store = "server-" + host + ".p12";
        if (!Files.exists(dir.resolve(store))) {
            try {
                keytool(dir, "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                        "CN=" + host, "-validity", "30", "-keystore", store);
                keytool(dir, "-certreq", "-alias", "server", "-keystore", store, "-file", host + ".csr");
                keytool(dir, "-gencert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-infile", host + ".csr",
                        "-outfile", host + ".pem", "-ext", "SAN=DNS:" + host, "-ext", "EKU=serverAuth", "-validity", "30");
                keytool(dir, "-importcert", "-noprompt", "-alias", "ca", "-file", "ca.pem", "-keystore", store);
                keytool(dir, "-importcert", "-alias", "server", "-file", host + ".pem", "-keystore", store);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        return serverContext(store);
    }

    /** A server context with a self-signed certificate. */
    public SSLContext selfSignedServer() {
        return serverContext("selfsigned.p12");
    }

    /**
     * Writes the CA-signed server's private key (PKCS#8) and certificate chain into one PEM file, in the order
     * Postfix's {@code smtpd_tls_chain_files} wants them, readable only by its owner.
     */
    public Path writeCaSignedServerPem(Path file) throws IOException, GeneralSecurityException {
        KeyStore ks = load("server.p12");
        StringBuilder pem = new StringBuilder();
        pem.append(pem("PRIVATE KEY", ks.getKey("server", PASSWORD.toCharArray()).getEncoded()));
        for (Certificate c : ks.getCertificateChain("server")) {
            pem.append(pem("CERTIFICATE", c.getEncoded()));
        }
        Files.writeString(file, pem, StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private static String pem(String type, byte[] der) {
        String b64 = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + b64 + "\n-----END " + type + "-----\n";
    }

    private KeyStore load(String store) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve(store))) {
            ks.load(in, PASSWORD.toCharArray());
        }
        return ks;
    }

    private SSLContext serverContext(String store) {
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(load(store), PASSWORD.toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
