package io.mailhub.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A scripted SMTP next hop for unit and route tests: answers each RCPT from a function, records every transaction
 * and which connection carried it. With {@link #requirePipelining()} it withholds its reply to MAIL until the client
 * has also sent its RCPTs and DATA, so a client that waits for each reply (no pipelining) times out. With
 * {@link #startTls(SSLContext)} it offers STARTTLS (RFC 3207) and can misbehave around it on request.
 */
public final class FakeSmtpServer implements AutoCloseable {

    /** One transaction as received; {@code tls} tells whether it came over TLS. */
    public record Transaction(int connection, String mailLine, List<String> rcptLines, List<String> accepted,
            String data, boolean tls) {}

    /** One command line as received outside DATA; {@code tls} tells whether it came over TLS. */
    public record Command(int connection, String line, boolean tls) {}

    private final ServerSocket server;
    private final List<Transaction> transactions = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile Function<String, String> rcptReply = address -> "250 2.1.5 Ok";
    private volatile String dataReply = "250 2.0.0 Ok: queued";
    private volatile String greetingName = "fake.test";
    private volatile Runnable onMail = () -> {};
    private volatile String ehloName = "fake.test";
    private volatile List<String> extensions = List.of("PIPELINING", "8BITMIME", "SIZE 10240000", "DSN",
            "ENHANCEDSTATUSCODES");
    private volatile boolean requirePipelining;
    private final List<Command> commands = new CopyOnWriteArrayList<>();
    private volatile SSLContext tlsContext;
    private volatile String startTlsReply = "220 2.0.0 Ready to start TLS";
    private volatile String afterStartTlsReply = "";
    private volatile boolean breakHandshake;
    private volatile List<String> extensionsAfterTls;
    private final Thread acceptor;
    private volatile boolean stallData;
    private final java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
    private volatile String authMechanisms;
    private volatile String authUser;
    private volatile String authPassword;
    private final List<String> authenticated = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<javax.net.ssl.SSLSession> tlsSessions = new CopyOnWriteArrayList<>();

    public FakeSmtpServer() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::acceptLoop, "fake-smtp");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Answers RCPT with the reply the function returns for the address (e.g. "450 4.2.0 busy"). */
    /** Runs at every MAIL FROM, before the reply (e.g. to reset a per-transaction counter of {@link #rcptReply}). */
    public FakeSmtpServer onMail(Runnable action) {
        this.onMail = action;
        return this;
    }

    /** The name this server gives in its 220 greeting and in its EHLO reply. */
    public FakeSmtpServer names(String greeting, String ehlo) {
        this.greetingName = greeting;
        this.ehloName = ehlo;
        return this;
    }

    public FakeSmtpServer rcptReply(Function<String, String> reply) {
        this.rcptReply = reply;
        return this;
    }

    public FakeSmtpServer dataReply(String reply) {
        this.dataReply = reply;
        return this;
    }

    public FakeSmtpServer extensions(String... ext) {
        this.extensions = List.of(ext);
        return this;
    }

    public FakeSmtpServer requirePipelining() {
        this.requirePipelining = true;
        return this;
    }

    /** Offers STARTTLS and, when the client sends it, runs the TLS handshake as a server with this context. */
    public FakeSmtpServer startTls(SSLContext context) {
        this.tlsContext = context;
        return this;
    }

    /** The reply to STARTTLS; anything but 220 refuses TLS and the session goes on in plaintext. */
    public FakeSmtpServer startTlsReply(String reply) {
        this.startTlsReply = reply;
        return this;
    }

    /** Raw bytes sent in the same write as the 220 to STARTTLS, before the handshake: an injection attempt. */
    public FakeSmtpServer afterStartTlsReply(String raw) {
        this.afterStartTlsReply = raw;
        return this;
    }

    /** After the 220 to STARTTLS, sends bytes that are not TLS and hangs up: the client's handshake fails. */
    public FakeSmtpServer breakHandshake() {
        this.breakHandshake = true;
        return this;
    }

    /** Extensions announced in EHLO over TLS (default: the same as in plaintext, without STARTTLS). */
    public FakeSmtpServer extensionsAfterTls(String... ext) {
        this.extensionsAfterTls = List.of(ext);
        return this;
    }

    /** Every command received outside DATA, in order of arrival. */
    /**
     * Offers AUTH with these mechanisms (e.g. {@code "PLAIN LOGIN"}) and accepts only this user and password;
     * {@code 235} on success, {@code 535 5.7.8} otherwise.
     */
    public FakeSmtpServer auth(String mechanisms, String user, String password) {
        this.authMechanisms = mechanisms;
        this.authUser = user;
        this.authPassword = password;
        return this;
    }

    /** After its 354 reply to DATA the server stops reading, like a next hop that hangs mid-transfer. */
    public FakeSmtpServer stallData() {
        this.stallData = true;
        return this;
    }

    /** The users that authenticated successfully, one entry per AUTH. */
    public List<String> authenticated() {
        return List.copyOf(authenticated);
    }

    /** The server side of each TLS session, in the order the handshakes completed. */
    public List<javax.net.ssl.SSLSession> tlsSessions() {
        return List.copyOf(tlsSessions);
    }

    public List<Command> commands() {
        return List.copyOf(commands);
    }

    public List<Transaction> transactions() {
        return List.copyOf(transactions);
    }

    public int connections() {
        return connections.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                int id = connections.incrementAndGet();
                Thread t = new Thread(() -> session(s, id), "fake-smtp-" + id);
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void session(Socket plain, int id) {
        try (plain) {
            Socket socket = plain;
            socket.setSoTimeout(10_000);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            boolean tls = false;
            reply(out, "220 " + greetingName + " ESMTP");
            String mail = null;
            List<String> rcpts = new ArrayList<>();
            List<String> accepted = new ArrayList<>();
            List<String> pending = new ArrayList<>();
            while (true) {
                String line = readLine(in);
                if (line == null) {
                    return;
                }
                commands.add(new Command(id, line, tls));
                String upper = line.toUpperCase();
                if (upper.startsWith("EHLO")) {
                    List<String> ext = new ArrayList<>(tls && extensionsAfterTls != null ? extensionsAfterTls : extensions);
                    if (!tls && tlsContext != null) {
                        ext.add("STARTTLS");
                    }
                    if (authMechanisms != null) {
                        ext.add("AUTH " + authMechanisms);
                    }
                    StringBuilder r = new StringBuilder("250-" + ehloName + "\r\n");
                    for (int i = 0; i < ext.size(); i++) {
                        r.append(i == ext.size() - 1 ? "250 " : "250-").append(ext.get(i)).append("\r\n");
                    }
                    out.write(r.toString().getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } else if (upper.equals("STARTTLS") && tlsContext != null && !tls) {
                    out.write((startTlsReply + "\r\n" + afterStartTlsReply).getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    if (!startTlsReply.startsWith("220")) {
                        continue;
                    }
                    if (breakHandshake) {
                        reply(out, "this is not TLS");
                        return;
                    }
                    SSLSocket ssl = (SSLSocket) tlsContext.getSocketFactory()
                            .createSocket(socket, null, socket.getPort(), false);
                    ssl.setUseClientMode(false);
                    ssl.startHandshake();
                    tlsSessions.add(ssl.getSession());
                    socket = ssl;
                    in = ssl.getInputStream();
                    out = ssl.getOutputStream();
                    tls = true;
                    mail = null;
                } else if (upper.startsWith("AUTH ") && authMechanisms != null) {
                    String[] w = line.split(" ");
                    String user;
                    String password;
                    if (w[1].equalsIgnoreCase("PLAIN") && w.length == 3) {
                        String[] p = new String(java.util.Base64.getDecoder().decode(w[2]), StandardCharsets.UTF_8)
                                .split("\0", -1);
                        user = p.length == 3 ? p[1] : "";
                        password = p.length == 3 ? p[2] : "";
                    } else if (w[1].equalsIgnoreCase("LOGIN")) {
                        reply(out, "334 VXNlcm5hbWU6");
                        user = new String(java.util.Base64.getDecoder().decode(readLine(in)), StandardCharsets.UTF_8);
                        reply(out, "334 UGFzc3dvcmQ6");
                        password = new String(java.util.Base64.getDecoder().decode(readLine(in)), StandardCharsets.UTF_8);
                    } else {
                        reply(out, "504 5.5.4 mechanism not supported");
                        continue;
                    }
                    if (user.equals(authUser) && password.equals(authPassword)) {
                        authenticated.add(user);
                        reply(out, "235 2.7.0 Authentication successful");
                    } else {
                        reply(out, "535 5.7.8 Error: authentication failed");
                    }
                } else if (upper.startsWith("MAIL FROM:")) {
                    onMail.run();
                    mail = line;
                    rcpts = new ArrayList<>();
                    accepted = new ArrayList<>();
                    if (requirePipelining) {
                        // withhold the reply until DATA has arrived: only a pipelining client gets there
                        socket.setSoTimeout(2_000);
                        pending.add("250 2.1.0 Ok");
                        continue;
                    }
                    reply(out, "250 2.1.0 Ok");
                } else if (upper.startsWith("RCPT TO:")) {
                    rcpts.add(line);
                    String address = line.substring(line.indexOf('<') + 1, line.indexOf('>'));
                    String r = rcptReply.apply(address);
                    if (r.startsWith("2")) {
                        accepted.add(address);
                    }
                    if (!pending.isEmpty()) {
                        pending.add(r);
                        continue;
                    }
                    reply(out, r);
                } else if (upper.equals("DATA")) {
                    if (!pending.isEmpty()) {
                        for (String p : pending) {
                            reply(out, p);
                        }
                        pending.clear();
                        socket.setSoTimeout(10_000);
                    }
                    if (accepted.isEmpty()) {
                        reply(out, "554 5.5.1 Error: no valid recipients");
                        continue;
                    }
                    reply(out, "354 go ahead");
                    if (stallData) {
                        try {
                            closed.await(); // read nothing more until the server is closed
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return;
                    }
                    String data = readData(in);
                    if (dataReply.startsWith("2")) {
                        transactions.add(new Transaction(id, mail, List.copyOf(rcpts), List.copyOf(accepted), data, tls));
                    }
                    reply(out, dataReply);
                } else if (upper.equals("RSET") || upper.equals("NOOP")) {
                    reply(out, "250 2.0.0 Ok");
                } else if (upper.equals("QUIT")) {
                    reply(out, "221 2.0.0 Bye");
                    return;
                } else {
                    reply(out, "500 5.5.1 unknown");
                }
            }
        } catch (SocketTimeoutException e) {
            // a non-pipelining client waiting for the withheld MAIL reply ends here
        } catch (IOException e) {
            // client went away
        }
    }

    private static void reply(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                byte[] bytes = b.toByteArray();
                int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, n, StandardCharsets.UTF_8);
            }
            b.write(c);
        }
        return null;
    }

    private static String readData(InputStream in) throws IOException {
        StringBuilder data = new StringBuilder();
        while (true) {
            String line = readLine(in);
            if (line == null || line.equals(".")) {
                return data.toString();
            }
            data.append(line.startsWith(".") ? line.substring(1) : line).append("\r\n");
        }
    }

    @Override
    public void close() throws IOException {
        closed.countDown();
        server.close();
    }
}
