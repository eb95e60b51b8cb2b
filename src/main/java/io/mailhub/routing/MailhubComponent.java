package io.mailhub.routing;

import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.DefaultComponent;

/**
 * The {@code mailhub:} component: the actions of the policy route ({@code direct:policy}) and the routing route
 * ({@code direct:routing}), such as {@code mailhub:reject?code=550&enhanced=5.7.1&text=...} or
 * {@code mailhub:jms?queue=erp.invoices}. See docs/routing.md.
 */
@Component("mailhub")
public class MailhubComponent extends DefaultComponent {

    /** Sends of the egress actions, joined to the dispatch transaction (one per component, so per context). */
    private final io.mailhub.queue.JoinedSend sends = new io.mailhub.queue.JoinedSend();

    io.mailhub.queue.JoinedSend sends() {
        return sends;
    }

    /** The greylisting triplets of mailhub:greylist, in memory (one store per component, so per hub). */
    private volatile io.mailhub.policy.Greylist greylist = new io.mailhub.policy.Greylist(java.time.Clock.systemUTC());

    /** The hub's store when the runtime bound one (shared with greylisting at RCPT), else this component's own. */
    io.mailhub.policy.Greylist greylist() {
        io.mailhub.policy.Greylist shared = getCamelContext() == null ? null : getCamelContext().getRegistry()
                .lookupByNameAndType(io.mailhub.policy.Greylist.BEAN, io.mailhub.policy.Greylist.class);
        return shared != null ? shared : greylist;
    }

    /** Starts the greylist over with this clock (tests). */
    void greylistClock(java.time.Clock clock) {
        greylist = new io.mailhub.policy.Greylist(clock);
    }

    /** The hub's store of attachments sent by reference (bound by the runtime; absent in {@code routes check}). */
    AttachmentStore attachments() {
        AttachmentStore store = getCamelContext().getRegistry().lookupByNameAndType(AttachmentStore.BEAN,
                AttachmentStore.class);
        if (store == null) {
            throw new IllegalStateException("mailhub:webhook?attachmentsByReferenceOver needs the hub's attachment"
                    + " store, which only the running hub has");
        }
        return store;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        MailhubEndpoint endpoint = new MailhubEndpoint(uri, this, remaining);
        setProperties(endpoint, parameters);
        endpoint.validate();
        RouteQueues queues = getCamelContext().getRegistry().lookupByNameAndType(RouteQueues.BEAN, RouteQueues.class);
        if (queues != null && endpoint.quarantineQueue() != null) {
            queues.quarantine(endpoint.quarantineQueue());
        }
        if (queues != null && endpoint.readerLogins() != null) {
            queues.readers(endpoint.getQueue(), endpoint.readerLogins());
        }
        return endpoint;
    }
}
