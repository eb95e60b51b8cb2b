package io.mailhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailhub.testing.TestCertificates;
import jakarta.jms.Connection;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Session;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The hub on a standalone broker: the Artemis 2.56.0 distribution, set up as artemis/README.md says ({@code artemis
 * create} with login required, our broker.xml with security on, a TLS acceptor), and the packaged hub with
 * {@code mailhub.broker.url}, {@code mailhub.broker.user}, {@code mailhub.broker.password-file} and
 * {@code mailhub.broker.ca-file}. Queue administration (the admin API, the {@code queue} command, the queue meters)
 * works there as on the embedded broker; the broker refuses anonymous clients, and a JMS door producer may only send
 * to {@code mail.submit}; a wrong password or an untrusted broker certificate is refused.
 */
class ExternalBrokerIT {

    static final String PASSWORD = "operator pass";
    static final String HUB_PASSWORD = "hub broker pass";
    static final String PRODUCER_PASSWORD = "erp broker pass";
    static StandaloneBroker broker;
    static HubProcess hub;
    static int port;
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        dir = HubProcess.itDir("external-broker");
        TestCertificates tls = TestCertificates.get();
        broker = StandaloneBroker.create(dir.resolve("broker"), "mailhub", HUB_PASSWORD)
                .user("erp", PRODUCER_PASSWORD).user("crm", PRODUCER_PASSWORD) // JMS door producers, as artemis/README.md adds them
                .role("mailhub-submit", "erp", "crm").role("erp", "erp") // erp also reads what readers=erp names
                .brokerXml(xml -> { // its acceptor with TLS as artemis/README.md shows (the test CA's server certificate)
                    assertThat(xml).contains("useEpoll=true</acceptor>");
                    return xml.replace("useEpoll=true</acceptor>", "useEpoll=true;sslEnabled=true;keyStoreType=PKCS12;"
                            + "keyStorePath=" + tls.caSignedServerKeyStore() + ";keyStorePassword=" + tls.storePassword()
                            + "</acceptor>");
                })
                .javaArgs("-Dmailhub.broker.security-enabled=true")
                .run();
        port = broker.port;

