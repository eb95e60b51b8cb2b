package io.mailhub.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.mailhub.app.ConfigSource;
import io.mailhub.app.InvalidSettingsException;
import io.mailhub.app.MailhubSettings;
import io.mailhub.testing.TestCertificates;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The login and TLS settings of an external broker, and the client they make. */
class BrokerClientTest {

    @TempDir
    Path dir;

    private static MailhubSettings settings(String... keyValues) throws InvalidSettingsException {
        Map<String, String> m = new HashMap<>(Map.of("mailhub.hostname", "mx.example.test"));
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return MailhubSettings.from(new ConfigSource(m, Map.of(), Map.of(), null));
    }

    private static List<String> problems(String... keyValues) {
        InvalidSettingsException e = catchThrowableOfType(InvalidSettingsException.class, () -> settings(keyValues));
        assertThat(e).as("settings should have been refused").isNotNull();
        return e.problems();
    }

    private Path passwordFile(String content) throws Exception {
        return Files.writeString(dir.resolve("broker-password"), content);
    }

    private BrokerClient client(String... keyValues) throws Exception {
        return BrokerClient.of(settings(keyValues).queue, dir.resolve("data"));
    }

    @Test
    void aUserWithoutAPasswordFileIsRefused() {
        assertThat(problems("mailhub.broker.url", "tcp://broker:61616", "mailhub.broker.user", "hub1"))
                .singleElement().asString().startsWith("mailhub.broker.password-file")
                .contains("password of mailhub.broker.user hub1");
    }

    @Test
    void aPasswordFileWithoutAUserIsRefused() throws Exception {
        assertThat(problems("mailhub.broker.url", "tcp://broker:61616", "mailhub.broker.password-file",
                passwordFile("secret\n").toString())).singleElement().asString().startsWith("mailhub.broker.user");
    }

    @Test
    void aPasswordFileWhoseFirstLineIsEmptyIsRefusedNamingTheFile() throws Exception {
        Path file = passwordFile("\nsecret\n");
        assertThat(problems("mailhub.broker.url", "tcp://broker:61616", "mailhub.broker.user", "hub1",
                "mailhub.broker.password-file", file.toString())).singleElement().asString()
                .startsWith("mailhub.broker.password-file").contains(file.toString()).contains("first line");
    }

    @Test
    void aMissingPasswordFileIsRefusedNamingIt() {
        assertThat(problems("mailhub.broker.url", "tcp://broker:61616", "mailhub.broker.user", "hub1",
                "mailhub.broker.password-file", "/nonexistent/broker-password")).singleElement().asString()
                .contains("/nonexistent/broker-password").contains("does not exist");
    }

    @Test
    void loginAndTrustSettingsWithTheEmbeddedBrokerAreRefused() throws Exception {
        assertThat(problems("mailhub.broker.user", "hub1", "mailhub.broker.password-file",
                passwordFile("secret").toString(), "mailhub.broker.ca-file", TestCertificates.get().caPem().toString()))
                .hasSize(3).allSatisfy(p -> assertThat(p).contains("is for an external broker"));
    }

    @Test
    void aCaFileWithoutTlsInTheUrlIsRefused() {
        assertThat(problems("mailhub.broker.url", "tcp://broker:61616", "mailhub.broker.ca-file",
                TestCertificates.get().caPem().toString())).singleElement().asString()
                .startsWith("mailhub.broker.ca-file").contains("?sslEnabled=true");
    }

    @Test
    void aCaFileThatHoldsNoCertificateIsRefusedNamingTheFile() throws Exception {
        Path notPem = Files.writeString(dir.resolve("ca.pem"), "not a certificate\n");
        assertThat(problems("mailhub.broker.url", "tcp://broker:61617?sslEnabled=true", "mailhub.broker.ca-file",
                notPem.toString())).singleElement().asString().startsWith("mailhub.broker.ca-file")
                .contains(notPem.toString());
    }

    @Test
    void aCaFileAndATrustStoreInTheUrlAreRefusedTogether() {
        assertThat(problems("mailhub.broker.url", "tcp://broker:61617?sslEnabled=true&trustStorePath=/etc/t.p12",
                "mailhub.broker.ca-file", TestCertificates.get().caPem().toString())).singleElement().asString()
                .contains("keep one");
    }

    @Test
    void withoutTlsTheUrlIsUsedAsConfigured() throws Exception {
        assertThat(client("mailhub.broker.url", "tcp://broker:61616?ha=true").url())
                .isEqualTo("tcp://broker:61616?ha=true");
    }

    @Test
    void withTlsTheBrokersNameIsCheckedUnlessTheUrlSaysOtherwise() throws Exception {
        assertThat(client("mailhub.broker.url", "tcp://broker:61617?sslEnabled=true").url())
                .isEqualTo("tcp://broker:61617?sslEnabled=true&verifyHost=true");
        assertThat(client("mailhub.broker.url", "(tcp://a:61617,tcp://b:61617)?sslEnabled=true&verifyHost=false")
                .url()).isEqualTo("(tcp://a:61617,tcp://b:61617)?sslEnabled=true&verifyHost=false");
    }

