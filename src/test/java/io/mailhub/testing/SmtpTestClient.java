package io.mailhub.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A line-level SMTP client for tests: sends raw text, reads whole replies, and can switch to TLS (STARTTLS) or start
 * with it (implicit TLS). It trusts any server certificate: the tests check the server's protocol, not the PKI.
 */
public final class SmtpTestClient implements AutoCloseable {

    private final Socket plain;
    private Socket socket;
    private BufferedReader in;
    private OutputStream out;

    private SmtpTestClient(Socket plain, Socket socket) throws IOException {
        this.plain = plain;
        this.socket = socket;
        socket.setSoTimeout(10_000);
        streams();
    }

    public static SmtpTestClient connect(int port) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        return new SmtpTestClient(s, s);
    }

    /** Connects and starts TLS at once (port 465 style). */
    public static SmtpTestClient connectTls(int port) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        SSLSocket tls = wrap(s);
        return new SmtpTestClient(s, tls);
    }

    private void streams() throws IOException {
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        out = socket.getOutputStream();
    }

    /** Reads one whole reply (all its lines, joined with newlines); {@code null} when the server closed. */
    public String reply() throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            String line = in.readLine();
            if (line == null) {
                return sb.length() == 0 ? null : sb.toString();
            }
            if (sb.length() > 0) {
                sb.append('\n');
            }
            sb.append(line);
            if (line.length() < 4 || line.charAt(3) != '-') {
                return sb.toString();
            }
        }
    }

    /** Sends raw octets exactly as given. */
    public void sendRaw(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Sends one command line and returns its reply. */
    public String command(String line) throws IOException {
        sendRaw(line + "\r\n");
        return reply();
    }

    /** Upgrades the connection to TLS after the server's 220 to STARTTLS. */
    public void startTls() throws IOException {
        socket = wrap(plain);
        streams();
    }

    /** The negotiated TLS protocol, or {@code null} without TLS. */
    public String tlsProtocol() {
        return socket instanceof SSLSocket s ? s.getSession().getProtocol() : null;
    }

    public String tlsCipher() {
        return socket instanceof SSLSocket s ? s.getSession().getCipherSuite() : null;
    }

    /** AUTH PLAIN with an initial response. */
    public String authPlain(String user, String password) throws IOException {
        String token = Base64.getEncoder().encodeToString(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8));
        return command("AUTH PLAIN " + token);
    }

    public static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static SSLSocket wrap(Socket s) throws IOException {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new TrustAll()}, null);
            SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(s, "localhost", s.getPort(), true);
            tls.setUseClientMode(true);
            tls.startHandshake();
            return tls;
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
        plain.close();
    }

    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
