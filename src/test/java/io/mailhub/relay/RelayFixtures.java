package io.mailhub.relay;

import io.mailhub.model.BodyType;
import io.mailhub.model.Envelope;
import io.mailhub.model.MailAddress;
import io.mailhub.model.Recipient;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/** What the relay's tests share: short timeouts, a loopback transport, a relay and an envelope. */
final class RelayFixtures {

    /** 2 s to connect, 5 s per reply (and per block of content), 10 s after the final dot. */
    static final Timeouts TIMEOUTS = new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10));

    /** Connects to the fake server on loopback whatever host name the destination carries. */
    static final SmtpTransport LOOPBACK = (d, timeout) -> {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), d.port()), timeout);
        return s;
    };

    private RelayFixtures() {}

    /** A relay saying EHLO hub.test, with {@link #TIMEOUTS} and a pool of 20 connections per destination. */
    static SmtpRelay relay(SmtpTransport transport, TlsClient tls) {
        return new SmtpRelay(transport, new Myself("hub.test", java.util.Set.of()), TIMEOUTS,
                new ConnectionPool(20, Duration.ofSeconds(5), Duration.ofMinutes(5), 100), tls);
    }

    /** From alice@client.test to these addresses, 7-bit, no DSN parameters. */
    static Envelope envelope(String... recipients) {
        List<Recipient> rcpts = Arrays.stream(recipients)
                .map(r -> Recipient.of(new MailAddress(r.substring(0, r.indexOf('@')), r.substring(r.indexOf('@') + 1))))
                .toList();
        return new Envelope("Q0000000000001", new MailAddress("alice", "client.test"), rcpts, null, null,
                BodyType.SEVEN_BIT, false, "127.0.0.1", "client.test", null, Instant.now(), -1);
    }
}