    @Test
    void theCaFileBecomesTheTrustStoreTheArtemisClientReads() throws Exception {
        BrokerClient c = client("mailhub.broker.url", "tcp://broker:61617?sslEnabled=true", "mailhub.broker.ca-file",
                TestCertificates.get().caPem().toString());

        Path store = dir.resolve("data/broker-ca.p12");
        assertThat(c.url()).isEqualTo("tcp://broker:61617?sslEnabled=true&trustStorePath=" + store
                + "&trustStorePassword=mailhub&trustStoreType=PKCS12&verifyHost=true");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            ks.load(in, "mailhub".toCharArray());
        }
        assertThat(((X509Certificate) ks.getCertificate("ca-0")).getSubjectX500Principal().getName())
                .isEqualTo("CN=Mailhub Test CA");
        assertThat(ks.size()).isEqualTo(1);
    }

    @Test
    void theConnectionFactoryLogsInWithTheFirstLineOfThePasswordFileAndNothingShowsThePassword() throws Exception {
        BrokerClient c = client("mailhub.broker.url", "tcp://broker:61616", "mailhub.broker.user", "hub1",
                "mailhub.broker.password-file", passwordFile("s3cret pass\r\nignored\n").toString());

        var cf = c.connectionFactory();
        assertThat(cf.getUser()).isEqualTo("hub1");
        assertThat(cf.getPassword()).isEqualTo("s3cret pass");
        assertThat(c).hasToString("tcp://broker:61616 as hub1");
        assertThat(c.toString() + c.url()).doesNotContain("s3cret");
    }

    @Test
    void withoutAUrlTheHubUsesTheEmbeddedBrokerWithoutALogin() throws Exception {
        BrokerClient c = client();
        assertThat(c.isEmbedded()).isTrue();
        assertThat(c.url()).isEqualTo(EmbeddedBroker.IN_VM_URL);
        assertThat(c.connectionFactory().getUser()).isNull();
    }

    /** A TLS server with the test CA's certificate for localhost and 127.0.0.1, shaking hands with each client. */
    private static javax.net.ssl.SSLServerSocket tlsServer() throws Exception {
        javax.net.ssl.SSLServerSocket server = (javax.net.ssl.SSLServerSocket) TestCertificates.get().caSignedServer()
                .getServerSocketFactory().createServerSocket(0, 5, java.net.InetAddress.getByName("0.0.0.0"));
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try (var socket = (javax.net.ssl.SSLSocket) server.accept()) {
                    socket.startHandshake();
                } catch (Exception e) {
                    // the client refused the certificate, or the server closed
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return server;
    }

    @Test
    void aBrokerCertificateFromTheCaFileForTheUrlsHostIsTrusted() throws Exception {
        try (var server = tlsServer()) {
            BrokerClient c = client("mailhub.broker.url", "tcp://localhost:" + server.getLocalPort()
                    + "?sslEnabled=true", "mailhub.broker.ca-file", TestCertificates.get().caPem().toString());
            assertThat(c.untrustedCertificate()).isNull();
        }
    }

    @Test
    void aBrokerCertificateThatDoesNotLeadToTheCaFileIsNamedAsTheReason() throws Exception {
        try (var server = tlsServer()) {
            BrokerClient c = client("mailhub.broker.url", "tcp://localhost:" + server.getLocalPort()
                    + "?sslEnabled=true", "mailhub.broker.ca-file", TestCertificates.get().selfSignedPem().toString());
            assertThat(c.untrustedCertificate()).startsWith("localhost:" + server.getLocalPort() + ": ")
                    .contains("PKIX path building failed");
        }
    }

    @Test
    void aBrokerCertificateForAnotherNameIsRefusedUnlessTheUrlTurnsTheNameCheckOff() throws Exception {
        try (var server = tlsServer()) {
            String url = "tcp://127.0.0.2:" + server.getLocalPort() + "?sslEnabled=true"; // the certificate: 127.0.0.1
            String ca = TestCertificates.get().caPem().toString();
            assertThat(client("mailhub.broker.url", url, "mailhub.broker.ca-file", ca).untrustedCertificate())
                    .contains("127.0.0.2");
            assertThat(client("mailhub.broker.url", url + "&verifyHost=false", "mailhub.broker.ca-file", ca)
                    .untrustedCertificate()).isNull();
        }
    }

    @Test
    void aBrokerThatIsDownIsNotMistakenForAnUntrustedOne() throws Exception {
        int port;
        try (var s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        assertThat(client("mailhub.broker.url", "tcp://localhost:" + port + "?sslEnabled=true", "mailhub.broker.ca-file",
                TestCertificates.get().caPem().toString()).untrustedCertificate()).isNull();
    }

    @Test
    void theQueuesABrokerLacksAreNamed() throws Exception {
        Path config = dir.resolve("broker.xml");
        String xml = Files.readString(Path.of("artemis/broker.xml"));
        String hold = "<address name=\"mail.hold\"><anycast><queue name=\"mail.hold\"/></anycast></address>";
        assertThat(xml).contains(hold);
        Files.writeString(config, xml.replace(hold, ""));
        EmbeddedBroker broker = new EmbeddedBroker(config.toString(), dir.resolve("data"), false);
        broker.start();
        try (var cf = BrokerClient.embedded().connectionFactory()) {
            assertThat(BrokerClient.embedded().missingQueues(cf, QueueNames.REQUIRED)).containsExactly("mail.hold");
        } finally {
            broker.stop();
        }
    }

    @Test
    void aBrokerThatCannotBeAskedIsNotSaidToLackQueues() throws Exception {
        int port;
        try (var s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        BrokerClient c = client("mailhub.broker.url", "tcp://127.0.0.1:" + port);
        try (var cf = c.connectionFactory()) {
            assertThat(c.missingQueues(cf, QueueNames.REQUIRED)).isEmpty();
        }
    }
}
