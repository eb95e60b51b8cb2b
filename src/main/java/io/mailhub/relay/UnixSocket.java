package io.mailhub.relay;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * A Unix domain socket (the JDK's {@link SocketChannel}) with the face of a {@link Socket}, so that the relay's client
 * speaks LMTP to a local server ({@code lmtp:unix:/path}) exactly as over TCP: streams, {@link #setSoTimeout} on reads,
 * {@link #close} from another thread (the write watchdog). The channel is non-blocking; reads and writes wait in a
 * selector of their own.
 */
final class UnixSocket extends Socket {

    /** How often a write that waits for room looks whether the socket was closed meanwhile. */
    private static final long WRITE_POLL_MILLIS = 1000;

    private final SocketChannel channel;
    private final Path path;
    private final Selector readable;
    private final Selector writable;
    private final InputStream in = new In();
    private final OutputStream out = new Out();
    private volatile int timeoutMillis;

    private UnixSocket(SocketChannel channel, Path path) throws IOException {
        this.channel = channel;
        this.path = path;
        this.readable = Selector.open();
        this.writable = Selector.open();
        channel.configureBlocking(false);
        channel.register(readable, SelectionKey.OP_READ);
        channel.register(writable, SelectionKey.OP_WRITE);
    }

    /** Connects to the socket at {@code path} (a local connect either succeeds or fails at once). */
    static UnixSocket connect(Path path) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(path));
            return new UnixSocket(channel, path);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw new IOException("cannot connect to unix:" + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public InputStream getInputStream() {
        return in;
    }

    @Override
    public OutputStream getOutputStream() {
        return out;
    }

    @Override
    public void setSoTimeout(int timeout) {
        timeoutMillis = timeout;
    }

    @Override
    public int getSoTimeout() {
        return timeoutMillis;
    }

    @Override
    public void setTcpNoDelay(boolean on) {
        // no Nagle on a local socket
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return UnixDomainSocketAddress.of(path);
    }

    @Override
    public boolean isConnected() {
        return channel.isConnected();
    }

    @Override
    public boolean isClosed() {
        return !channel.isOpen();
    }

    @Override
    public void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    @Override
    public synchronized void close() throws IOException {
        try {
            channel.close();
        } finally {
            readable.close();
            writable.close();
        }
    }

    @Override
    public String toString() {
        return "unix:" + path;
    }

    /** Waits until {@code selector}'s operation is ready or {@code millis} pass (0: no limit); a closed socket throws. */
    private void await(Selector selector, long millis) throws IOException {
        try {
            selector.select(millis);
            selector.selectedKeys().clear();
        } catch (java.nio.channels.ClosedSelectorException e) {
            throw new java.net.SocketException("Socket closed");
        }
        if (!channel.isOpen()) {
            throw new java.net.SocketException("Socket closed");
        }
    }

    private final class In extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
            long deadline = timeoutMillis == 0 ? Long.MAX_VALUE : System.nanoTime() + timeoutMillis * 1_000_000L;
            while (true) {
                int n = channel.read(buffer);
                if (n != 0) {
                    return n;
                }
                long left = deadline == Long.MAX_VALUE ? 0 : (deadline - System.nanoTime()) / 1_000_000L;
                if (deadline != Long.MAX_VALUE && left <= 0) {
                    throw new SocketTimeoutException("Read timed out");
                }
                await(readable, Math.max(left, deadline == Long.MAX_VALUE ? 0 : 1));
            }
        }

        @Override
        public void close() throws IOException {
            UnixSocket.this.close();
        }
    }

    private final class Out extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
            while (buffer.hasRemaining()) {
                if (channel.write(buffer) == 0) {
                    await(writable, WRITE_POLL_MILLIS); // the watchdog closes a socket whose writes make no progress
                }
            }
        }

        @Override
        public void close() throws IOException {
            UnixSocket.this.close();
        }
    }
}
