package io.mailhub.relay;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The client side of STARTTLS (RFC 3207): the TLS contexts, made once and shared by every connection so that TLS
 * sessions can be resumed. One context accepts any certificate (policies {@code may} and {@code encrypt}); the other
 * checks the chain against the trust anchors and the host name (policy {@code verify}).
 *
 * <p>The trust anchors are the JDK's (its {@code cacerts}, or the store named by {@code javax.net.ssl.trustStore}), or
 * exactly the certificates of a PEM file, which then replace the JDK's, as Postfix's {@code smtp_tls_CAfile} does with
 * {@code tls_append_default_CA = no}. The host name check is the JDK's {@code HTTPS} endpoint identification (RFC 2818,
 * which RFC 6125 generalises): a DNS subjectAltName equal to the host, or a wildcard covering exactly its first label;
 * the common name only when the certificate has no DNS subjectAltName; an IP subjectAltName for an address literal.
 */
public final class TlsClient {

    /** How far the server's certificate was checked; the word Postfix puts before "TLS connection established". */
    enum Trust {
        /** Chain not trusted, or not checked. */
        UNTRUSTED("Untrusted"),
        /** Chain leads to a trust anchor; the host name was not checked. */
        TRUSTED("Trusted"),
        /** Chain and host name checked. */
        VERIFIED("Verified");

        final String word;

        Trust(String word) {
            this.word = word;
        }
    }

    private static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private final SSLContext anyCertificate;
    private final SSLContext verifying;
    private final X509TrustManager anchors;

    private TlsClient(X509TrustManager anchors) throws GeneralSecurityException {
        this.anchors = anchors;
        this.anyCertificate = SSLContext.getInstance("TLS");
        this.anyCertificate.init(null, new TrustManager[] {new AnyCertificate()}, null);
        this.verifying = SSLContext.getInstance("TLS");
        this.verifying.init(null, new TrustManager[] {anchors}, null);
    }

    /** Trusts what the JDK trusts. */
    public static TlsClient withDefaultTrust() {
        try {
            return new TlsClient(trustManager(null));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK's TLS setup is unusable: " + e.getMessage(), e);
        }
    }

    /** Trusts exactly the CA certificates in this PEM file (one or more {@code BEGIN CERTIFICATE} blocks). */
    public static TlsClient withTrustAnchors(Path pemFile) throws IOException, GeneralSecurityException {
        Collection<? extends Certificate> certs;
        try (InputStream in = Files.newInputStream(pemFile)) {
            certs = java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in);
        } catch (CertificateException e) {
            throw new CertificateException("cannot read the CA certificates in " + pemFile + ": " + e.getMessage(), e);
        }
        if (certs.isEmpty()) {
            throw new CertificateException(pemFile + " holds no certificate");
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        int i = 0;
        for (Certificate c : certs) {
            store.setCertificateEntry("ca-" + i++, c);
        }
        return withTrustStore(store);
    }

    /** Trusts the certificate entries of this key store. */
    public static TlsClient withTrustStore(KeyStore store) throws GeneralSecurityException {
        return new TlsClient(trustManager(store));
    }

    private static X509TrustManager trustManager(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        return Arrays.stream(tmf.getTrustManagers()).filter(X509TrustManager.class::isInstance)
                .map(X509TrustManager.class::cast).findFirst()
                .orElseThrow(() -> new GeneralSecurityException("no X.509 trust manager"));
    }

    /**
     * Runs the TLS handshake over a connected socket on which the server has just answered 220 to STARTTLS. The
     * returned socket closes {@code plain} when closed. Reads are bounded by {@code plain}'s timeout.
     *
     * @param host the name the certificate must carry under {@link TlsPolicy#VERIFY}; also sent as SNI when it is a
     *     DNS name
     * @throws IOException when the handshake fails, including a certificate that does not pass {@code VERIFY}
     */
    SSLSocket handshake(Socket plain, String host, TlsPolicy policy) throws IOException {
        String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        SSLContext context = policy == TlsPolicy.VERIFY ? verifying : anyCertificate;
        SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(plain, name, plain.getPort(), true);
        try {
            SSLParameters params = ssl.getSSLParameters();
            params.setProtocols(PROTOCOLS.stream().filter(List.of(ssl.getSupportedProtocols())::contains)
                    .toArray(String[]::new));
            if (!isAddressLiteral(name)) {
                try {
                    params.setServerNames(List.of(new SNIHostName(name)));
                } catch (IllegalArgumentException e) {
                    // not a valid DNS name for SNI (e.g. an underscore); the handshake goes without SNI
                }
            }
            params.setEndpointIdentificationAlgorithm(policy == TlsPolicy.VERIFY ? "HTTPS" : null);
            ssl.setSSLParameters(params);
            ssl.startHandshake();
            return ssl;
        } catch (IOException | RuntimeException e) {
            ssl.close();
            throw e;
        }
    }

    /**
     * The TLS handshake for a connection that must be authenticated (an MTA-STS policy host): the chain and the host
     * name are checked as under {@link TlsPolicy#VERIFY}. Closes {@code plain} when it fails.
     */
    public SSLSocket verified(Socket plain, String host) throws IOException {
        return handshake(plain, host, TlsPolicy.VERIFY);
    }

    /** Why a handshake failed, in words for logs and reports. */
    public static String describe(IOException e) {
        return reason(e);
    }

    /** How far the certificate of an established session is trusted (the chain is checked again for the log). */
    Trust trust(SSLSession session, TlsPolicy policy) {
        if (policy == TlsPolicy.VERIFY) {
            return Trust.VERIFIED;
        }
        try {
            Certificate[] chain = session.getPeerCertificates();
            X509Certificate[] x509 = Arrays.copyOf(chain, chain.length, X509Certificate[].class);
            anchors.checkServerTrusted(x509, authType(session.getCipherSuite()));
            return Trust.TRUSTED;
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            return Trust.UNTRUSTED;
        }
    }

    /** Why a handshake failed, in words for the delivery report. */
    static String reason(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertificateException) {
                return "server certificate not verified: " + t.getMessage();
            }
        }
        return "TLS handshake failed: " + e.getMessage();
    }

    private static String authType(String cipherSuite) {
        int with = cipherSuite.indexOf("_WITH_");
        return cipherSuite.startsWith("TLS_") && with > 4 ? cipherSuite.substring(4, with) : "UNKNOWN";
    }

    private static boolean isAddressLiteral(String host) {
        return host.indexOf(':') >= 0 || host.chars().allMatch(ch -> ch == '.' || (ch >= '0' && ch <= '9'));
    }

    /** Accepts every certificate: encryption without authentication, for {@code may} and {@code encrypt}. */
    private static final class AnyCertificate extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
