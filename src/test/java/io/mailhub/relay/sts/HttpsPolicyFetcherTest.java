package io.mailhub.relay.sts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailhub.relay.TlsClient;
import io.mailhub.relay.dns.DnsLookups;
import io.mailhub.testing.TestCertificates;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The policy host's answer as RFC 8461 section 3.3 wants it: 200, text/plain, bounded, no redirect; and a server whose
 * certificate does not name {@code mta-sts.DOMAIN} is not asked. (The whole fetch from a real HTTPS server, openssl's
 * s_server, is in TlsDeliveryIT.)
 */
class HttpsPolicyFetcherTest {

    private static String read(String response) throws IOException {
        return HttpsPolicyFetcher.response("mta-sts.a.test",
                new ByteArrayInputStream(response.getBytes(StandardCharsets.ISO_8859_1)));
    }

    @Test
    void aBodyOfTextPlainIsReadByLengthByChunksOrToTheEnd() throws Exception {
        assertThat(read("HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 5\r\n\r\nhelloXX"))
                .isEqualTo("hello");
        assertThat(read("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3\r\nhel\r\n2;ext=1\r\nlo\r\n0\r\n\r\n")).isEqualTo("hello");
        assertThat(read("HTTP/1.0 200 ok\r\nContent-type: text/plain\r\n\r\nversion: STSv1\n")).isEqualTo("version: STSv1\n");
    }

    @Test
    void anotherStatusARedirectAnotherMediaTypeOrTooMuchIsNoPolicy() {
        assertThatThrownBy(() -> read("HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\n\r\n"))
                .hasMessage("https://mta-sts.a.test/.well-known/mta-sts.txt answered 404 Not Found");
        assertThatThrownBy(() -> read("HTTP/1.1 301 Moved\r\nLocation: https://elsewhere.test/\r\n\r\n"))
                .hasMessageContaining("answered 301 Moved");
        assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html>"))
                .hasMessageContaining("is text/html, not text/plain");
        assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 70000\r\n\r\n"))
                .hasMessageContaining("larger than 65536 bytes");
        assertThatThrownBy(() -> read("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n" + "x".repeat(70_000)))
                .hasMessageContaining("larger than 65536 bytes");
        assertThatThrownBy(() -> read("SSH-2.0-OpenSSH\r\n")).hasMessageContaining("not HTTP");
    }

    /** A TLS server on loopback with a certificate for {@code mta-sts.a.test}; each connection gets {@code answer}. */
    private static javax.net.ssl.SSLServerSocket policyHost(java.util.function.Consumer<java.net.Socket> answer)
            throws Exception {
        javax.net.ssl.SSLServerSocket server = (javax.net.ssl.SSLServerSocket) TestCertificates.get()
                .caSignedServerFor("mta-sts.a.test").getServerSocketFactory()
                .createServerSocket(0, 5, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try (java.net.Socket s = server.accept()) {
                    answer.accept(s);
                } catch (IOException e) {
                    // closed
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return server;
    }

    private static final DnsLookups LOOPBACK = new DnsLookups() {
        @Override
        public Txt txt(String name) {
            return new Txt.None();
        }

        @Override
        public List<InetAddress> addresses(String host) {
            return List.of(InetAddress.getLoopbackAddress());
        }
    };

    @Test
    void thePolicyIsFetchedFromTheHostNamedMtaStsDotDomainWithACertificateForThatName() throws Exception {
        List<String> requests = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (javax.net.ssl.SSLServerSocket server = policyHost(s -> {
            try {
                java.io.BufferedReader r = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(),
                        StandardCharsets.US_ASCII));
                StringBuilder head = new StringBuilder();
                for (String l = r.readLine(); l != null && !l.isEmpty(); l = r.readLine()) {
                    head.append(l).append('\n');
                }
                requests.add(head.toString());
                s.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 14\r\n\r\n"
                        + "version: STSv1").getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        })) {
            HttpsPolicyFetcher fetcher = new HttpsPolicyFetcher(LOOPBACK,
                    TlsClient.withTrustAnchors(TestCertificates.get().caPem()), server.getLocalPort(), Duration.ofSeconds(5));

            assertThat(fetcher.fetch("a.test")).isEqualTo("version: STSv1");
        }
        assertThat(requests).singleElement().satisfies(r -> assertThat(r)
                .startsWith("GET /.well-known/mta-sts.txt HTTP/1.1\n").contains("Host: mta-sts.a.test\n"));
    }

    @Test
    void aServerThatDripsItsAnswerIsGivenUpAfterThreeTimesTheTimeout() throws Exception {
        try (javax.net.ssl.SSLServerSocket server = policyHost(s -> {
            try {
                s.getOutputStream().write("HTTP/1.1 200 OK\r\n".getBytes(StandardCharsets.US_ASCII));
                for (int i = 0; i < 100 && !s.isClosed(); i++) {
                    s.getOutputStream().write("X-Drip: x\r\n".getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().flush();
                    Thread.sleep(200); // each line well within the timeout, the whole far beyond it
                }
            } catch (IOException | InterruptedException e) {
                // the client gave up
            }
        })) {
            HttpsPolicyFetcher fetcher = new HttpsPolicyFetcher(LOOPBACK,
                    TlsClient.withTrustAnchors(TestCertificates.get().caPem()), server.getLocalPort(), Duration.ofSeconds(1));

            long start = System.nanoTime();
            assertThatThrownBy(() -> fetcher.fetch("a.test")).hasMessageContaining("no whole answer within 3 s");
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(10_000);
        }
    }

    @Test
    void aServerWhoseCertificateDoesNotNameThePolicyHostIsNotAsked() throws Exception {
        TestCertificates certs = TestCertificates.get(); // the server's certificate names localhost only
        javax.net.ssl.SSLServerSocket server = (javax.net.ssl.SSLServerSocket) certs.caSignedServer()
                .getServerSocketFactory().createServerSocket(0, 5, InetAddress.getLoopbackAddress());
        List<String> requests = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread t = new Thread(() -> {
            try (var s = server.accept()) {
                requests.add(new String(s.getInputStream().readNBytes(10), StandardCharsets.US_ASCII));
            } catch (IOException e) {
                // the client gives up during the handshake
            }
        });
        t.start();
        HttpsPolicyFetcher fetcher = new HttpsPolicyFetcher(LOOPBACK, TlsClient.withTrustAnchors(certs.caPem()),
                server.getLocalPort(), Duration.ofSeconds(5));
        try {
            assertThatThrownBy(() -> fetcher.fetch("a.test"))
                    .hasMessageContaining("https://mta-sts.a.test/.well-known/mta-sts.txt: server certificate not verified");
        } finally {
            server.close();
            t.join(5000);
        }
        assertThat(requests).as("no request was sent").isEmpty();
    }
}
