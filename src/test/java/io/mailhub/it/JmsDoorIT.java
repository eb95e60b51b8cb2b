package io.mailhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.MapMessage;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The JMS door of the packaged hub through its network acceptor, with clients nobody here wrote: Python's stomp.py
 * over STOMP and Artemis' own JMS client over CORE, each logging in with a login of the users file. smtp-sink is the
 * next hop.
 */
class JmsDoorIT {

    private static final String PASSWORD = "erp-secret-1";
    private static SmtpSink sink;
    private static HubProcess hub;
    private static int brokerPort;
    private static int jmxPort;
    private static Path ca;

    @BeforeAll
    static void start() throws Exception {
        sink = SmtpSink.onFreePort().start();
        Path dir = HubProcess.itDir("jms");
        Path users = dir.resolve("users");
        Files.writeString(users, "erp:" + SubmissionIT.hashPassword(PASSWORD) + ":@erp.test\n"
                + "shop:" + SubmissionIT.hashPassword(PASSWORD) + ":@shop.test\n");
        // the operator's PEM pair (the one SMTP and HTTPS use), made for the address the clients connect to
        ca = dir.resolve("cert.pem");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj", "/CN=jms.hub.test", "-addext",
                "subjectAltName=IP:127.0.0.1", "-keyout", dir.resolve("key.pem").toString(), "-out", ca.toString())
                .redirectErrorStream(true).start();
        String made = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(openssl.waitFor(30, TimeUnit.SECONDS) && openssl.exitValue() == 0).as(made).isTrue();
        brokerPort = Ports.free();
        jmxPort = Ports.free();
        hub = new HubProcess(dir).jvm("-Dcom.sun.management.jmxremote.port=" + jmxPort)
                .jvm("-Dcom.sun.management.jmxremote.authenticate=false").jvm("-Dcom.sun.management.jmxremote.ssl=false")
                .jvm("-Djava.rmi.server.hostname=127.0.0.1").set("mailhub.relay.smarthost", "127.0.0.1:" + sink.port)
                .set("mailhub.auth.users-file", users).set("mailhub.tls.cert", ca).set("mailhub.tls.key", dir.resolve("key.pem"))
                .set("mailhub.broker.acceptor", "tcp://127.0.0.1:" + brokerPort + "?sslEnabled=true")
                .start();
    }

    @AfterAll
    static void stop() throws Exception {
        Started.closeAll(hub, sink);
    }

    record Stomp(int exit, JsonNode out) {}

    private static Stomp stomp(String user, String password, String messagesJson) throws Exception {
        Process p = new ProcessBuilder("/usr/bin/python3",
                Path.of(JmsDoorIT.class.getResource("/it/stomp-send.py").toURI()).toString(), "127.0.0.1",
                Integer.toString(brokerPort), user, password, ca.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        p.getOutputStream().write(messagesJson.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Stomp(p.exitValue(), new ObjectMapper().readTree(out));
    }

    /** The hub's self-signed certificate as a PKCS#12 trust store, for the CORE clients (password changeit). */
    private static synchronized Path trustStore() throws Exception {
        Path store = ca.resolveSibling("trust.p12");
        if (!Files.exists(store)) {
            java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            try (var in = Files.newInputStream(ca)) {
                ks.setCertificateEntry("hub", java.security.cert.CertificateFactory.getInstance("X.509")
                        .generateCertificate(in));
            }
            try (var out = Files.newOutputStream(store)) {
                ks.store(out, "changeit".toCharArray());
            }
        }
        return store;
    }

    private static String q(String s) {
        return s.replace('\'', '"');
    }

    @Test
    void stompProducersSendJsonAndRawMimeAndOnlyTheMappedPropertiesCount() throws Exception {
        Stomp s = stomp("erp", PASSWORD, q("[{'body': \"{\\\"from\\\": \\\"orders@erp.test\\\", \\\"to\\\":"
                + " \\\"ann@remote.test\\\", \\\"subject\\\": \\\"jms-stomp-json\\\", \\\"text\\\": \\\"order 1\\\"}\"},"
                + " {'bytes': true, 'body': 'From: orders@erp.test\\r\\nTo: someone@remote.test\\r\\n"
                + "Subject: jms-stomp-raw\\r\\n\\r\\norder 2\\r\\n', 'headers': {'MailhubMailFrom': 'orders@erp.test',"
                + " 'MailhubRcptTo': 'bob@remote.test,carol@remote.test', 'To': 'evil@remote.test',"
                + " 'MailhubAuthUser': 'admin'}}]"));
        assertThat(s.exit()).as(s.out().toString()).isZero();

        SinkMessage json = sink.awaitMessage("jms-stomp-json");
        assertThat(json.recipients()).containsExactly("ann@remote.test");
        assertThat(json.content()).contains("with JMS");
        SinkMessage raw = sink.awaitMessage("jms-stomp-raw");
        assertThat(raw.sender()).isEqualTo("orders@erp.test");
        assertThat(raw.recipients()).containsExactlyInAnyOrder("bob@remote.test", "carol@remote.test");
        assertThat(sink.messages()).noneMatch(m -> m.recipients().contains("evil@remote.test")
                || m.recipients().contains("someone@remote.test"));
        assertThat(hub.log()).contains("from erp queued as");
        // the same body sent again is another message (STOMP has no message id: the broker's id tells them apart)
        Stomp again = stomp("erp", PASSWORD, q("[{'body': \"{\\\"from\\\": \\\"orders@erp.test\\\", \\\"to\\\":"
                + " \\\"ann@remote.test\\\", \\\"subject\\\": \\\"jms-stomp-json\\\", \\\"text\\\": \\\"order 1\\\"}\"}]"));
        assertThat(again.exit()).isZero();
        await().atMost(Duration.ofSeconds(20)).until(() -> sink.messages().stream()
                .filter(m -> m.content().contains("jms-stomp-json")).count() == 2);
    }

    /**
     * A raw message of 300 KB over STOMP: the broker stores it as a large message (over the acceptor's 100 KB) and
     * records its length, which the door checks against what it reads (ADR 0032): a whole body passes, all of it.
     */
    @Test
    void aLargeRawMessageOverStompIsDeliveredWhole() throws Exception {
        String mime = "From: orders@erp.test\r\nTo: ivan@remote.test\r\nSubject: jms-stomp-large\r\n\r\n"
                + ("Z".repeat(76) + "\r\n").repeat(4000) + "end-of-large\r\n";
        java.util.Map<String, Object> message = java.util.Map.of("bytes", true, "body", mime,
                "headers", java.util.Map.of("MailhubMailFrom", "orders@erp.test", "MailhubRcptTo", "ivan@remote.test"));
        Stomp s = stomp("erp", PASSWORD, new ObjectMapper().writeValueAsString(java.util.List.of(message)));
        assertThat(s.exit()).as(s.out().toString()).isZero();

        SinkMessage large = sink.awaitMessage("jms-stomp-large");
        assertThat(large.content()).contains("end-of-large");
        assertThat(large.content().split("Z{76}", -1)).as("every line arrived").hasSize(4001);
        assertThat(hub.log()).doesNotContain("truncated-body");
    }

    /** The Artemis distribution's own command-line producer over CORE, as an operator would try the door first. */
    @Test
    void theArtemisCommandLineProducerSendsJsonOverCore() throws Exception {
        artemisProducer("erp", "CORE", "tcp://127.0.0.1:" + brokerPort + "?sslEnabled=true&trustStorePath="
                + trustStore() + "&trustStorePassword=changeit", "jms-artemis-cli", "frank@remote.test", "[]");
        assertThat(sink.awaitMessage("jms-artemis-cli").recipients()).containsExactly("frank@remote.test");
    }

    /**
     * The same command over AMQP 1.0: its producer is then Apache Qpid JMS, the AMQP client the distribution ships. An
     * AMQP producer that claims another login in the property the broker stamps is still itself.
     */
    @Test
    void theArtemisCommandLineProducerSendsJsonOverAmqpAsItsOwnLogin() throws Exception {
        String url = "amqps://127.0.0.1:" + brokerPort + "?transport.trustStoreLocation=" + trustStore()
                + "&transport.trustStorePassword=changeit&transport.trustStoreType=PKCS12";
        artemisProducer("erp", "AMQP", url, "jms-artemis-amqp", "grace@remote.test", "[]");
        assertThat(sink.awaitMessage("jms-artemis-amqp").recipients()).containsExactly("grace@remote.test");

        artemisProducer("shop", "AMQP", url, "jms-amqp-posing", "heidi@remote.test",
                "[{\"type\":\"string\",\"key\":\"_AMQ_VALIDATED_USER\",\"value\":\"erp\"}]");
        await().atMost(Duration.ofSeconds(20)).until(() -> hub.log().contains("is not an address API key shop may"
                + " send as"));
        assertThat(sink.messages()).noneMatch(m -> m.content().contains("jms-amqp-posing"));
    }

    private static void artemisProducer(String user, String protocol, String url, String subject, String to,
            String properties) throws Exception {
        Path artemis = Path.of(System.getProperty("artemis.home", "target/artemis-dist/apache-artemis-2.56.0"),
                "bin", "artemis");
        String json = "{\"from\": \"orders@erp.test\", \"to\": \"" + to + "\", \"subject\": \"" + subject
                + "\", \"text\": \"order 5\"}";
        ProcessBuilder pb = new ProcessBuilder(artemis.toString(), "producer", "--url", url, "--user", user,
                "--password", PASSWORD, "--protocol", protocol, "--destination", "queue://mail.submit",
                "--message-count", "1", "--message", json, "--properties", properties, "--silent")
                .redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }

    @Test
    void aMessageSentTwiceWithTheSameIdempotencyKeyIsDeliveredOnce() throws Exception {
        String one = "{'body': \"{\\\"from\\\": \\\"orders@erp.test\\\", \\\"to\\\": \\\"eve@remote.test\\\","
                + " \\\"subject\\\": \\\"jms-idempotent\\\", \\\"text\\\": \\\"x\\\"}\","
                + " 'headers': {'Idempotency-Key': 'order-77'}}";
        assertThat(stomp("erp", PASSWORD, q("[" + one + ", " + one + "]")).exit()).isZero();

        sink.awaitMessage("jms-idempotent");
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> sink.messages().stream()
                .filter(m -> m.content().contains("jms-idempotent")).count() == 1);
    }

    @Test
    void badInputIsMovedToTheInvalidQueueWithItsReasonAndNeverDelivered() throws Exception {
        Stomp s = stomp("erp", PASSWORD, q("[{'body': '{\\\"from\\\": \\\"orders@erp.test\\\", \\\"to\\\": '},"
                + " {'body': \"{\\\"from\\\": \\\"ceo@bank.test\\\", \\\"to\\\": \\\"x@remote.test\\\","
                + " \\\"subject\\\": \\\"jms-forged\\\", \\\"text\\\": \\\"x\\\"}\"}]"));
        assertThat(s.exit()).as(s.out().toString()).isZero();

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(hub.log())
                .contains("refused, moved to mail.submit.invalid: 5.5.2 invalid-request:")
                .contains("refused, moved to mail.submit.invalid: 5.7.1 sender-not-allowed:"));
        assertThat(sink.messages()).noneMatch(m -> m.content().contains("jms-forged"));
        // the refused messages wait in mail.submit.invalid, each with its reason (read through the broker's JMX)
        String invalid = invalidQueue();
        assertThat(invalid).contains("\"MailhubRejectReason\":\"5.5.2 invalid-request:")
                .contains("\"MailhubRejectReason\":\"5.7.1 sender-not-allowed:").contains("ceo@bank.test");
    }

    /** The messages of mail.submit.invalid as the broker lists them (JSON with every property). */
    private static String invalidQueue() throws Exception {
        javax.management.remote.JMXServiceURL url = new javax.management.remote.JMXServiceURL(
                "service:jmx:rmi:///jndi/rmi://127.0.0.1:" + jmxPort + "/jmxrmi");
        try (javax.management.remote.JMXConnector c = javax.management.remote.JMXConnectorFactory.connect(url)) {
            javax.management.ObjectName queue = new javax.management.ObjectName("org.apache.activemq.artemis:"
                    + "broker=\"mailhub\",component=addresses,address=\"mail.submit.invalid\",subcomponent=queues,"
                    + "routing-type=\"anycast\",queue=\"mail.submit.invalid\"");
            return (String) c.getMBeanServerConnection().invoke(queue, "listMessagesAsJSON", new Object[] {""},
                    new String[] {String.class.getName()});
        }
    }

    @Test
    void theAcceptorSpeaksOnlyTlsWithTheHubsCertificate() throws Exception {
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance("PKIX");
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(trustStore())) {
            ks.load(in, "changeit".toCharArray());
        }
        tmf.init(ks);
        javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        try (javax.net.ssl.SSLSocket tls = (javax.net.ssl.SSLSocket) ctx.getSocketFactory()
                .createSocket("127.0.0.1", brokerPort)) {
            tls.startHandshake(); // verifies the chain against the hub's own PEM certificate
            assertThat(tls.getSession().getProtocol()).isIn("TLSv1.3", "TLSv1.2");
            assertThat(((java.security.cert.X509Certificate) tls.getSession().getPeerCertificates()[0]).getEncoded())
                    .isEqualTo(((java.security.cert.X509Certificate) ks.getCertificate("hub")).getEncoded());
        }
        // a STOMP client that does not start TLS gets no session
        Process plain = new ProcessBuilder("/usr/bin/python3",
                Path.of(JmsDoorIT.class.getResource("/it/stomp-send.py").toURI()).toString(), "127.0.0.1",
                Integer.toString(brokerPort), "erp", PASSWORD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        plain.getOutputStream().write("[]".getBytes(StandardCharsets.UTF_8));
        plain.getOutputStream().close();
        String out = new String(plain.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(plain.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(plain.exitValue()).as(out).isEqualTo(3);
    }

    @Test
    void aWrongPasswordCannotLogInAndAUserCannotReachTheHubsOwnQueues() throws Exception {
        Stomp wrong = stomp("erp", "wrong", "[]");
        assertThat(wrong.exit()).isEqualTo(3);
        assertThat(wrong.out().get("error").asText()).startsWith("connect");

        Stomp internal = stomp("erp", PASSWORD, q("[{'destination': 'mail.incoming', 'body': 'x'}]"));
        assertThat(internal.exit()).as(internal.out().toString()).isEqualTo(4);
        assertThat(internal.out().get("error").asText()).contains("Error sending message"); // refused: not allowed
    }

    @Test
    void coreClientsGetAReceiptOnTheirReplyQueueAndMapAndObjectMessagesAreHandled() throws Exception {
        ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory("tcp://127.0.0.1:" + brokerPort
                + "?sslEnabled=true&trustStorePath=" + trustStore() + "&trustStorePassword=changeit");
        try (Connection c = cf.createConnection("erp", PASSWORD)) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            Queue submit = s.createQueue("mail.submit");
            TemporaryQueue replies = s.createTemporaryQueue();
            MessageConsumer receipts = s.createConsumer(replies);
            c.start();
            MessageProducer p = s.createProducer(submit);

            MapMessage map = s.createMapMessage();
            map.setString("from", "orders@erp.test");
            map.setString("to", "dave@remote.test");
            map.setString("subject", "jms-core-map");
            map.setString("text", "order 3");
            map.setBytes("invoice.pdf", "%PDF-1.4 test".getBytes(StandardCharsets.US_ASCII));
            map.setJMSReplyTo(replies);
            map.setJMSCorrelationID("order-3");
            p.send(map);
            jakarta.jms.ObjectMessage object = s.createObjectMessage(new ArrayList<>(List.of("x")));
            object.setJMSReplyTo(replies);
            object.setJMSCorrelationID("order-4");
            p.send(object);

            Map<String, JsonNode> byCorrelation = new java.util.HashMap<>();
            for (int i = 0; i < 2; i++) {
                TextMessage r = (TextMessage) receipts.receive(30_000);
                assertThat(r).as("receipt %d", i).isNotNull();
                byCorrelation.put(r.getJMSCorrelationID(), new ObjectMapper().readTree(r.getText()));
            }
            JsonNode ok = byCorrelation.get("order-3");
            assertThat(ok.get("id").asText()).matches("[0-9A-Z]{10,}");
            assertThat(ok.get("accepted").toString()).isEqualTo("[\"dave@remote.test\"]");
            assertThat(ok.get("reason").isNull()).isTrue();
            JsonNode refused = byCorrelation.get("order-4");
            assertThat(refused.get("id").isNull()).isTrue();
            assertThat(refused.get("reason").asText()).startsWith("5.6.0 unsupported-message-type: ObjectMessage");

            SinkMessage m = sink.awaitMessage("jms-core-map");
            assertThat(m.content()).contains("invoice.pdf");

            assertThat(sendTo(s, "mail.dead")).isInstanceOf(JMSSecurityException.class);
        }
    }

    private static JMSException sendTo(Session s, String queue) {
        try {
            s.createProducer(s.createQueue(queue)).send(s.createTextMessage("x"));
            return null;
        } catch (JMSException e) {
            return e;
        }
    }
}
