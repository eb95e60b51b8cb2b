package io.mailhub.relay;

import io.mailhub.model.SmtpReply;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One SMTP client connection to a next hop: greeting and EHLO (HELO as fallback), the server's extensions, and
 * command/reply exchange. It knows nothing about messages; {@link MailTransaction} drives it.
 */
final class SmtpClientConnection implements AutoCloseable {

    private final Socket socket;
    private final Destination destination;
    private final String remoteMta;
    private final ReplyReader replies;
    private final OutputStream out;
    private final Map<String, String> extensions = new HashMap<>();
    private final long openedAt = System.nanoTime();
    private int transactions;
    private boolean broken;

    private SmtpClientConnection(Socket socket, Destination destination) throws IOException {
        this.socket = socket;
        this.destination = destination;
        InetSocketAddress remote = (InetSocketAddress) socket.getRemoteSocketAddress();
        this.remoteMta = destination.host() + "[" + remote.getAddress().getHostAddress() + "]:" + remote.getPort();
        this.replies = new ReplyReader(socket.getInputStream());
        this.out = new BufferedOutputStream(socket.getOutputStream(), 65536);
    }

    /**
     * Connects and greets. A failure to connect, a non-2xx greeting or EHLO/HELO reply ends in
     * {@link SessionFailure} carrying the reply to report.
     */
    static SmtpClientConnection open(SmtpTransport transport, Destination destination, String heloName, Timeouts timeouts)
            throws SessionFailure {
        Socket socket;
        try {
            socket = transport.connect(destination, (int) timeouts.connect().toMillis());
        } catch (IOException e) {
            throw SessionFailure.connect(destination, e);
        }
        SmtpClientConnection c = null;
        try {
            socket.setSoTimeout((int) timeouts.command().toMillis());
            socket.setTcpNoDelay(true);
            c = new SmtpClientConnection(socket, destination);
            SmtpReply greeting = c.replies.read();
            if (!greeting.isPositiveCompletion()) {
                throw new SessionFailure(greeting, c.remoteMta, "host " + c.remoteMta + " refused to talk to me", true);
            }
            c.ehlo(heloName);
            return c;
        } catch (IOException e) {
            closeQuietly(socket);
            throw SessionFailure.io(destination, c == null ? null : c.remoteMta, "greeting", e);
        } catch (SessionFailure f) {
            closeQuietly(socket);
            throw f;
        }
    }

    private void ehlo(String heloName) throws IOException, SessionFailure {
        SmtpReply reply = command("EHLO " + heloName);
        if (reply.isPositiveCompletion()) {
            for (int i = 1; i < reply.lines().size(); i++) {
                String line = reply.lines().get(i).trim();
                int space = line.indexOf(' ');
                String keyword = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
                extensions.put(keyword, space < 0 ? "" : line.substring(space + 1).trim());
            }
            return;
        }
        if (reply.code() == 421) {
            throw new SessionFailure(reply, remoteMta, "EHLO refused", true);
        }
        SmtpReply helo = command("HELO " + heloName);
        if (!helo.isPositiveCompletion()) {
            throw new SessionFailure(helo, remoteMta, "HELO refused", true);
        }
    }

    SmtpReply command(String line) throws IOException {
        write(line);
        out.flush();
        return replies.read();
    }

    void write(String line) throws IOException {
        out.write(line.getBytes(StandardCharsets.UTF_8));
        out.write('\r');
        out.write('\n');
    }

    void flush() throws IOException {
        out.flush();
    }

    SmtpReply readReply() throws IOException {
        return replies.read();
    }

    OutputStream output() {
        return out;
    }

    void setTimeout(long millis) throws IOException {
        socket.setSoTimeout((int) millis);
    }

    boolean supports(String extension) {
        return extensions.containsKey(extension);
    }

    /** The server's SIZE limit, or 0 when it announced none. */
    long sizeLimit() {
        String v = extensions.get("SIZE");
        if (v == null || v.isEmpty()) {
            return 0;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    String remoteMta() {
        return remoteMta;
    }

    Destination destination() {
        return destination;
    }

    void transactionDone() {
        transactions++;
    }

    int transactions() {
        return transactions;
    }

    long ageNanos() {
        return System.nanoTime() - openedAt;
    }

    void markBroken() {
        broken = true;
    }

    boolean isBroken() {
        return broken || socket.isClosed();
    }

    /** Sends QUIT without waiting long for the answer, then closes. */
    void quit() {
        try {
            if (!isBroken()) {
                socket.setSoTimeout(2000);
                command("QUIT");
            }
        } catch (IOException e) {
            // the server may already have gone; closing is all that is left
        } finally {
            closeQuietly(socket);
        }
    }

    @Override
    public void close() {
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // nothing to do about a failing close
        }
    }
}
