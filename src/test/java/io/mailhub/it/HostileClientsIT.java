package io.mailhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Clients that try to hold sessions: too many at once from one address, never reading, sending a byte now and then,
 * or stopping in the middle of a line; on the HTTP port too. The packaged hub with 3 s idle timeouts, loopback
 * untrusted.
 */
class HostileClientsIT {

    private static SmtpSink sink;
    private static HubProcess hub;

    @BeforeAll
    static void start() throws Exception {
        sink = SmtpSink.onFreePort().start();
        hub = new HubProcess(HubProcess.itDir("hostile"))
                .set("mailhub.relay.smarthost", "127.0.0.1:" + sink.port)
                .set("mailhub.relay.trusted-networks", "192.0.2.0/24") // loopback clients are strangers here
                .set("mailhub.local-domains", "hub.test")
                .set("mailhub.smtp.max-connections", "20")
                .set("mailhub.limits.connections-per-client", "4")
                .set("mailhub.limits.connections-per-minute", "0")
                .set("mailhub.smtp.idle-timeout", "3s")
                .set("mailhub.http.connections-per-client", "3")
                .set("mailhub.http.idle-timeout", "3s")
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        hub.close();
        sink.close();
    }

    private static Socket connect(String from) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), hub.smtpPort), 5000);
        s.setSoTimeout(10_000);
        return s;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    @Test
    void oneAddressCannotTakeEverySessionOthersStillGetIn() throws Exception {
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                Socket s = connect("127.0.0.1");
                held.add(s);
                assertThat(line(s.getInputStream())).startsWith("220 ");
            }
            try (Socket fifth = connect("127.0.0.1")) {
                assertThat(line(fifth.getInputStream()))
                        .isEqualTo("421 4.7.0 hub.test Error: too many connections from [127.0.0.1]");
            }
            try (Socket other = connect("127.0.0.2")) {
                assertThat(line(other.getInputStream())).startsWith("220 hub.test ESMTP");
            }
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            try (Socket again = connect("127.0.0.1")) {
                assertThat(line(again.getInputStream())).as("slots are given back when sessions end").startsWith("220 ");
            }
        });
    }

    @Test
    void aClientThatNeverReadsLosesItsSessionAfterTheTimeout() throws Exception {
        try (Socket s = connect("127.0.0.3")) {
            s.setReceiveBufferSize(4096);
            OutputStream out = s.getOutputStream();
            byte[] noops = "NOOP\r\n".repeat(4 * 1024 * 1024 / 6).getBytes(StandardCharsets.US_ASCII);
            CompletableFuture<Throwable> writer = CompletableFuture.supplyAsync(() -> {
                try {
                    out.write(noops); // 4 MB of pipelined NOOPs, never reading a reply
                    return null;
                } catch (IOException e) {
                    return e;
                }
            });
            long started = System.nanoTime();
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> hub.log().contains("timeout sending to [127.0.0.3]"));
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
            writer.get(); // the 4 MB may all have fitted into the socket buffers; either way the session is gone:
            s.setSoTimeout(10_000);
            assertThat(readsToTheEnd(s.getInputStream())).as("the hub closed the connection").isTrue();
        }
    }

    /** Reads what the hub sent until the connection ends: true at end of stream or reset, false on a timeout. */
    private static boolean readsToTheEnd(InputStream in) throws IOException {
        byte[] buf = new byte[65536];
        try {
            while (in.read(buf) >= 0) {
                // the replies the client never read
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (java.net.SocketException reset) {
            return true;
        }
    }

    @Test
    void oneAddressCannotHoldEveryHttpConnectionCurlFromAnotherStillGetsIn() throws Exception {
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) { // idle connections, never a request
                Socket s = new Socket();
                s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.8"), 0));
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), hub.httpPort), 5000);
                held.add(s);
            }
            // the hub counts a connection when its selector opens it, a moment after the accept: ask until it has
            Curl.Response[] refusal = {null};
            await().atMost(Duration.ofSeconds(5)).until(() -> {
                refusal[0] = Curl.request("GET", hub.url("/observe/health/live")).option("--interface", "127.0.0.8").send();
                return refusal[0].status() == 429;
            });
            assertThat(refusal[0].status()).isEqualTo(429);
            assertThat(refusal[0].header("Retry-After")).isEqualTo("5");
            assertThat(refusal[0].header("Content-Type")).isEqualTo("application/problem+json");
            assertThat(refusal[0].body()).contains("\"type\":\"/problems/too-many-connections\"")
                    .contains("\"enhanced_status\":\"4.7.0\"");

            Curl.Response other = Curl.request("GET", hub.url("/observe/health/live"))
                    .option("--interface", "127.0.0.9").send();
            assertThat(other.status()).isEqualTo(200);
            assertThat(hub.log()).contains("refused HTTP connection from [127.0.0.8]: 3 connections from this address"
                    + " already open, answered 429");
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    void anHttpRequestHeaderSentAByteEverySecondIsCutOffAtItsDeadline() throws Exception {
        try (Socket s = httpFrom("127.0.0.11")) {
            s.getOutputStream().write("POST /api/v1/messages HTTP/1.1\r\nHost: hub.test\r\nX-Slow: "
                    .getBytes(StandardCharsets.US_ASCII));

            // a byte a second, within the 3 s idle timeout
            assertThat(sendEverySecondUntilClosed(s, "x")).as("cut off by the 3 s deadline")
                    .isLessThan(Duration.ofSeconds(10));
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(hub.log())
                    .contains("closed HTTP connection from [127.0.0.11]: no complete request within 3 s of waiting"));
        }
    }

    @Test
    void aPostmarkTestRequestWhoseBodyComesSlowerThanTheMinimumDataRateIsCutOff() throws Exception {
        try (Socket s = httpFrom("127.0.0.12")) { // the test token needs no key, so its body is read from anyone
            s.getOutputStream().write(("POST /email HTTP/1.1\r\nHost: hub.test\r\n"
                    + "X-Postmark-Server-Token: POSTMARK_API_TEST\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 5000\r\n\r\n{\"From\": \"").getBytes(StandardCharsets.US_ASCII));

            // 10 octets a second; the minimum is 500 after the 3 s idle timeout
            assertThat(sendEverySecondUntilClosed(s, "aaaaaaaaaa")).as("cut off near the 3 s idle timeout")
                    .isLessThan(Duration.ofSeconds(10));
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(hub.log())
                    .contains("closed HTTP connection from [127.0.0.12]: request body too slow"));
        }
    }

    /** A connection to the hub's HTTP port from {@code address}, whose reads wait a second at most. */
    private static Socket httpFrom(String address) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName(address), 0));
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), hub.httpPort), 5000);
        s.setSoTimeout(1000);
        return s;
    }

    /** Sends {@code text} every second, 30 times at most, until the hub closes the connection: how long it took. */
    private static Duration sendEverySecondUntilClosed(Socket s, String text) throws IOException {
        long started = System.nanoTime();
        for (int i = 0; i < 30; i++) {
            try {
                if (s.getInputStream().read() < 0) {
                    return Duration.ofNanos(System.nanoTime() - started);
                }
            } catch (java.net.SocketTimeoutException stillOpen) {
                s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
            } catch (IOException reset) {
                return Duration.ofNanos(System.nanoTime() - started);
            }
        }
        throw new AssertionError("the hub kept the connection open for 30 s");
    }

    @Test
    void anIdleHttpConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.10"), 0));
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), hub.httpPort), 5000);
            s.setSoTimeout(15_000);
            long started = System.nanoTime();

            assertThat(s.getInputStream().read()).as("closed by the hub, no answer").isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofSeconds(2),
                    Duration.ofSeconds(10));
        }
    }

    @Test
    void aCommandSentAByteEverySecondIsCutOffAtItsDeadline() throws Exception {
        try (Socket s = connect("127.0.0.4")) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            assertThat(line(in)).startsWith("220 ");
            long started = System.nanoTime();
            String reply = null;
            s.setSoTimeout(100);
            for (byte b : "NOOP NOOP NOOP NOOP\r\n".getBytes(StandardCharsets.US_ASCII)) {
                try {
                    out.write(b);
                } catch (IOException closed) {
                    break;
                }
                long until = System.nanoTime() + 1_000_000_000L;
                while (reply == null && System.nanoTime() < until) {
                    try {
                        reply = line(in);
                    } catch (java.net.SocketTimeoutException notYet) {
                        // nothing from the server this moment: keep dribbling
                    }
                }
                if (reply != null) {
                    break;
                }
            }
            long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
            assertThat(reply).startsWith("421 4.4.2 hub.test Error: timeout exceeded");
            assertThat(seconds).as("a 3 s deadline, not 3 s per octet").isLessThanOrEqualTo(5);
        }
        assertThat(hub.log()).contains("(command deadline exceeded)");
    }

    @Test
    void theQueuedReplyIsSentEvenWhileTheNextCommandIsHalfWritten() throws Exception {
        try (Socket s = connect("127.0.0.5")) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            assertThat(line(in)).startsWith("220 ");
            out.write(("EHLO c\r\nMAIL FROM:<a@client.test>\r\nRCPT TO:<bob@hub.test>\r\nDATA\r\n"
                    + "Subject: half\r\n\r\nhello\r\n.\r\nNO").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            List<String> replies = new ArrayList<>();
            String l;
            do {
                l = line(in);
                replies.add(l);
            } while (!l.contains("queued as"));
            assertThat(replies).last().asString().startsWith("250 2.0.0 Ok: queued as");
        }
    }
}
