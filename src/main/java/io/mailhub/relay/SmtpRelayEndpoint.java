package io.mailhub.relay;

import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriPath;
import org.apache.camel.support.DefaultEndpoint;

/** Delivers the exchange's message (envelope in headers, content in the body) over SMTP and reports per recipient. */
@UriEndpoint(
        firstVersion = "0.1.0",
        scheme = "smtp-relay",
        title = "SMTP Relay",
        syntax = "smtp-relay:name",
        producerOnly = true,
        category = {Category.MAIL},
        headersClass = SmtpRelayConstants.class)
public class SmtpRelayEndpoint extends DefaultEndpoint {

    @UriPath(description = "A name for this relay endpoint (shown in Hawtio and the endpoint URI).")
    @Metadata(required = true)
    private final String name;

    @UriParam
    private final SmtpRelayConfiguration configuration;

    SmtpRelayEndpoint(String uri, SmtpRelayComponent component, String name, SmtpRelayConfiguration configuration) {
        super(uri, component);
        this.name = name;
        this.configuration = configuration;
    }

    @Override
    public Producer createProducer() {
        return new SmtpRelayProducer(this);
    }

    @Override
    public Consumer createConsumer(Processor processor) {
        throw new UnsupportedOperationException("smtp-relay only delivers; it has no consumer");
    }

    public String getName() {
        return name;
    }

    public SmtpRelayConfiguration getConfiguration() {
        return configuration;
    }
}