        Path admins = dir.resolve("admins");
        Files.writeString(admins, "olga:" + SubmissionIT.hashPassword(PASSWORD) + ":operator\n");
        Path users = dir.resolve("users"); // the JMS door's sender rules for the broker's user erp
        Files.writeString(users, "erp:" + SubmissionIT.hashPassword(PRODUCER_PASSWORD) + ":@erp.test\n");
        Path routes = Files.createDirectories(dir.resolve("routes")); // rules the hub gives the broker for its queues
        Files.writeString(routes.resolve("routing.camel.yaml"), """
                - route:
                    id: routing
                    from:
                      uri: direct:routing
                      steps:
                        - choice:
                            when:
                              - simple: "${header.MailhubRcptDomains} == 'review.test'"
                                steps:
                                  - to: "mailhub:hold?queue=held.review"
                              - simple: "${header.MailhubRcptDomains} == 'erp.test'"
                                steps:
                                  - to: "mailhub:jms?queue=erp.inbox&readers=erp"
                """);
        hub = onTheBroker(new HubProcess(dir.resolve("hub")), Files.writeString(dir.resolve("hub-broker-password"),
                HUB_PASSWORD + "\n"), tls.caPem())
                .set("mailhub.relay.smarthost", "127.0.0.1:" + Ports.free()) // nothing listens: every attempt defers
                .set("mailhub.relay.trusted-networks", "127.0.0.0/8")
                .set("mailhub.admin.users-file", admins)
                .set("mailhub.auth.users-file", users)
                .set("mailhub.routes.dir", routes)
                .start();
        for (int i = 0; i < 3; i++) {
            Swaks.Result r = Swaks.run(hub.smtpPort, "-f", "erp@shop.test", "-t", "user" + i + "@partner.test");
            assertThat(r.exitCode()).as(r.transcript()).isZero();
        }
        await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(list("state=deferred")
                .path("total").asInt()).isEqualTo(3));
    }

    /** A hub on the test's broker over TLS (by the name the certificate holds), logged in as user mailhub. */
    static HubProcess onTheBroker(HubProcess h, Path passwordFile, Path caFile) {
        return h.set("mailhub.broker.url", "tcp://localhost:" + port + "?sslEnabled=true")
                .set("mailhub.broker.user", "mailhub")
                .set("mailhub.broker.password-file", passwordFile)
                .set("mailhub.broker.ca-file", caFile);
    }

    /** A client of the test's broker, trusting the test CA. */
    static ActiveMQConnectionFactory client() throws Exception {
        Path trust = dir.resolve("client-trust.p12");
        if (!Files.exists(trust)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            try (var in = Files.newInputStream(TestCertificates.get().caPem())) {
                ks.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
            }
            try (var out = Files.newOutputStream(trust)) {
                ks.store(out, "changeit".toCharArray());
            }
        }
        return new ActiveMQConnectionFactory("tcp://localhost:" + port + "?sslEnabled=true&verifyHost=true"
                + "&trustStorePath=" + trust + "&trustStorePassword=changeit&trustStoreType=PKCS12");
    }

    @AfterAll
    static void stop() throws Exception {
        Started.closeAll(hub, broker);
    }

    static JsonNode list(String query) throws Exception {
        Curl.Response r = Curl.request("GET", hub.url("/admin/v1/messages?" + query)).option("-u", "olga:" + PASSWORD)
                .send();
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    static QueueCli queue(String... args) throws Exception {
        return QueueCli.run(hub, "olga", PASSWORD, args);
    }

    @Test
    void theQueueOnAStandaloneBrokerIsListedHeldReleasedAndReroutedLikeTheEmbeddedOne() throws Exception {
        JsonNode all = list("");
        assertThat(all.path("total").asInt()).isEqualTo(3);
        assertThat(all.path("messages")).allSatisfy(m -> {
            assertThat(m.path("queue_name").asText()).isEqualTo("mail.outbound");
            assertThat(m.path("sender").asText()).isEqualTo("erp@shop.test");
            assertThat(m.path("attempts").asInt()).isEqualTo(1);
        });
        String id = list("recipient=user1@partner.test").path("messages").get(0).path("queue_id").asText();

        QueueCli hold = queue("hold", id, "--reason", "check it first");
        assertThat(hold.exit()).as(hold.err()).isZero();
        assertThat(hold.out()).startsWith("hold: 1 matched, 1 acted on");
        assertThat(list("queue=mail.hold").path("messages").get(0).path("queue_id").asText()).isEqualTo(id);
        assertThat(queue("summary").out()).containsPattern("mail.hold +1 ");
        assertThat(Scrape.of(hub).sum("mailhub_queue_messages", "queue", "mail.outbound"))
                .as("the queue meters read the standalone broker").isEqualTo(2.0);

        assertThat(queue("release", id, "--reason", "checked").out()).startsWith("release: 1 matched, 1 acted on");
        try (SmtpSink sink = SmtpSink.onFreePort().start()) {
            QueueCli reroute = queue("reroute", "--all", "--to", "[127.0.0.1]:" + sink.port, "--reason",
                    "the partner's relay moved");
            assertThat(reroute.exit()).as(reroute.err()).isZero();
            assertThat(reroute.out()).startsWith("reroute: 3 matched, 3 acted on");
            await().atMost(Duration.ofSeconds(30)).until(() -> sink.messages().size() == 3);
            assertThat(sink.messages()).flatExtracting(SinkMessage::recipients).containsExactlyInAnyOrder(
                    "user0@partner.test", "user1@partner.test", "user2@partner.test");
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(list("").path("total").asInt())
                .isZero());
        assertThat(broker.log()).doesNotContain("AMQ224");
    }

    @Test
    void theBrokerRefusesAnonymousClientsAndLetsAProducerSendOnlyToTheSubmitQueueAndReadItsEgress() throws Exception {
        ActiveMQConnectionFactory anonymous = client();
        assertThatThrownBy(anonymous::createConnection).isInstanceOf(JMSSecurityException.class);

        try (Connection hubUser = client().createConnection("mailhub", HUB_PASSWORD)) { // as a mailhub:jms egress does
            Session s = hubUser.createSession(false, Session.AUTO_ACKNOWLEDGE);
            s.createProducer(s.createQueue("erp.inbox")).send(s.createTextMessage("mail for the ERP"));
            s.createProducer(s.createQueue("quarantine.review")).send(s.createTextMessage("held mail"));
        }
        try (Connection erp = client().createConnection("erp", PRODUCER_PASSWORD)) {
            Session s = erp.createSession(false, Session.AUTO_ACKNOWLEDGE);
            erp.start();
            assertThatThrownBy(() -> s.createConsumer(s.createQueue("mail.outbound")))
                    .as("the mail queues are the hub's").isInstanceOf(JMSSecurityException.class);
            try (var egress = s.createConsumer(s.createQueue("erp.inbox"))) { // as an ERP reads a mailhub:jms egress
                assertThat(((jakarta.jms.TextMessage) egress.receive(10_000)).getText()).isEqualTo("mail for the ERP");
            }
            s.createConsumer(s.createTemporaryQueue()).close(); // a receipt queue for JMSReplyTo
            assertThatThrownBy(() -> s.createConsumer(s.createQueue("quarantine.review")))
                    .as("held mail is for operators").isInstanceOf(JMSSecurityException.class);
            assertThatThrownBy(() -> s.createProducer(s.createQueue("mail.incoming")).send(s.createTextMessage("x")))
                    .as("only the JMS door's queue takes a producer's mail").isInstanceOf(JMSSecurityException.class);
            s.createProducer(s.createQueue("mail.submit")).send(s.createTextMessage("{\"from\": \"orders@erp.test\","
                    + " \"to\": \"ap@partner.test\", \"subject\": \"over the standalone broker\", \"text\": \"x\"}"));
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(list("recipient=ap@partner.test")
                .path("messages")).singleElement().satisfies(m -> {
                    assertThat(m.path("sender").asText()).isEqualTo("orders@erp.test");
                    assertThat(m.path("principal").asText()).as("the user the broker validated").isEqualTo("erp");
                }));
        assertThat(queue("delete", "--recipient", "ap@partner.test", "--reason", "test done").exit()).isZero();
    }

    @Test
    void theHubGivesTheBrokerTheRoutesRulesOnlyNamedReadersReadAnEgressQueueAndNoProducerReadsHeldMail()
            throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(() -> hub.log().contains(
                "broker: erp.inbox may be read by the hubs and the roles erp") && hub.log().contains(
                "broker: held.review may be read by the hubs only"));
        try (Connection hubUser = client().createConnection("mailhub", HUB_PASSWORD)) {
            Session s = hubUser.createSession(false, Session.AUTO_ACKNOWLEDGE);
            s.createConsumer(s.createQueue("held.review")).close(); // both queues exist, as once the routes used them
            s.createConsumer(s.createQueue("erp.inbox")).close();
        }
        try (Connection crm = client().createConnection("crm", PRODUCER_PASSWORD)) {
            Session s = crm.createSession(false, Session.AUTO_ACKNOWLEDGE);
            crm.start();
            assertThatThrownBy(() -> s.createConsumer(s.createQueue("erp.inbox")))
                    .as("readers=erp: not crm's").isInstanceOf(JMSSecurityException.class);
            assertThatThrownBy(() -> s.createBrowser(s.createQueue("erp.inbox")).getEnumeration())
                    .isInstanceOf(JMSSecurityException.class);
        }
        try (Connection erp = client().createConnection("erp", PRODUCER_PASSWORD)) {
            Session s = erp.createSession(false, Session.AUTO_ACKNOWLEDGE);
            erp.start();
            s.createConsumer(s.createQueue("erp.inbox")).close();
            assertThatThrownBy(() -> s.createConsumer(s.createQueue("held.review")))
                    .as("mail a route holds is for operators").isInstanceOf(JMSSecurityException.class);
        }
    }

    @Test
    void aSuspensionOnOneHubHoldsOnAnotherHubOfTheSameBrokerAndEitherMayLiftIt() throws Exception {
        HubProcess second = onTheBroker(new HubProcess(HubProcess.itDir("external-broker-second-hub")),
                dir.resolve("hub-broker-password"), TestCertificates.get().caPem())
                .set("mailhub.admin.users-file", dir.resolve("admins")).start();
        try {
            QueueCli suspend = queue("suspend", "slow.test", "--for", "1h", "--reason", "their MX asked us to wait");
            assertThat(suspend.exit()).as(suspend.err()).isZero();

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                    QueueCli.run(second, "olga", PASSWORD, "suspensions").out()).contains("slow.test"));
            QueueCli resume = QueueCli.run(second, "olga", PASSWORD, "resume", "slow.test", "--reason", "done");
            assertThat(resume.exit()).as(resume.err()).isZero();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(queue("suspensions").out())
                    .doesNotContain("slow.test"));
        } finally {
            second.close();
        }
    }

    @Test
    void aWrongBrokerPasswordStopsTheHubAtOnceNamingTheSettingsButNotThePassword() throws Exception {
        HubProcess wrong = onTheBroker(new HubProcess(HubProcess.itDir("external-broker-wrong-password")),
                Files.writeString(dir.resolve("wrong-password"), "not the password\n"), TestCertificates.get().caPem());

        Throwable failed = catchThrowable(wrong::start);

        assertThat(failed).hasMessageContaining("hub exited with 1").hasMessageContaining("the broker at tcp://localhost:"
                + port + "?sslEnabled=true refused the login of user mailhub (mailhub.broker.user,"
                + " mailhub.broker.password-file)");
        assertThat(failed.getMessage()).doesNotContain("not the password");
        wrong.close();
    }

    @Test
    void aBrokerCertificateThatDoesNotLeadToTheCaFileStopsTheHubAtOnceSayingSo() throws Exception {
        HubProcess distrustful = onTheBroker(new HubProcess(HubProcess.itDir("external-broker-other-ca")),
                dir.resolve("hub-broker-password"), TestCertificates.get().selfSignedPem());

        Throwable failed = catchThrowable(distrustful::start);

        assertThat(failed).hasMessageContaining("hub exited with 1").hasMessageContaining("the broker at tcp://localhost:"
                + port + "?sslEnabled=true presented a certificate the hub does not trust")
                .hasMessageContaining("PKIX path building failed");
        distrustful.close();
    }
}
