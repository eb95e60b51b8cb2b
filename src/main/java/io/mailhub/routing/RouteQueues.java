package io.mailhub.routing;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the routes say about the queues they use, as their endpoints are made, for the logins of the broker's acceptor
 * (the JMS door's {@code BrokerLogins}): the queues they hold mail in ({@code mailhub:hold?queue=...}, other than
 * mail.hold), which no login may read, since that mail waits for an operator; and the logins that may read a queue
 * they hand mail to ({@code mailhub:jms?queue=...&readers=erp,finance}). Names stay once seen, also after a route
 * reload drops them: their mail may still be there.
 */
public final class RouteQueues {

    /** The name the runtime binds it under in Camel's registry. */
    public static final String BEAN = "routeQueues";

    private final Set<String> quarantines = ConcurrentHashMap.newKeySet();
    private final Map<String, Set<String>> readers = new ConcurrentHashMap<>();

    void quarantine(String queue) {
        quarantines.add(queue);
    }

    void readers(String queue, Set<String> logins) {
        readers.computeIfAbsent(queue, q -> ConcurrentHashMap.newKeySet()).addAll(logins);
    }

    /** Whether a route holds mail in {@code queue}. */
    public boolean isQuarantine(String queue) {
        return quarantines.contains(queue);
    }

    /** Whether {@code login} may read {@code queue}: any login, unless a route named its readers. */
    public boolean mayRead(String login, String queue) {
        Set<String> named = readers.get(queue);
        return named == null || named.contains(login);
    }
}
