package io.mailhub.queue;

/**
 * Operator actions on queued mail, Postfix's postqueue/postsuper over JMX ({@code io.mailhub:type=MailQueue}).
 * Messages are named by their queue id (the one in the "250 Ok: queued as" reply and the logs). Hawtio and the HTTP
 * API use these operations; the admin API ({@code /admin/v1}) acts through the same code, on whole filters.
 */
public interface MailQueueAdminMBean {

    /** One line per message in a stage queue: queue id, state, sender, recipient count, size, arrival, attempts. */
    String[] list(String queue) throws Exception;

    /** Every stage queue's message count (scheduled messages included), one "name count" line each. */
    String[] counts() throws Exception;

    /** Where the message is and its envelope, or a line saying it is not queued. */
    String inspect(String queueId) throws Exception;

    /** Delivers a message waiting for its retry now instead of at its scheduled time; returns messages affected. */
    int retryNow(String queueId) throws Exception;

    /** Moves a message (waiting or scheduled) to mail.hold, where nothing delivers it; returns messages moved. */
    int hold(String queueId) throws Exception;

    /** Moves a held or quarantined message back to mail.outbound for delivery; returns messages moved. */
    int release(String queueId) throws Exception;

    /** Deletes a message from every stage queue, without a bounce; returns messages deleted. */
    int delete(String queueId) throws Exception;
}
