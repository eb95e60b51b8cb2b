package io.mailhub.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The relay's Unix domain socket behind a Socket's face, against a real local server socket. */
class UnixSocketTest {

    private Path dir;
    private Path path;
    private ServerSocketChannel server;

    @BeforeEach
    void listen() throws IOException {
        dir = Files.createTempDirectory("unix-socket");
        path = dir.resolve("lmtp");
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
    }

    @AfterEach
    void close() throws IOException {
        server.close();
        Files.deleteIfExists(path);
        Files.delete(dir);
    }

    @Test
    void whatIsWrittenArrivesAndTheServersAnswerIsRead() throws Exception {
        try (UnixSocket socket = UnixSocket.connect(path); SocketChannel peer = server.accept()) {
            socket.getOutputStream().write("LHLO hub.test\r\n".getBytes(StandardCharsets.US_ASCII));
            ByteBuffer got = ByteBuffer.allocate(64);
            while (got.position() < 15) {
                peer.read(got);
            }
            peer.write(ByteBuffer.wrap("250 ok\r\n".getBytes(StandardCharsets.US_ASCII)));

            assertThat(new String(got.array(), 0, got.position(), StandardCharsets.US_ASCII)).isEqualTo("LHLO hub.test\r\n");
            assertThat(new String(socket.getInputStream().readNBytes(8), StandardCharsets.US_ASCII)).isEqualTo("250 ok\r\n");
            assertThat(socket.getRemoteSocketAddress()).isEqualTo(UnixDomainSocketAddress.of(path));
        }
    }

    @Test
    void aServerThatSaysNothingMakesTheReadTimeOutAfterSoTimeout() throws Exception {
        try (UnixSocket socket = UnixSocket.connect(path); SocketChannel peer = server.accept()) {
            socket.setSoTimeout(200);
            long start = System.nanoTime();

            assertThatThrownBy(() -> socket.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(190);
        }
    }

    @Test
    void closingTheSocketFromAnotherThreadEndsAReadThatWaits() throws Exception {
        try (UnixSocket socket = UnixSocket.connect(path); SocketChannel peer = server.accept()) {
            InputStream in = socket.getInputStream();
            CompletableFuture<Throwable> reading = new CompletableFuture<>();
            Thread reader = new Thread(() -> {
                try {
                    in.read();
                    reading.complete(null);
                } catch (IOException e) {
                    reading.complete(e);
                }
            });
            reader.start();
            while (java.util.Arrays.stream(reader.getStackTrace()).noneMatch(f -> f.getMethodName().equals("select"))) {
                Thread.onSpinWait(); // until the reader waits in its selector
            }

            socket.close();

            assertThat(reading.get(5, TimeUnit.SECONDS)).isInstanceOf(IOException.class);
            assertThat(socket.isClosed()).isTrue();
        }
    }

    @Test
    void aMissingSocketFailsToConnectNamingItsPath() {
        assertThatThrownBy(() -> UnixSocket.connect(dir.resolve("nothing-here")))
                .isInstanceOf(IOException.class).hasMessageStartingWith("cannot connect to unix:" + dir.resolve("nothing-here"));
    }
}
