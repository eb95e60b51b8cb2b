package io.mailhub.app;

/** What the rate limits and the login lockout count, for operators (JMX, Hawtio): {@code io.mailhub:type=Policy}. */
public interface PolicyCountersMBean {

    /** Each live counter as {@code "connections [192.0.2.7]=12"}, {@code "messages alice=40"}, ... */
    String[] getRateCounters();

    /** Client addresses locked out now after too many failed logins. */
    int getLockedOutClients();

    int getConnectionsPerMinuteLimit();

    int getMessagesPerHourLimit();

    int getRecipientsPerHourLimit();
}
