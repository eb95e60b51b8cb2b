package io.mailhub.ingress.tls;

import io.mailhub.crypto.PemFiles;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of TLS for every listener (STARTTLS on 25/587, implicit TLS on 465, RFC 8314). Offers TLS 1.3 and
 * 1.2 only, and among 1.2 suites only forward-secret AEAD ones (ECDHE with AES-GCM or ChaCha20-Poly1305), in the
 * server's order.
 *
 * <p>The certificate and key files are checked for changes at most once per {@link #RECHECK_NANOS} when a connection
 * starts TLS; a changed pair is loaded for the next handshakes (a renewed certificate needs no restart). A pair that
 * fails to load is logged with the file and the reason, and the previous one stays in use.
 */
public final class ServerTls {

    private static final Logger LOG = LoggerFactory.getLogger(ServerTls.class);
    static final long RECHECK_NANOS = 1_000_000_000L;
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private record Loaded(SSLContext context, String[] cipherSuites, FileTime certTime, FileTime keyTime, String subject) {}

    private final Path certFile;
    private final Path keyFile;
    private volatile Loaded loaded;
    private volatile long checkedAt;

    private ServerTls(Path certFile, Path keyFile) throws TlsConfigException {
        this.certFile = certFile;
        this.keyFile = keyFile;
        this.loaded = load();
        this.checkedAt = System.nanoTime();
    }

    /** TLS with the operator's certificate chain and key (PEM). Fails with a message naming the file at fault. */
    public static ServerTls fromPem(Path certFile, Path keyFile) throws TlsConfigException {
        return new ServerTls(certFile, keyFile);
    }

    /**
     * TLS with the self-signed pair in {@code directory}, made first if it is not there yet (with a warning, as
     * verifying clients will not trust it).
     */
    public static ServerTls selfSigned(Path directory, String hostname) throws TlsConfigException {
        if (SelfSignedCertificate.ensure(directory, hostname)) {
            LOG.warn("no TLS certificate configured (mailhub.tls.cert, mailhub.tls.key): made a self-signed one for {}"
                    + " in {}; clients that verify certificates will not trust it", hostname, directory);
        } else {
            LOG.warn("no TLS certificate configured: using the self-signed one in {}", directory);
        }
        return new ServerTls(directory.resolve(SelfSignedCertificate.CERT_FILE),
                directory.resolve(SelfSignedCertificate.KEY_FILE));
    }

    /**
     * Turns a connected plain socket into a server-side TLS socket over it (STARTTLS, or an implicit-TLS listener)
     * and runs the handshake. Octets the caller already read from {@code plain} are not seen by TLS: a caller that
     * buffered input must drop it (that is the STARTTLS injection defence).
     */
    public SSLSocket handshake(Socket plain) throws IOException {
        reloadIfChanged();
        Loaded l = loaded;
        SSLSocket tls = (SSLSocket) l.context().getSocketFactory()
                .createSocket(plain, plain.getInetAddress().getHostAddress(), plain.getPort(), true);
        tls.setUseClientMode(false);
        tls.setEnabledProtocols(PROTOCOLS);
        tls.setEnabledCipherSuites(l.cipherSuites());
        var params = tls.getSSLParameters();
        params.setUseCipherSuitesOrder(true);
        tls.setSSLParameters(params);
        tls.startHandshake();
        return tls;
    }

    /**
     * The SSL context of the pair in use (loaded again first if the files changed), with the protocols and suites of
     * {@link #protocols()} and {@link #cipherSuites()}: for listeners that do their own handshakes (HTTPS).
     */
    public SSLContext context() {
        reloadIfChanged();
        return loaded.context();
    }

    /** The TLS versions every listener allows. */
    public String[] protocols() {
        return PROTOCOLS.clone();
    }

    /** The cipher suites every listener allows, in our order of preference. */
    public String[] cipherSuites() {
        return loaded.cipherSuites().clone();
    }

    /**
     * Writes the pair in use (loaded again first if the files changed) as a PKCS#12 key store, for a server that takes
     * only key store files (the embedded broker's TLS acceptor). The file is readable by its owner only.
     */
    public void writeKeyStore(Path file, char[] password) throws TlsConfigException {
        reloadIfChanged();
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", PemFiles.privateKey(keyFile), password,
                    PemFiles.certificates(certFile).toArray(new X509Certificate[0]));
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            try (var out = Files.newOutputStream(tmp)) {
                store.store(out, password);
            }
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (GeneralSecurityException | IOException e) {
            throw new TlsConfigException("cannot write the key store " + file + " from " + certFile + " and " + keyFile
                    + ": " + e, e);
        }
    }

    /** The subject of the certificate in use, for logs and health output. */
    public String subject() {
        return loaded.subject();
    }

    /** Loads the files again if either changed since the last load; keeps the current pair if the new one is bad. */
    void reloadIfChanged() {
        long now = System.nanoTime();
        if (now - checkedAt < RECHECK_NANOS) {
            return;
        }
        checkedAt = now;
        Loaded current = loaded;
        try {
            if (current.certTime().equals(modified(certFile)) && current.keyTime().equals(modified(keyFile))) {
                return;
            }
        } catch (IOException e) {
            LOG.error("cannot check TLS files {} and {}: {}; keeping the loaded certificate", certFile, keyFile,
                    e.toString());
            return;
        }
        synchronized (this) {
            try {
                Loaded fresh = load();
                loaded = fresh;
                LOG.info("TLS certificate reloaded from {}: {}", certFile, fresh.subject());
            } catch (TlsConfigException e) {
                LOG.error("TLS certificate not reloaded, keeping the previous one: {}", e.getMessage());
            }
        }
    }

    private Loaded load() throws TlsConfigException {
        FileTime certTime;
        FileTime keyTime;
        try {
            certTime = modified(certFile);
            keyTime = modified(keyFile);
        } catch (IOException e) {
            throw new TlsConfigException("cannot read TLS file: " + e.getMessage(), e);
        }
        List<X509Certificate> chain;
        PrivateKey key;
        try {
            chain = PemFiles.certificates(certFile);
            key = PemFiles.privateKey(keyFile);
        } catch (IOException e) {
            throw new TlsConfigException(e.getMessage(), e);
        }
        if (!matches(chain.get(0), key)) {
            throw new TlsConfigException(keyFile + " does not hold the private key of the first certificate in "
                    + certFile);
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            char[] none = new char[0];
            store.setKeyEntry("server", key, none, chain.toArray(new X509Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, none);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            String[] suites = modernSuites(context.getSupportedSSLParameters().getCipherSuites());
            return new Loaded(context, suites, certTime, keyTime, chain.get(0).getSubjectX500Principal().getName());
        } catch (GeneralSecurityException | IOException e) {
            throw new TlsConfigException("cannot use " + certFile + " and " + keyFile + ": " + e, e);
        }
    }

    /** TLS 1.3 suites and the TLS 1.2 ECDHE suites with AES-GCM or ChaCha20-Poly1305, strongest first. */
    static String[] modernSuites(String[] supported) {
        return Arrays.stream(supported)
                .filter(s -> s.startsWith("TLS_AES_") || s.startsWith("TLS_CHACHA20_")
                        || (s.startsWith("TLS_ECDHE_") && (s.contains("_GCM_") || s.contains("_CHACHA20_"))))
                .sorted((a, b) -> Integer.compare(rank(a), rank(b)))
                .toArray(String[]::new);
    }

    private static int rank(String suite) {
        int tls13 = suite.startsWith("TLS_ECDHE_") ? 10 : 0;
        int cipher = suite.contains("AES_256_GCM") ? 0 : suite.contains("CHACHA20") ? 1 : 2;
        int ecdsa = suite.contains("_ECDSA_") ? 0 : 3;
        return tls13 + ecdsa + cipher;
    }

    private static boolean matches(X509Certificate cert, PrivateKey key) {
        try {
            String algorithm = switch (key.getAlgorithm()) {
                case "RSA" -> "SHA256withRSA";
                case "EC" -> "SHA256withECDSA";
                case "Ed25519", "EdDSA" -> "Ed25519";
                default -> null;
            };
            if (algorithm == null) {
                return true; // cannot test other key types here; the handshake will
            }
            byte[] probe = "mailhub key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            java.security.Signature signer = java.security.Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            java.security.Signature verifier = java.security.Signature.getInstance(algorithm);
            verifier.initVerify(cert.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static FileTime modified(Path file) throws IOException {
        return Files.getLastModifiedTime(file);
    }
}
