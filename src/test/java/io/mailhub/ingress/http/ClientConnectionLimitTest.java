package io.mailhub.ingress.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP listener's per-address connection limit, idle timeout and request deadline, on a real Jetty with raw
 * sockets.
 */
class ClientConnectionLimitTest {

    @TempDir
    Path dir;

    private HttpListener listener;
    private final List<Socket> sockets = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        listener = pinging(new HttpSettings(0, -1, null, 16, Duration.ofSeconds(2), 2));
        listener.start();
    }

    /** A listener that answers {@code GET /ping} and {@code POST /upload} (the body's length), 127.0.0.9 trusted. */
    private HttpListener pinging(HttpSettings settings) {
        return new HttpListener(settings, null, dir).trusting(a -> a.getHostAddress().equals("127.0.0.9"))
                .serve("/ping", new HttpServlet() {
                    @Override
                    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                        resp.getWriter().print("pong");
                    }
                })
                .serve("/upload", new HttpServlet() {
                    @Override
                    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                        resp.getWriter().print("got " + req.getInputStream().readAllBytes().length);
                    }
                });
    }

    @AfterEach
    void stop() throws Exception {
        for (Socket s : sockets) {
            s.close();
        }
        listener.stop();
    }

    private Socket connect(String from) throws IOException {
        Socket s = new Socket();
        sockets.add(s);
        s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.port()), 5000);
        s.setSoTimeout(10_000);
        return s;
    }

    private static String ping(Socket s) throws IOException {
        s.getOutputStream().write("GET /ping HTTP/1.1\r\nHost: hub.test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        byte[] b = new byte[512];
        int n = s.getInputStream().read(b);
        return n < 0 ? "" : new String(b, 0, n, StandardCharsets.US_ASCII);
    }

    /** Whether the server closed the connection: the next read ends (or is reset). */
    private static boolean closedByServer(Socket s) {
        try {
            return s.getInputStream().read() < 0;
        } catch (IOException reset) {
            return true;
        }
    }

    @Test
    void theConnectionOverTheLimitIsAnswered429AndClosedWhileOtherAddressesAreServed() throws Exception {
        assertThat(ping(connect("127.0.0.5"))).startsWith("HTTP/1.1 200");
        assertThat(ping(connect("127.0.0.5"))).startsWith("HTTP/1.1 200");

        Socket third = connect("127.0.0.5");
        String answer = new String(pingAll(third), StandardCharsets.US_ASCII);
        assertThat(answer).startsWith("HTTP/1.1 429 ").contains("Retry-After: 5").contains("Connection: close")
                .contains("Content-Type: application/problem+json")
                .contains("\"type\":\"/problems/too-many-connections\"").contains("\"enhanced_status\":\"4.7.0\"")
                .contains("2 connections from this address are open already").doesNotContain("pong");
        assertThat(ping(connect("127.0.0.6"))).as("another address").startsWith("HTTP/1.1 200");
    }

    @Test
    void aConnectionOverTheLimitThatSendsNothingIsClosedLongBeforeTheIdleTimeout() throws Exception {
        listener.stop(); // again, with one connection per address and a 60 s idle timeout
        listener = pinging(new HttpSettings(0, -1, null, 16, Duration.ofSeconds(60), 1));
        listener.start();
        assertThat(ping(connect("127.0.0.5"))).startsWith("HTTP/1.1 200");
        Socket silent = connect("127.0.0.5");
        long start = System.nanoTime();

        assertThat(closedByServer(silent)).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("the over-limit idle time, not the 60 s one")
                .isLessThan(Duration.ofSeconds(9));
    }

    /**
     * Writes {@code chunk} whenever the server has stayed silent for half a second, 40 times at most (20 s), until it
     * closes the connection without an answer: how long that took. The read's timeout paces the writes.
     */
    private static Duration dribbleUntilClosed(Socket s, byte[] chunk) throws IOException {
        long start = System.nanoTime();
        s.setSoTimeout(500);
        for (int i = 0; i < 40; i++) {
            try {
                assertThat(s.getInputStream().read()).as("closed, no answer").isEqualTo(-1);
                return Duration.ofNanos(System.nanoTime() - start);
            } catch (java.net.SocketTimeoutException silent) {
                s.getOutputStream().write(chunk);
                s.getOutputStream().flush();
            } catch (java.net.SocketException reset) { // closed with unread octets: a reset is as good
                return Duration.ofNanos(System.nanoTime() - start);
            }
        }
        throw new AssertionError("the server kept the connection open for 20 s");
    }

    /** Asserts that the server neither answers nor closes the connection for a second. */
    private static void silentForASecond(Socket s) throws IOException {
        s.setSoTimeout(1000);
        try {
            int b = s.getInputStream().read();
            throw new AssertionError(b < 0 ? "closed by the server" : "the server sent something");
        } catch (java.net.SocketTimeoutException stillOpen) {
            // open and quiet: what the caller waits for
        } finally {
            s.setSoTimeout(10_000);
        }
    }

    /** Sends a ping and reads until the server closes the connection. */
    private static byte[] pingAll(Socket s) throws IOException {
        s.getOutputStream().write("GET /ping HTTP/1.1\r\nHost: hub.test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return s.getInputStream().readAllBytes();
    }

    @Test
    void aClosedConnectionGivesItsPlaceBack() throws Exception {
        Socket first = connect("127.0.0.5");
        assertThat(ping(first)).startsWith("HTTP/1.1 200");
        assertThat(ping(connect("127.0.0.5"))).startsWith("HTTP/1.1 200");
        first.close();

        await().atMost(Duration.ofSeconds(5)).until(() -> {
            Socket next = connect("127.0.0.5");
            try {
                return ping(next).startsWith("HTTP/1.1 200");
            } catch (IOException refused) {
                return false;
            }
        });
    }

    @Test
    void trustedNetworksHaveNoLimit() throws Exception {
        for (int i = 0; i < 4; i++) {
            assertThat(ping(connect("127.0.0.9"))).startsWith("HTTP/1.1 200");
        }
    }

    @Test
    void anIdleConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        Socket idle = connect("127.0.0.7");
        long start = System.nanoTime();
        InputStream in = idle.getInputStream();

        assertThat(closedByServer(idle)).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(1500),
                Duration.ofSeconds(8));
        assertThat(in.available()).isZero();
    }

    @Test
    void aRequestHeaderSentAByteEveryHalfSecondIsCutOffAtItsDeadline() throws Exception {
        Socket slow = connect("127.0.0.7");
        slow.getOutputStream().write("GET /ping HTTP/1.1\r\nHost: hub.test\r\nX-Slow: "
                .getBytes(StandardCharsets.US_ASCII));

        assertThat(dribbleUntilClosed(slow, new byte[] {'x'})).as("cut off by the 2 s deadline, not after 20 s")
                .isBetween(Duration.ofMillis(1500), Duration.ofSeconds(8));
    }

    @Test
    void aKeepAliveConnectionIsServedLongAfterItOpenedTheDeadlineRestartsAfterEachAnswer() throws Exception {
        Socket kept = connect("127.0.0.7");
        for (int i = 0; i < 3; i++) { // 3 s in all, more than the 2 s deadline
            assertThat(ping(kept)).startsWith("HTTP/1.1 200");
            silentForASecond(kept);
        }
        assertThat(ping(kept)).startsWith("HTTP/1.1 200");
    }

    @Test
    void aBodySentSlowerThanTheMinimumDataRateIsCutOffAndAFastOneIsServed() throws Exception {
        listener.stop(); // again, with a body rate of 100 octets per second after the 2 s idle timeout
        listener = pinging(new HttpSettings(0, -1, null, 16, Duration.ofSeconds(2), 0, 100));
        listener.start();
        String header = "POST /upload HTTP/1.1\r\nHost: hub.test\r\nContent-Length: %d\r\n\r\n";

        Socket fast = connect("127.0.0.7");
        fast.getOutputStream().write(String.format(header, 100_000).getBytes(StandardCharsets.US_ASCII));
        fast.getOutputStream().write(new byte[100_000]);
        byte[] b = new byte[512];
        int n = fast.getInputStream().read(b);
        assertThat(new String(b, 0, Math.max(0, n), StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 200");

        Socket slow = connect("127.0.0.8");
        slow.getOutputStream().write(String.format(header, 10_000).getBytes(StandardCharsets.US_ASCII));
        assertThat(dribbleUntilClosed(slow, new byte[10]))
                .as("20 octets a second: cut off near 2.5 s (2 + 20 t / 100 = t)").isBetween(Duration.ofMillis(2000), Duration.ofSeconds(9));
    }
}
