package io.mailhub.queue;

/** The Artemis addresses between the stages; each has one anycast queue of the same name (artemis/broker.xml). */
public final class QueueNames {

    /** Accepted mail, not yet dispatched. Written by every ingress path, read by the dispatch route. */
    public static final String INCOMING = "mail.incoming";
    /** Recipients waiting for a retry, scheduled for later. Read by the retry route. */
    public static final String OUTBOUND = "mail.outbound";
    /** Bounce requests (failed, expired, delayed or relayed recipients) waiting for their notice. Read by the bounce route. */
    public static final String BOUNCE = "mail.bounce";
    /** Mail an operator (or a route) put on hold. Nothing reads it until released. */
    public static final String HOLD = "mail.hold";
    /** Poison messages and double bounces: nothing is delivered from here; operators inspect it. */
    public static final String DEAD = "mail.dead";

    /** Every queue the hub itself reads or writes on its broker (the JMS door's come from its settings). */
    public static final java.util.List<String> REQUIRED = java.util.List.of(INCOMING, OUTBOUND, BOUNCE, HOLD, DEAD,
            "hub.idempotency", "hub.suspensions", "hub.alerts", "hub.suppressions", "hub.expired", "hub.admin.work");

    private QueueNames() {}
}
