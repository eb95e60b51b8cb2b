package io.mailhub.relay;

import io.mailhub.model.Envelope;
import io.mailhub.model.EnvelopeHeaders;
import io.mailhub.model.SmtpReply;
import io.mailhub.model.SyntaxException;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.Message;
import org.apache.camel.StreamCache;
import org.apache.camel.support.DefaultProducer;

/**
 * Reads the envelope from the headers and the content from the body, delivers once, and puts the
 * {@link DeliveryReport} and the per-status counts into headers. A message that cannot be read (missing envelope) is
 * an exception: the route's transaction rolls back and the broker's redelivery ends it in the dead-letter queue.
 */
public class SmtpRelayProducer extends DefaultProducer {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SmtpRelayProducer.class);
    private static final SmtpReply NO_ROUTE =
            SmtpReply.of(451, "4.4.0", "no smart host configured and MX delivery is not available yet");

    private final SmtpRelayConfiguration config;
    private Destination smartHost;
    private SmtpRelay relay;

    SmtpRelayProducer(SmtpRelayEndpoint endpoint) {
        super(endpoint);
        this.config = endpoint.getConfiguration();
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        if (config.getSmartHost().isEmpty()) {
            LOG.warn("smtp-relay: no smart host configured and MX delivery is not implemented yet:"
                    + " every message is deferred and kept queued until mailhub.relay.smarthost is set");
        } else {
            smartHost = Destination.parse(config.getSmartHost(), config.getPort());
        }
        String helo = config.getHeloName() != null ? config.getHeloName() : localHostName();
        ConnectionPool pool = new ConnectionPool(config.getMaxConnectionsPerDestination(), config.getConnectionIdleTime(),
                config.getConnectionMaxAge(), config.getMaxTransactionsPerConnection());
        relay = new SmtpRelay(config.getTransport(), helo, config.timeouts(), pool);
    }

    @Override
    protected void doStop() throws Exception {
        if (relay != null) {
            relay.close();
            relay = null;
        }
        super.doStop();
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        Message message = exchange.getMessage();
        Envelope envelope;
        try {
            envelope = EnvelopeHeaders.read(message::getHeader);
        } catch (SyntaxException e) {
            throw new InvalidPayloadException(exchange, Envelope.class, message, e);
        }
        DeliveryReport report = smartHost == null
                ? relay.deferAll(envelope, NO_ROUTE)
                : relay.deliver(smartHost, envelope, bodyOf(exchange));
        message.setHeader(SmtpRelayConstants.REPORT, report);
        message.setHeader(SmtpRelayConstants.DELIVERED, report.count(RecipientStatus.DELIVERED));
        message.setHeader(SmtpRelayConstants.DEFERRED, report.count(RecipientStatus.DEFERRED));
        message.setHeader(SmtpRelayConstants.FAILED, report.count(RecipientStatus.FAILED));
    }

    static BodySource bodyOf(Exchange exchange) throws InvalidPayloadException {
        Object body = exchange.getMessage().getBody();
        if (body instanceof StreamCache cache && body instanceof InputStream in) {
            return new BodySource() {
                @Override
                public long size() {
                    return cache.length();
                }

                @Override
                public InputStream open() {
                    cache.reset();
                    return new FilterInputStream(in) {
                        @Override
                        public void close() {
                            // the stream cache belongs to the exchange; it is reset, not closed, between reads
                        }
                    };
                }
            };
        }
        byte[] bytes = exchange.getMessage().getMandatoryBody(byte[].class);
        return new BodySource() {
            @Override
            public long size() {
                return bytes.length;
            }

            @Override
            public InputStream open() {
                return new ByteArrayInputStream(bytes);
            }
        };
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getCanonicalHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
