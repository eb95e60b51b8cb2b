package io.mailhub.app;

import static org.awaitility.Awaitility.await;

import io.mailhub.queue.EmbeddedBroker;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.main.Main;

/** The hub running in this JVM (Camel Main on its real embedded broker), for tests of the packaged and user routes. */
final class InProcessHub {

    private final Main main;
    private final Thread thread;

    private InProcessHub(Main main, Thread thread) {
        this.main = main;
        this.thread = thread;
    }

    /**
     * The settings every in-process hub of the tests starts from: SMTP on {@code smtpPort} (submission and SMTPS
     * off), HTTP on {@code httpPort}, hostname {@code hub.test}, data and config under {@code dir}; a mutable map for
     * each test's own additions.
     */
    static Map<String, String> settings(java.nio.file.Path dir, int smtpPort, int httpPort) {
        return new java.util.HashMap<>(Map.of(
                "mailhub.smtp.port", Integer.toString(smtpPort),
                "mailhub.submission.port", "off",
                "mailhub.smtps.port", "off",
                "mailhub.http.port", Integer.toString(httpPort),
                "mailhub.hostname", "hub.test",
                "mailhub.data.dir", dir.resolve("data").toString(),
                "mailhub.config.dir", dir.resolve("config").toString()));
    }

    /** Starts the hub with these settings and waits until its SMTP port listens. */
    static InProcessHub start(Map<String, String> values) throws Exception {
        MailhubSettings settings = MailhubSettings.from(new ConfigSource(values, Map.of(), Map.of(), null));
        Main main = MailhubMain.createMain(settings);
        Thread thread = new Thread(() -> {
            try {
                main.run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "hub-main");
        thread.start();
        int port = Integer.parseInt(values.get("mailhub.smtp.port"));
        await().atMost(Duration.ofSeconds(60)).until(() -> listening(port));
        return new InProcessHub(main, thread);
    }

    Main main() {
        return main;
    }

    /**
     * The shipped broker.xml with redeliveries {@code delayMillis} apart (instead of 5 s, 15 s, 45 s, ...) and
     * {@code attempts} deliveries before mail.dead, written into {@code dir}: for {@code mailhub.broker.config}.
     */
    static java.nio.file.Path fastRedelivery(java.nio.file.Path dir, int delayMillis, int attempts)
            throws java.io.IOException {
        String xml = java.nio.file.Files.readString(java.nio.file.Path.of("artemis/broker.xml"))
                .replace("<redelivery-delay>5000</redelivery-delay>",
                        "<redelivery-delay>" + delayMillis + "</redelivery-delay>")
                .replace("<redelivery-delay-multiplier>3</redelivery-delay-multiplier>",
                        "<redelivery-delay-multiplier>1</redelivery-delay-multiplier>")
                .replace("<max-delivery-attempts>5</max-delivery-attempts>",
                        "<max-delivery-attempts>" + attempts + "</max-delivery-attempts>");
        java.nio.file.Path config = dir.resolve("broker.xml");
        java.nio.file.Files.writeString(config, xml);
        return config;
    }

    void stop() throws InterruptedException {
        main.completed();
        thread.join(60_000);
    }

    /** The next message of a queue of the hub's broker, or {@code null} after the timeout; its body read already. */
    static Message receive(String queue, long timeoutMillis) throws Exception {
        ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory(EmbeddedBroker.IN_VM_URL);
        try (Connection c = cf.createConnection()) {
            c.start();
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageConsumer consumer = s.createConsumer(s.createQueue(queue));
            Message m = consumer.receive(timeoutMillis);
            if (m instanceof BytesMessage b) {
                b.getBodyLength(); // read while the session is open
            }
            return m;
        } finally {
            cf.close();
        }
    }

    /** One SMTP transaction on {@code port} from loopback; returns the reply to the end of DATA. */
    static String smtp(int port, String from, java.util.List<String> recipients, String message) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII));
            java.io.OutputStream out = socket.getOutputStream();
            StringBuilder cmds = new StringBuilder("EHLO client.test\r\nMAIL FROM:<" + from + ">\r\n");
            for (String r : recipients) {
                cmds.append("RCPT TO:<").append(r).append(">\r\n");
            }
            cmds.append("DATA\r\n");
            String greeting = in.readLine();
            if (greeting == null || !greeting.startsWith("220")) {
                throw new AssertionError("no greeting: " + greeting);
            }
            out.write(cmds.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String line;
            do {
                line = in.readLine();
            } while (line != null && !line.startsWith("354"));
            out.write((message + ".\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            String reply = in.readLine();
            out.write("QUIT\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return reply;
        }
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static boolean listening(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
