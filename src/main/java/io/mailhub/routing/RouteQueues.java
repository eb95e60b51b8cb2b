package io.mailhub.routing;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the routes say about the queues they use, as their endpoints are made, for the logins of the broker's acceptor
 * (the JMS door's {@code BrokerLogins}): the queues they hold mail in ({@code mailhub:hold?queue=...}, other than
 * mail.hold), which no login may read, since that mail waits for an operator; and the logins that may read a queue
 * they hand mail to ({@code mailhub:jms?queue=...&readers=erp,finance}). Names stay once seen, also after a route
 * reload drops them: their mail may still be there.
 *
 * <p>On the embedded broker the acceptor asks it for each login; a standalone broker gets the same rules as security
 * settings, which the runtime adds through management whenever a name is first seen ({@link #onChange}).
 */
public final class RouteQueues {

    /** The name the runtime binds it under in Camel's registry. */
    public static final String BEAN = "routeQueues";

    private final Set<String> quarantines = ConcurrentHashMap.newKeySet();
    private final Map<String, Set<String>> readers = new ConcurrentHashMap<>();
    private volatile Runnable onChange = () -> {};

    void quarantine(String queue) {
        if (quarantines.add(queue)) {
            onChange.run();
        }
    }

    void readers(String queue, Set<String> logins) {
        if (readers.computeIfAbsent(queue, q -> ConcurrentHashMap.newKeySet()).addAll(logins)) {
            onChange.run();
        }
    }

    /** Runs {@code r} (on the thread that makes the endpoint: it must not block) whenever a name is first seen. */
    public void onChange(Runnable r) {
        this.onChange = r;
    }

    /** The queues routes hold mail in, sorted. */
    public Set<String> quarantines() {
        return new TreeSet<>(quarantines);
    }

    /** The queues routes named readers for, each with its readers, sorted. */
    public Map<String, Set<String>> namedReaders() {
        Map<String, Set<String>> m = new TreeMap<>();
        readers.forEach((q, logins) -> m.put(q, new TreeSet<>(logins)));
        return m;
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
