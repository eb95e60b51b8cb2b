package io.mailhub.filter;

import io.mailhub.model.MessageContent;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ClamAV's clamd over TCP with {@code zINSTREAM}: the message in chunks of at most 64 KiB (a 4-byte big-endian length
 * each, then a zero length), the answer one NUL-terminated line: {@code stream: OK}, {@code stream: NAME FOUND}, or an
 * error (such as {@code INSTREAM size limit exceeded. ERROR} above clamd's StreamMaxLength). One connection per scan.
 */
public final class ClamdClient implements VirusScanner {

    private static final Pattern FOUND = Pattern.compile("stream: (.+) FOUND");
    private static final int CHUNK = 64 * 1024;

    private final InetSocketAddress address;
    private final Duration timeout;

    public ClamdClient(InetSocketAddress address, Duration timeout) {
        this.address = address;
        this.timeout = timeout;
    }

    @Override
    public String name() {
        return "clamd";
    }

    @Override
    public String scan(MessageContent content) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Socket s = new Socket()) {
            s.connect(address, (int) timeout.toMillis());
            s.setSoTimeout((int) timeout.toMillis());
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.write("zINSTREAM\0".getBytes(StandardCharsets.US_ASCII));
            byte[] buf = new byte[CHUNK];
            try (InputStream in = content.openStream()) {
                for (int n = in.readNBytes(buf, 0, CHUNK); n > 0; n = in.readNBytes(buf, 0, CHUNK)) {
                    out.writeInt(n);
                    out.write(buf, 0, n);
                    if (System.nanoTime() > deadline) {
                        throw new IOException("clamd took longer than " + timeout.toMillis() + " ms");
                    }
                }
            }
            out.writeInt(0);
            out.flush();
            String answer = line(s.getInputStream());
            if (answer.equals("stream: OK")) {
                return null;
            }
            Matcher m = FOUND.matcher(answer);
            if (m.matches()) {
                return m.group(1);
            }
            throw new IOException("clamd answered: " + answer);
        } catch (SocketTimeoutException e) {
            throw new IOException("clamd did not answer within " + timeout.toMillis() + " ms", e);
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c > 0 && b.size() < 1024; c = in.read()) {
            b.write(c);
        }
        return b.toString(StandardCharsets.US_ASCII).strip();
    }
}
