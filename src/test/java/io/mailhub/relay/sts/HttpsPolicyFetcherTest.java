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
        DnsLookups dns = new DnsLookups() {
            @Override
            public Txt txt(String name) {
                return new Txt.None();
            }

            @Override
            public List<InetAddress> addresses(String host) {
                return List.of(InetAddress.getLoopbackAddress());
            }
        };
        HttpsPolicyFetcher fetcher = new HttpsPolicyFetcher(dns, TlsClient.withTrustAnchors(certs.caPem()),
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
