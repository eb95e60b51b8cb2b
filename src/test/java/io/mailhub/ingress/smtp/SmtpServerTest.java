package io.mailhub.ingress.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailhub.cleanup.MessageComposer;
import io.mailhub.policy.DomainList;
import io.mailhub.policy.NetworkList;
import io.mailhub.policy.PolicyChain;
import io.mailhub.policy.RelayControl;
import io.mailhub.queue.FakeMailQueue;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The listener's hand-over of accepted connections to session threads. */
@Timeout(10)
class SmtpServerTest {

    private static final String HOSTNAME = "mx.example.test";

    @TempDir
    Path spool;

    private SmtpServer listener() throws Exception {
        SmtpSettings settings = new SmtpSettings(HOSTNAME, InetAddress.getLoopbackAddress(), 0, ListenerRole.MX, 10, 0,
                NetworkList.empty(), Duration.ofMinutes(5), 0, 10_000, 100, 2000, spool, 64 * 1024, 20,
                Duration.ofSeconds(1));
        RelayControl relay = new RelayControl(DomainList.parse("example.test"), NetworkList.empty(), HOSTNAME);
        return new SmtpServer(settings, PolicyChain.of(relay), new FakeMailQueue(),
                new MessageComposer(HOSTNAME, Clock.systemUTC()));
    }

    @Test
    void aConnectionAcceptedWhileTheListenerStopsIsToldItIsShuttingDownAndClosed() throws Exception {
        SmtpServer server = listener();
        server.start();
        server.stop(); // the session threads are gone; the acceptor may still hold a connection accepted just before
        ScriptedSocket late = new ScriptedSocket(InetAddress.getLoopbackAddress(), List.of());

        server.startSession(late);

        assertThat(late.output()).isEqualTo("421 4.3.2 " + HOSTNAME + " Service shutting down, try again later\r\n");
        assertThat(late.isClosed()).isTrue();
        assertThat(server.activeSessions()).isZero();
    }

    @Test
    void aConnectionOfARunningListenerGetsASession() throws Exception {
        SmtpServer server = listener();
        server.start();
        try {
            ScriptedSocket client = new ScriptedSocket(InetAddress.getLoopbackAddress(), List.of("QUIT\r\n".getBytes()));

            server.startSession(client);

            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(client::isClosed);
            assertThat(client.output()).startsWith("220 " + HOSTNAME).contains("221 2.0.0");
        } finally {
            server.stop();
        }
    }
}
