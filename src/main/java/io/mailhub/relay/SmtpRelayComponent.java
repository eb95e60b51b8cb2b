package io.mailhub.relay;

import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.DefaultComponent;

/** The {@code smtp-relay} component: delivers queued mail to a next hop over SMTP. See smtp-relay-component.adoc. */
@Component("smtp-relay")
public class SmtpRelayComponent extends DefaultComponent {

    @Metadata(description = "Shared configuration; endpoint options override it.")
    private SmtpRelayConfiguration configuration = new SmtpRelayConfiguration();

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        SmtpRelayConfiguration config = configuration.copy();
        setProperties(config, parameters);
        SmtpRelayEndpoint endpoint = new SmtpRelayEndpoint(uri, this, remaining, config);
        setProperties(endpoint, parameters);
        return endpoint;
    }

    public SmtpRelayConfiguration getConfiguration() {
        return configuration;
    }

    public void setConfiguration(SmtpRelayConfiguration configuration) {
        this.configuration = configuration;
    }
}
