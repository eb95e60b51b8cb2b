package io.mailhub.ingress.smtp;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A socket that is never connected: the client's octets come from a script of packets (each read returns at most the
 * rest of one packet, then end of stream), and what the server writes is recorded, split where it flushed.
 */
final class ScriptedSocket extends Socket {

    private final InputStream in;
    private final RecordingOutputStream out = new RecordingOutputStream();
    private final InetSocketAddress remote;
    private boolean closed;

    ScriptedSocket(InetAddress client, List<byte[]> packets) {
        this.in = new PacketInputStream(packets);
        this.remote = new InetSocketAddress(client, 40_000);
    }

    /** Everything the server wrote. */
    String output() {
        return out.all();
    }

    /** What the server wrote, one string per flush that sent something. */
    List<String> flushes() {
        return out.flushes();
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
    public SocketAddress getRemoteSocketAddress() {
        return remote;
    }

    @Override
    public InetAddress getInetAddress() {
        return remote.getAddress();
    }

    @Override
    public void setSoTimeout(int timeout) {}

    @Override
    public void setTcpNoDelay(boolean on) {}

    @Override
    public void shutdownInput() {}

    @Override
    public synchronized void close() {
        closed = true;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    private static final class PacketInputStream extends InputStream {
        private final List<byte[]> packets;
        private int packet;
        private int pos;

        PacketInputStream(List<byte[]> packets) {
            this.packets = packets;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        /**
         * The rest of a packet once its first octets were read: a packet arrives whole, but only when the server
         * waits for it (a client sends its next group after reading the replies to the last one).
         */
        @Override
        public int available() {
            return packet < packets.size() && pos > 0 ? packets.get(packet).length - pos : 0;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            while (packet < packets.size() && pos == packets.get(packet).length) {
                packet++;
                pos = 0;
            }
            if (packet == packets.size()) {
                return -1;
            }
            byte[] p = packets.get(packet);
            int n = Math.min(len, p.length - pos);
            System.arraycopy(p, pos, b, off, n);
            pos += n;
            return n;
        }
    }

    private static final class RecordingOutputStream extends OutputStream {
        private final ByteArrayOutputStream all = new ByteArrayOutputStream();
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
        private final List<String> flushes = new ArrayList<>();

        @Override
        public synchronized void write(int b) {
            all.write(b);
            pending.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            all.write(b, off, len);
            pending.write(b, off, len);
        }

        @Override
        public synchronized void flush() {
            if (pending.size() > 0) {
                flushes.add(pending.toString(StandardCharsets.UTF_8));
                pending.reset();
            }
        }

        synchronized String all() {
            return all.toString(StandardCharsets.UTF_8);
        }

        synchronized List<String> flushes() {
            return List.copyOf(flushes);
        }
    }
}
