package io.mailhub.ingress.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerTlsTest {

    @TempDir
    Path dir;

    @Test
    void withoutACertificateASelfSignedOneIsMadeOnceAndReused() throws Exception {
        Path tls = dir.resolve("tls");
        ServerTls first = ServerTls.selfSigned(tls, "mx.example.test");
        byte[] cert = Files.readAllBytes(tls.resolve(SelfSignedCertificate.CERT_FILE));

        ServerTls second = ServerTls.selfSigned(tls, "mx.example.test");

        assertThat(first.subject()).isEqualTo("CN=mx.example.test");
        assertThat(Files.readAllBytes(tls.resolve(SelfSignedCertificate.CERT_FILE))).isEqualTo(cert);
        assertThat(second.subject()).isEqualTo("CN=mx.example.test");
        assertThat(Files.getPosixFilePermissions(tls.resolve(SelfSignedCertificate.KEY_FILE)))
                .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    }

    @Test
    void aRenewedCertificateIsPickedUpAndABrokenOneKeepsThePrevious() throws Exception {
        SelfSignedCertificate.ensure(dir.resolve("a"), "old.example.test");
        SelfSignedCertificate.ensure(dir.resolve("b"), "new.example.test");
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Files.copy(dir.resolve("a").resolve(SelfSignedCertificate.CERT_FILE), cert);
        Files.copy(dir.resolve("a").resolve(SelfSignedCertificate.KEY_FILE), key);
        ServerTls tls = ServerTls.fromPem(cert, key);
        assertThat(tls.subject()).isEqualTo("CN=old.example.test");

        Files.writeString(cert, "garbage");
        touch(cert, 10);
        forceRecheck(tls);
        assertThat(tls.subject()).isEqualTo("CN=old.example.test");

        Files.copy(dir.resolve("b").resolve(SelfSignedCertificate.CERT_FILE), cert,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(dir.resolve("b").resolve(SelfSignedCertificate.KEY_FILE), key,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        touch(cert, 20);
        forceRecheck(tls);
        assertThat(tls.subject()).isEqualTo("CN=new.example.test");
    }

    @Test
    void aKeyThatDoesNotBelongToTheCertificateIsNamedInTheError() throws Exception {
        SelfSignedCertificate.ensure(dir.resolve("a"), "a.example.test");
        SelfSignedCertificate.ensure(dir.resolve("b"), "b.example.test");
        Path cert = dir.resolve("a").resolve(SelfSignedCertificate.CERT_FILE);
        Path otherKey = dir.resolve("b").resolve(SelfSignedCertificate.KEY_FILE);

        assertThatThrownBy(() -> ServerTls.fromPem(cert, otherKey)).isInstanceOf(TlsConfigException.class)
                .hasMessage(otherKey + " does not hold the private key of the first certificate in " + cert);
    }

    @Test
    void filesThatAreNotPemAreNamedInTheError() throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.pem"), "not a certificate\n");
        Path key = dir.resolve("a").resolve(SelfSignedCertificate.KEY_FILE);
        SelfSignedCertificate.ensure(dir.resolve("a"), "a.example.test");

        assertThatThrownBy(() -> ServerTls.fromPem(junk, key)).hasMessageStartingWith(junk.toString());
        assertThatThrownBy(() -> ServerTls.fromPem(dir.resolve("a").resolve(SelfSignedCertificate.CERT_FILE), junk))
                .hasMessageStartingWith(junk + ": no unencrypted PEM private key found");
    }

    @Test
    void onlyForwardSecretAeadSuitesAreOfferedStrongestFirst() {
        String[] offered = ServerTls.modernSuites(new String[] {
            "TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_EMPTY_RENEGOTIATION_INFO_SCSV"});

        assertThat(offered).containsExactly("TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256",
                "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
                "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
    }

    private static void touch(Path file, int seconds) throws Exception {
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(seconds)));
    }

    private static void forceRecheck(ServerTls tls) throws Exception {
        var checked = ServerTls.class.getDeclaredField("checkedAt");
        checked.setAccessible(true);
        checked.setLong(tls, System.nanoTime() - 2 * ServerTls.RECHECK_NANOS);
        tls.reloadIfChanged();
    }
}
