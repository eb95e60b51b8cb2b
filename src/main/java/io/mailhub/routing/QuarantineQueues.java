package io.mailhub.routing;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The queues the routes hold mail in ({@code mailhub:hold?queue=...}, other than mail.hold), as their endpoints are
 * made: mail there waits for an operator, so no producer login of the broker's acceptor may read them (the JMS door's
 * {@code BrokerLogins}). Names stay once seen, also after a route reload drops them: held mail may still be there.
 */
public final class QuarantineQueues {

    /** The name the runtime binds it under in Camel's registry. */
    public static final String BEAN = "quarantineQueues";

    private final Set<String> names = ConcurrentHashMap.newKeySet();

    void add(String queue) {
        names.add(queue);
    }

    public boolean contains(String queue) {
        return names.contains(queue);
    }
}
