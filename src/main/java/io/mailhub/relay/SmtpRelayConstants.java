package io.mailhub.relay;

import io.mailhub.model.EnvelopeHeaders;
import org.apache.camel.spi.Metadata;

/** Headers the smtp-relay producer reads and sets. */
public final class SmtpRelayConstants {

    @Metadata(label = "producer", description = "The queue id of the message, used in logs.", javaType = "String", required = true)
    public static final String QUEUE_ID = EnvelopeHeaders.QUEUE_ID;

    @Metadata(label = "producer", description = "The envelope sender (reverse-path) without brackets; empty for the null sender.",
            javaType = "String", required = true)
    public static final String SENDER = EnvelopeHeaders.SENDER;

    @Metadata(label = "producer", description = "The recipients, one per line in RCPT syntax with their DSN parameters,"
            + " e.g. <a@example.com> NOTIFY=FAILURE ORCPT=rfc822;a@example.com", javaType = "String", required = true)
    public static final String RECIPIENTS = EnvelopeHeaders.RECIPIENTS;

    @Metadata(label = "producer", description = "A next hop chosen by the route for every recipient of this message,"
            + " overriding the transport map and smart host: mx, mx:domain, host:port or [host]:port.", javaType = "String")
    public static final String NEXT_HOP = "MailhubNextHop";

    @Metadata(label = "producer", description = "The reverse-path to give in MAIL FROM instead of the envelope's"
            + " sender (the hub's return path), for this attempt only: results and bounces still name the envelope's"
            + " sender.", javaType = "String")
    public static final String RETURN_PATH = "MailhubReturnPath";

    /** A {@link #NEXT_HOP} that names an entry of the transport map: {@code transport:NAME}. */
    public static final String TRANSPORT_PREFIX = "transport:";

    @Metadata(label = "producer", description = "The outcome of the attempt: one result per recipient.",
            javaType = "io.mailhub.relay.DeliveryReport")
    public static final String REPORT = "MailhubDeliveryReport";

    @Metadata(label = "producer", description = "Number of recipients delivered in this attempt.", javaType = "int")
    public static final String DELIVERED = "MailhubDelivered";

    @Metadata(label = "producer", description = "Number of recipients deferred (temporary failure) in this attempt.",
            javaType = "int")
    public static final String DEFERRED = "MailhubDeferred";

    @Metadata(label = "producer", description = "Number of recipients failed (permanent failure) in this attempt.",
            javaType = "int")
    public static final String FAILED = "MailhubFailed";

    private SmtpRelayConstants() {}
}
