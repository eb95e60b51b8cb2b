package io.mailhub.queue;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailhub.testing.TestBroker;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.Session;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What a stage reads from its queue through the hub's JMS binding, on the real embedded broker. */
class MailJmsBindingTest {

    @RegisterExtension
    final TestBroker broker = new TestBroker();

    private DefaultCamelContext camel;
    /** What the route read: the body's length, or the failure of reading it. */
    private final java.util.concurrent.BlockingQueue<Object> read = new java.util.concurrent.LinkedBlockingQueue<>();

    @BeforeEach
    void start() throws Exception {
        camel = new DefaultCamelContext();
        MailJmsComponent jms = new MailJmsComponent(1024 * 1024);
        jms.setConnectionFactory(broker.cf());
        jms.setArtemisStreamingEnabled(true);
        camel.addComponent("jms", jms);
        camel.addRoutes(new org.apache.camel.builder.RouteBuilder() {
            @Override
            public void configure() {
                onException(Exception.class).handled(true).process(e -> read.add(
                        e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class)));
                from("jms:queue:" + QueueNames.INCOMING).process(e -> {
                    try (InputStream in = e.getMessage().getBody(InputStream.class)) {
                        read.add(in.readAllBytes().length);
                    }
                });
            }
        });
        camel.start();
    }

    @AfterEach
    void stop() {
        camel.stop();
    }

    private void send(byte[] body, Long sentLength, boolean streamed) throws Exception {
        try (Connection c = broker.cf().createConnection()) {
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            BytesMessage m = s.createBytesMessage();
            if (streamed) {
                m.setObjectProperty("JMS_AMQ_InputStream", new ByteArrayInputStream(body));
            } else {
                m.writeBytes(body);
            }
            if (sentLength != null) {
                m.setLongProperty(LargeBodyCheck.SENT_LENGTH, sentLength);
            }
            s.createProducer(s.createQueue(QueueNames.INCOMING)).send(m);
        }
    }

    @Test
    void aLargeBodyIsReadWhole() throws Exception {
        byte[] body = "Y".repeat(1_500_000).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        send(body, null, true);

        assertThat(read.poll(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(1_500_000);
    }

    @Test
    void aBodyTheBrokerHoldsCutShortFailsWhereItIsReadSoTheRouteRollsBack() throws Exception {
        send("Subject: x\r\n\r\nhi\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 1_500_000L, false);

        assertThat(read.poll(10, java.util.concurrent.TimeUnit.SECONDS)).isInstanceOfSatisfying(Exception.class, e ->
                assertThat(e).hasRootCauseInstanceOf(LargeBodyCheck.CutShort.class).rootCause()
                        .hasMessageStartingWith("body cut short: the broker holds 18 of the 1500000 octets sent"));
    }
}
