import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * bench/SubmissionLoad.java - smtp-source for submission: SESSIONS parallel clients send COUNT messages of SIZE
 * payload octets, one message per connection like smtp-source, each connection doing EHLO, STARTTLS, EHLO again,
 * AUTH PLAIN, MAIL, RCPT, DATA, QUIT. TLS as the JDK negotiates it (TLS 1.3 with both servers here); the server
 * certificate is not verified (a benchmark, not a client).
 *
 * <pre>java bench/SubmissionLoad.java HOST PORT SESSIONS COUNT SIZE FROM TO USER PASSWORD</pre>
 *
 * Exits 0 when every message got its 250, 1 otherwise (the first failure is printed).
 */
public final class SubmissionLoad {

    public static void main(String[] args) throws Exception {
        if (args.length != 9) {
            System.err.println("usage: java SubmissionLoad.java HOST PORT SESSIONS COUNT SIZE FROM TO USER PASSWORD");
            System.exit(2);
        }
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        int sessions = Integer.parseInt(args[2]);
        int count = Integer.parseInt(args[3]);
        int size = Integer.parseInt(args[4]);
        String from = args[5];
        String to = args[6];
        String auth = Base64.getEncoder().encodeToString(("\0" + args[7] + "\0" + args[8]).getBytes(StandardCharsets.UTF_8));
        byte[] message = message(size);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, new TrustManager[] {new TrustAll()}, null);

        AtomicInteger next = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(sessions);
        for (int s = 0; s < sessions; s++) {
            pool.execute(() -> {
                while (next.getAndIncrement() < count) {
                    try {
                        send(host, port, tls, auth, from, to, message);
                    } catch (Exception e) {
                        if (failed.getAndIncrement() == 0) {
                            System.err.println("SubmissionLoad: " + e);
                        }
                    }
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(1, TimeUnit.DAYS);
        System.out.println("sent " + (count - failed.get()) + " of " + count);
        System.exit(failed.get() == 0 ? 0 : 1);
    }

    /** Header and SIZE octets of body in lines of 78 characters, as smtp-source makes them. */
    static byte[] message(int size) {
        StringBuilder sb = new StringBuilder("From: <sender@bench.test>\r\nTo: <rcpt@bench.test>\r\nSubject: bench\r\n\r\n");
        for (int n = 0; n < size; ) {
            int line = Math.min(78, size - n);
            sb.append("X".repeat(line)).append("\r\n");
            n += line + 2;
        }
        return sb.append(".\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    }

    static void send(String host, int port, SSLContext tls, String auth, String from, String to, byte[] message)
            throws IOException {
        try (Socket plain = new Socket(host, port)) {
            plain.setSoTimeout(120_000);
            plain.setTcpNoDelay(true);
            Conversation c = new Conversation(plain);
            c.expect(220, null);
            c.expect(250, "EHLO bench.client");
            c.expect(220, "STARTTLS");
            SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(plain, host, port, true);
            s.startHandshake();
            c = new Conversation(s);
            c.expect(250, "EHLO bench.client");
            c.expect(235, "AUTH PLAIN " + auth);
            c.expect(250, "MAIL FROM:<" + from + ">");
            c.expect(250, "RCPT TO:<" + to + ">");
            c.expect(354, "DATA");
            c.out.write(message);
            c.out.flush();
            c.expect(250, null);
            c.expect(221, "QUIT");
        }
    }

    static final class Conversation {
        final BufferedReader in;
        final OutputStream out;

        Conversation(Socket s) throws IOException {
            in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            out = s.getOutputStream();
        }

        void expect(int code, String command) throws IOException {
            if (command != null) {
                out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            String line;
            do {
                line = in.readLine();
                if (line == null) {
                    throw new IOException("connection closed after " + command);
                }
            } while (line.length() > 3 && line.charAt(3) == '-');
            if (!line.startsWith(Integer.toString(code))) {
                throw new IOException((command == null ? "greeting/data" : command.split(" ")[0]) + ": " + line);
            }
        }
    }

    static final class TrustAll implements X509TrustManager {
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
